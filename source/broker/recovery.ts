// Recovery of lost messages in broker mode: the run's claim on the queue (lost when Redis
// restarts without its data), and messages whose job is gone without an outcome, enqueued
// again once no event can still report them. Never counts an outcome.
import type {Queue} from 'bullmq';
import type {Redis} from 'ioredis';
import type {EventReader} from './events.js';
import type {Producer} from './producer.js';
import {compareStreamIds, eventsMaxLen, jobIdOf, keysFor, type AttemptReport, type JobData} from './protocol.js';

/** How long a run's mark of life lasts: renewed at every check (every ½ s), gone soon after its end. */
const liveTtlMs = 5000;

/** Queue empty, nothing in flight, messages open this long: look for lost ones. */
const quietMs = 1000;

export class Recovery {
	/** Messages enqueued again because Redis lost them. */
	resent = 0;
	private readonly runKey: string;
	private quietSince: number | undefined;
	private lostCheck: {ns: number[]; mark: string} | undefined;
	private mustCheckLost = false;
	private isMixTold = false;
	private readonly liveKey: string;

	constructor(
		private readonly client: Redis,
		private readonly queue: Queue<JobData, AttemptReport>,
		private readonly producer: Producer,
		private readonly reader: EventReader,
		private readonly runId: string,
		private readonly notice: (text: string) => void,
	) {
		this.runKey = keysFor(queue.name).run;
		this.liveKey = `${this.runKey}:live`;
	}

	/** Another run that is still going has the queue: its id, else undefined. */
	async otherLiveRun(): Promise<string | undefined> {
		const live = await this.client.get(this.liveKey);
		return live === null || live === this.runId ? undefined : live;
	}

	/** At the run's end: the queue is free for the next run at once (never another run's mark). */
	async release(): Promise<void> {
		if ((await this.client.get(this.liveKey)) === this.runId) await this.client.del(this.liveKey);
	}

	/** Marks the queue as this run's, with what the Queue writes at start (Redis may have lost it). */
	async claim(): Promise<void> {
		await this.client
			.pipeline()
			.set(this.runKey, this.runId)
			// While this run goes on: a run that starts on the queue meanwhile is refused.
			.set(this.liveKey, this.runId, 'PX', liveTtlMs)
			// The events kept.
			.hset(this.queue.toKey('meta'), 'opts.maxLenEvents', eventsMaxLen)
			.exec();
	}

	/** The run's key is gone when Redis restarted without its data: claim the queue again. */
	async checkRun(): Promise<void> {
		const [[, owner]] = (await this.client.pipeline().get(this.runKey).set(this.liveKey, this.runId, 'PX', liveTtlMs).exec()) as [[unknown, string | null]];
		if (owner === this.runId) return;
		await this.claim();
		if (owner === null) {
			const open = this.producer.open.size;
			this.notice(`Redis lost its data (restarted without persistence?): sending the ${open} unfinished ${open === 1 ? 'message' : 'messages'} again`);
			this.mustCheckLost = true;
		} else if (!this.isMixTold) {
			// Said once: the two runs would take the queue from each other at every check.
			this.isMixTold = true;
			this.notice(`another sms-dash run used queue "${this.queue.name}"; results may mix`);
		}
	}

	/**
	 * Looks for messages whose job is gone from Redis without an outcome read (a restart lost
	 * it, or the event stream was trimmed past the reader), and enqueues them again.
	 * @param now performance.now()
	 * @param isQueueIdle nothing waits or is in flight in Redis
	 */
	async findLost(now: number, isQueueIdle: boolean): Promise<void> {
		const open = this.producer.open;
		if (this.lostCheck !== undefined) {
			if (compareStreamIds(this.reader.position, this.lostCheck.mark) < 0) return;
			const ns = this.lostCheck.ns.filter(n => open.has(n));
			this.lostCheck = undefined;
			if (ns.length === 0) return;
			this.resent += await this.producer.resend(ns);
			this.notice(`sent ${ns.length} ${ns.length === 1 ? 'message' : 'messages'} again: Redis lost ${ns.length === 1 ? 'it' : 'them'} before ${ns.length === 1 ? 'it' : 'they'} finished`);
			return;
		}

		const isQuiet = open.size > 0 && isQueueIdle;
		if (!isQuiet) this.quietSince = undefined;
		else this.quietSince ??= now;
		if (!this.mustCheckLost && (this.quietSince === undefined || now - this.quietSince < quietMs)) return;
		this.mustCheckLost = false;
		this.quietSince = undefined;
		const ns = [...open.keys()];
		if (ns.length === 0) return;
		const pipe = this.client.pipeline();
		for (const n of ns) pipe.exists(this.queue.toKey(jobIdOf(this.runId, n)));
		pipe.xrevrange(this.queue.toKey('events'), '+', '-', 'COUNT', 1);
		const results = (await pipe.exec()) ?? [];
		const missing = ns.filter((_, i) => results[i]?.[0] === null && results[i]?.[1] === 0);
		const last = results[ns.length]?.[1] as Array<[string, string[]]> | undefined;
		if (missing.length > 0) this.lostCheck = {ns: missing, mark: last?.[0]?.[0] ?? '0-0'};
	}
}
