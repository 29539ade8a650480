// Reads BullMQ's event stream from a position taken before producing, so no outcome is
// missed, and hands on each of this run's final outcomes (completed, or failed after the
// last attempt). A small Lua script picks those out in Redis: the stream holds ~4 events a
// job and parsing them all here cost more CPU than the rest of the monitor. Waits through
// an outage and goes on from where it was. Never decides what an outcome means for the run.
import type {Redis} from 'ioredis';
import {within} from './connection.js';

/** One job's final outcome, as the stream tells it. */
export interface FinishEvent {
	jobId: string;
	isSent: boolean;
	/** The completed job's return value (JSON) or the failed job's reason. */
	payload: string;
	/** When it was read, epoch ms (this process's clock). */
	receivedAt: number;
}

/** Entries looked at per call. */
const scanCount = 20_000;
/** Pause between calls when nothing new came. */
const idleMs = 20;

/**
 * KEYS[1] the events stream; ARGV[1] the last id read; ARGV[2] most entries to look at;
 * ARGV[3] the job id prefix of this run. Returns the last id looked at, a flat list of
 * [1 sent | 0 failed, jobId, payload] for this run's completed and failed events, and the
 * number of entries looked at.
 * Needs Redis 6.2 (exclusive XRANGE start).
 */
const finishedEventsScript = `
local entries = redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+', 'COUNT', ARGV[2])
local out = {}
local last = ARGV[1]
local prefix = ARGV[3]
for i = 1, #entries do
  local entry = entries[i]
  last = entry[1]
  local fields = entry[2]
  local event = fields[2]
  if event == 'completed' or event == 'failed' then
    local jobId, payload = nil, ''
    for j = 3, #fields - 1, 2 do
      local name = fields[j]
      if name == 'jobId' then jobId = fields[j + 1]
      elseif name == 'returnvalue' or name == 'failedReason' then payload = fields[j + 1] end
    end
    if jobId and string.sub(jobId, 1, #prefix) == prefix then
      out[#out + 1] = event == 'completed' and '1' or '0'
      out[#out + 1] = jobId
      out[#out + 1] = payload
    end
  end
end
return {last, out, #entries}`;

/** The id of the stream's newest entry, or "0-0" when it is empty. */
export async function lastStreamId(client: Redis, key: string): Promise<string> {
	const last = await client.xrevrange(key, '+', '-', 'COUNT', 1);
	return last[0]?.[0] ?? '0-0';
}

type ReadFinished = (key: string, last: string, count: number, prefix: string) => Promise<[string, string[], number]>;

export class EventReader {
	/** The id of the last entry looked at; the next read starts after it. */
	position: string;
	private isStopped = false;
	private loop: Promise<void> | undefined;
	private wakeUp: (() => void) | undefined;

	constructor(
		private readonly client: Redis,
		private readonly key: string,
		private readonly prefix: string,
		startId: string,
		private readonly onEvents: (events: FinishEvent[]) => void,
	) {
		this.position = startId;
		if (!('smsDashFinished' in client)) client.defineCommand('smsDashFinished', {numberOfKeys: 1, lua: finishedEventsScript});
	}

	start(): void {
		this.loop ??= this.run();
	}

	async stop(): Promise<void> {
		this.isStopped = true;
		this.wakeUp?.();
		if (this.loop !== undefined) await within(this.loop, 1000);
	}

	private async run(): Promise<void> {
		const read = (this.client as unknown as {smsDashFinished: ReadFinished}).smsDashFinished.bind(this.client);
		while (!this.isStopped) {
			let reply: [string, string[], number];
			try {
				reply = await read(this.key, this.position, scanCount, this.prefix);
			} catch {
				if (this.isStopped) return;
				await this.pause(100);
				continue;
			}

			if (this.isStopped) return;
			const [last, flat, scanned] = reply;
			this.position = last;
			if (flat.length > 0) {
				const receivedAt = performance.timeOrigin + performance.now();
				const events: FinishEvent[] = [];
				for (let i = 0; i + 2 < flat.length; i += 3) events.push({isSent: flat[i] === '1', jobId: flat[i + 1]!, payload: flat[i + 2]!, receivedAt});
				this.onEvents(events);
			}

			// A full scan may have left more behind it; otherwise wait a little.
			if (scanned < scanCount) await this.pause(idleMs);
		}
	}

	private pause(ms: number): Promise<void> {
		return new Promise(resolve => {
			const timer = setTimeout(resolve, ms);
			this.wakeUp = () => {
				clearTimeout(timer);
				resolve();
			};
		});
	}
}
