// What the producer, the workers and the monitor agree on in Redis: key names, a job's data
// and result, the heartbeat and control records, and the BullMQ timings that make a killed
// worker's messages come back within seconds. Plain data and pure helpers; no I/O.
import type {RunSettings, SenderSpec} from '../engine/types.js';

/** How long a job's lock lasts without renewal: a SIGKILLed worker's jobs come back after it. */
export const lockDurationMs = 2000;
/** How often workers look for jobs whose lock has expired. */
export const stalledIntervalMs = 1000;
/** A job may stall (lose its worker) this often before BullMQ fails it; high, so it never does. */
export const maxStalledCount = 1000;
/** Seconds a worker blocks waiting for a job on an empty queue (BullMQ `drainDelay`). */
export const drainDelaySeconds = 1;
/** How often a worker announces each of its senders. */
export const heartbeatMs = 250;
/** A sender whose announcement is older than this is gone (a Redis key TTL: no clock skew). */
export const aliveTtlMs = 3000;
/** Control records (remote tune/remove) expire if no worker reads them. */
export const controlTtlMs = 60_000;
/** Events the BullMQ stream keeps (about 4 a job); the monitor reads them as they come. */
export const eventsMaxLen = 200_000;

/** Redis keys of sms-dash's own records next to a BullMQ queue (`bull:<queue>:…`). */
export function keysFor(queue: string) {
	const base = `sms-dash:${queue}`;
	return {
		/** Counter for sender ids (INCR). */
		senderSeq: `${base}:sender-seq`,
		/** Set of announced sender ids. */
		senders: `${base}:senders`,
		/** One per live sender: its AliveRecord, expiring after aliveTtlMs. */
		alive: (id: number) => `${base}:alive:${id}`,
		/** One per sender with a pending remote change: a ControlRecord. */
		control: (id: number) => `${base}:control:${id}`,
		/** The run that owns the queue now; its loss means Redis lost its data. */
		run: `${base}:run`,
		/** The gateway's token bucket every worker takes from (gateway-bucket.ts). */
		gateway: `${base}:gateway`,
		/** Per run id: messages sent again because their first outcome was lost (HINCRBY by workers). */
		duplicates: `${base}:duplicates`,
	};
}

/**
 * A message as a job's data (short keys: it is stored once per message). Its job's `attempts`
 * option is the run's retries + 1: workers read the retries there. They decide retries and
 * failover themselves (engine/attempt.ts) and fail a message for good as unrecoverable, so
 * BullMQ never retries one by itself.
 */
export interface JobData {
	/** Message id, 1..N. */
	n: number;
	/** 10 digits. */
	ph: string;
	/** Text, 1..100 printable ASCII characters. */
	tx: string;
	/** Produced at, epoch ms (producer's clock). */
	at: number;
	/** First pickup, epoch ms (a worker's clock): set once the message came back to the queue. */
	p?: number;
	/** Its attempts before it came back (failover, removal), as in AttemptReport.t. */
	t?: number[];
	/** Its throttled submits before it came back, as in AttemptReport.h. */
	h?: number[];
	/** The run's delivery model, each only when the run sets it: segments per message (1). */
	sg?: number;
	/** Share of invalid numbers: a worker fails such a number at its first attempt, for good. */
	iv?: number;
	/** The gateway's cap, segments per second, shared by every worker; and the backoff, ms. */
	gr?: number;
	bo?: number;
}

/** What a message brings back to the queue from its earlier pickups. */
export type EarlierAttempts = Required<Pick<JobData, 'p' | 't'>> & Pick<JobData, 'h'>;

/** What a run's messages carry of its delivery model (JobData's sg, iv, gr, bo). */
export type JobModel = Pick<JobData, 'sg' | 'iv' | 'gr' | 'bo'>;

/** What a finished attempt reports; a completed job's return value, a failed job's reason (JSON). */
export interface AttemptReport {
	/** Sender id. */
	s: number;
	/** First pickup, epoch ms (worker's clock). */
	p: number;
	/** Final outcome, epoch ms (worker's clock). */
	f: number;
	/** Attempts made. */
	a: number;
	/** Each attempt's sender and wait (ms), flat: [sender, waitMs, sender, waitMs, …]. */
	t: number[];
	/** Throttled submits per sender, flat: [sender, count, …]; absent when none. */
	h?: number[];
	/** A failure's reason, when the number cannot receive. */
	r?: 'invalid';
}

/** What a worker announces for each of its senders, every heartbeatMs. */
export interface AliveRecord {
	id: number;
	spec: SenderSpec;
	state: 'idle' | 'sending' | 'resting';
	/** Of a failover rest, when resting. */
	restLeftMs?: number;
	/** Rests so far, and their time (the one under way up to now). */
	rests?: number;
	restedMs?: number;
	/** Being removed: finishing its message, taking no more. */
	isStopping: boolean;
	host: string;
	pid: number;
	/** Whether it runs inside the dashboard's process. */
	isLocal: boolean;
	/** Messages it holds and submits unanswered now (absent: one message, one submit). */
	held?: number;
	windowUsed?: number;
	/** The last control version applied. */
	cv: number;
}

/** A remote change for one sender; applied once its version is newer than the last applied. */
export interface ControlRecord {
	v: number;
	spec?: SenderSpec;
	remove?: true;
}

/** Epoch milliseconds with sub-millisecond precision. */
export function epochMs(): number {
	return performance.timeOrigin + performance.now();
}

/** A job id for message `n` of a run: never a whole number, never `:` (BullMQ refuses both). */
export function jobIdOf(runId: string, n: number): string {
	return `${runId}-${n}`;
}

/** The run a job id belongs to (jobIdOf's runId). */
export function runIdOf(jobId: string): string {
	return jobId.slice(0, Math.max(0, jobId.lastIndexOf('-')));
}

/** Reads a report from a completed job's return value or a failed job's reason. */
export function parseReport(value: unknown): AttemptReport | undefined {
	let data = value;
	if (typeof value === 'string') {
		try {
			data = JSON.parse(value);
		} catch {
			return undefined;
		}
	}

	if (typeof data !== 'object' || data === null) return undefined;
	const {s, p, f, a, t, h, r} = data as Record<string, unknown>;
	if (typeof s !== 'number' || typeof p !== 'number' || typeof f !== 'number' || typeof a !== 'number') return undefined;
	const report: AttemptReport = {s, p, f, a, t: isNumbers(t) ? t : []};
	if (isNumbers(h) && h.length > 0) report.h = h;
	if (r === 'invalid') report.r = r;
	return report;
}

function isNumbers(value: unknown): value is number[] {
	return Array.isArray(value) && value.every(x => typeof x === 'number');
}

/** Stream ids ("ms-seq") in order: negative, zero or positive. */
export function compareStreamIds(a: string, b: string): number {
	const [aMs = 0, aSeq = 0] = a.split('-').map(Number);
	const [bMs = 0, bSeq = 0] = b.split('-').map(Number);
	return aMs === bMs ? aSeq - bSeq : aMs - bMs;
}

/** Sender ids for people: "#1, #4" or, for a run of more than three, "#1–#8". */
export function idList(ids: readonly number[]): string {
	const labels = ids.map(id => `#${id}`);
	const isRun = ids.every((id, i) => i === 0 || id === ids[i - 1]! + 1);
	return ids.length > 3 && isRun ? `${labels[0]}–${labels.at(-1)}` : labels.join(', ');
}

/** What every message of the run carries of its delivery model; nothing without its keys. */
export function jobModelOf(settings: RunSettings, segments: number): JobModel {
	const model: JobModel = {};
	if (segments !== 1) model.sg = segments;
	if (settings.invalid !== undefined && settings.invalid > 0) model.iv = settings.invalid;
	if (settings.gatewayRate !== undefined) {
		model.gr = settings.gatewayRate;
		if (settings.backoffMs !== undefined) model.bo = settings.backoffMs;
	}

	return model;
}
