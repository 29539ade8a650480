// The engine's vocabulary: settings that decide a run, the snapshot it publishes
// and the outcome of each finished message. Plain data only; no behaviour here.

/** Largest accepted values, whatever the path (flags, files, scripts, keys); the messages that refuse more say the limit. */
export const limits = {messages: 1e9, senders: 100_000, retries: 100, seed: 2 ** 32 - 1, window: 100_000} as const;

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
	/** Submits (segments) it may have unanswered at once: an SMPP bind's window. @default 1 */
	window?: number | undefined;
	/** Submits per simulated second at most, evenly spaced; undefined = no cap. */
	rate?: number | undefined;
	/** Price of one accepted segment. @default 0 */
	price?: number | undefined;
}

/** Handset delivery receipts (DESIGN.md "Real SMS delivery"): the delay after acceptance. */
export interface DeliverySpec {
	meanMs: number;
	/** @default 'gamma', as for senders */
	distribution: Distribution;
	spreadMs?: number | undefined;
	/** Share of accepted messages whose receipt never comes: they expire at the validity. 0..1 */
	undelivered: number;
}

/** The real-delivery knobs of a run; every one optional, and a run without them is as before. */
export interface DeliverySettings {
	/** The alert every recipient gets; undefined: random text per message, counted as 1 segment. */
	text?: string | undefined;
	/** The gateway all senders share: segments per simulated second; undefined = no cap. */
	gatewayRate?: number | undefined;
	/** Wait after a throttled submit before it is submitted again; over 0 (with 0, a sender that takes no time would be throttled for ever at one instant). @default 1000 */
	backoffMs?: number | undefined;
	/** Share of recipients whose number cannot receive (fail at once, never retried). @default 0 */
	invalid?: number | undefined;
	/** Delivery receipts; undefined: acceptance is reach. */
	delivery?: DeliverySpec | undefined;
	/** How long an accepted, undelivered message lives before it expires. @default 48h */
	validityMs?: number | undefined;
}

/** What decides a run's outcomes (speed, mode and paths do not). */
export interface RunSettings extends DeliverySettings {
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
	/** Segments of the message (each its own submit). */
	segments: number;
	/** A failed message: a temporary error that ran out of retries, or an invalid number. */
	reason?: 'error' | 'invalid';
	/** A sent message with receipts on: its receipt came, or it expired at the validity. */
	delivery?: 'delivered' | 'expired';
	/** From the moment it was asked for to its delivery (receipts on and delivered only). */
	reachMs?: number;
}

export type SenderState = 'idle' | 'sending' | 'resting' | 'removed';

/** Where a sender runs in broker mode: a worker's host and pid, or this process. */
export interface SenderWhere {
	host: string;
	pid: number;
	/** Started by this process (the producer's own senders). */
	isHere: boolean;
}

/** A sender's SMPP bind (with --smpp only): its connection and its messages awaiting receipts. */
export interface BindView {
	state: 'binding' | 'bound' | 'reconnecting' | 'closed';
	receiptsPending: number;
}

export interface SenderSnapshot {
	id: number;
	spec: SenderSpec;
	state: SenderState;
	/** Simulated ms left of a failover rest, when resting. */
	restLeftMs: number;
	/** Messages it holds (being submitted or awaiting answers). */
	inFlight: number;
	/** Submits unanswered now (out of spec.window). */
	windowUsed: number;
	sent: number;
	failed: number;
	attempts: number;
	/** Segments accepted (attempts of a failed message not counted). */
	segments: number;
	/** Submits answered "throttled" by the gateway. */
	throttled: number;
	rests: number;
	restedMs: number;
	/** Mean time per message this sender finished; undefined before the first. */
	avgTimeMs: number | undefined;
	/** Observed mean of one attempt's wait (differs from spec.meanMs when max-wait cuts). */
	observedMeanMs: number | undefined;
	p95Ms: number | undefined;
	/** Broker mode: where it runs; absent in-process. */
	where?: SenderWhere;
	/** Broker mode: its process stopped heartbeating (state 'removed'); it may come back. */
	isGone?: true;
	/** Its SMPP bind, in SMPP mode only. */
	bind?: BindView;
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
	/** Of `failed`: numbers that cannot receive (the rest are errors that ran out of retries). */
	failedInvalid: number;
	attempts: number;
	/** Segments accepted by the gateway. */
	segments: number;
	/** Submits the gateway answered "throttled" (not attempts, never failures). */
	throttled: number;
	/** Of `sent`, with receipts on: receipts come / expired at the validity. */
	delivered: number;
	undelivered: number;
	/** Accepted price of the segments so far. */
	cost: number;
	/** Recipients reached so far (delivered, or accepted without receipts). */
	reached: number;
	avgTimeMs: number | undefined;
	avgE2eMs: number | undefined;
	p50Ms: number | undefined;
	p95Ms: number | undefined;
	p99Ms: number | undefined;
	/**
	 * Reach percentiles over every message asked for (`total`): the time by which p % of them
	 * were reached; undefined while (or if ever) fewer than p % are.
	 */
	reachP50Ms: number | undefined;
	reachP95Ms: number | undefined;
	reachP99Ms: number | undefined;
	/** Simulated time of the last outcome. */
	lastOutcomeMs: number;
	isDone: boolean;
	senders: SenderSnapshot[];
}
