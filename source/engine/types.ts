// The engine's vocabulary: settings that decide a run, the snapshot it publishes
// and the outcome of each finished message. Plain data only; no behaviour here.

export const distributions = ['gamma', 'exponential', 'normal', 'lognormal', 'uniform', 'constant'] as const;
export type Distribution = (typeof distributions)[number];

/** One sender's behaviour. Times are simulated milliseconds. */
export interface SenderSpec {
	/** Mean time of one attempt. */
	meanMs: number;
	/** Probability that one attempt fails, 0..1. */
	failureRate: number;
	/** @default 'gamma' */
	distribution: Distribution;
	/** Spread around the mean (see DESIGN.md); undefined = mean/2 where it applies. */
	spreadMs?: number | undefined;
	/** Longest one attempt may take; a longer draw is cut to it. */
	maxWaitMs?: number | undefined;
	/** After a failed attempt the sender rests this long and the message goes back to the queue. */
	failoverMs?: number | undefined;
}

/** What decides a run's outcomes (speed, mode and paths do not). */
export interface RunSettings {
	messages: number;
	senders: SenderSpec[];
	/** Extra attempts after a failed one. */
	retries: number;
	seed: number;
	/** Monitor period, simulated milliseconds. */
	intervalMs: number;
}

/** A runtime change, in script form (DESIGN.md "Scripts"). */
export type Action =
	| {add: SenderSpec}
	| {remove: number}
	| {tune: {sender: number} & Partial<SenderSpec>}
	| {more: number};

export type TimedAction = {simMs: number} & Action;

/** One finished message, as `--log` writes it. */
export interface Outcome {
	id: number;
	/** 10 digits. */
	phone: string;
	outcome: 'sent' | 'failed';
	attempts: number;
	/** Pickup to final outcome, all attempts. */
	timeMs: number;
	/** Production to final outcome. */
	e2eMs: number;
	sender: number;
	simMs: number;
}

export type SenderState = 'idle' | 'sending' | 'resting' | 'removed';

export interface SenderSnapshot {
	id: number;
	spec: SenderSpec;
	state: SenderState;
	/** Simulated ms left of a failover rest, when resting. */
	restLeftMs: number;
	inFlight: number;
	sent: number;
	failed: number;
	attempts: number;
	rests: number;
	restedMs: number;
	/** Mean time per message this sender finished; undefined before the first. */
	avgTimeMs: number | undefined;
	/** Observed mean of one attempt's wait (differs from spec.meanMs when max-wait cuts). */
	observedMeanMs: number | undefined;
	p95Ms: number | undefined;
}

export interface Snapshot {
	simMs: number;
	/** Messages asked for so far (initial + more). */
	total: number;
	produced: number;
	pending: number;
	queued: number;
	inFlight: number;
	resting: number;
	sent: number;
	failed: number;
	attempts: number;
	avgTimeMs: number | undefined;
	avgE2eMs: number | undefined;
	p50Ms: number | undefined;
	p95Ms: number | undefined;
	p99Ms: number | undefined;
	/** Simulated time of the last outcome. */
	lastOutcomeMs: number;
	isDone: boolean;
	senders: SenderSnapshot[];
}
