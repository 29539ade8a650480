// The figures a run reports, derived the same way whoever keeps the counts: the engine
// in-process, the broker simulation across processes. Pure.
import {Histogram} from './histogram.js';
import {noTimes, recordTime, timesQuantile, type SenderTimes, type TimesArena} from './sender-times.js';
import type {Totals} from './simulation.js';
import type {BindView, SenderSnapshot, SenderSpec, SenderState, Snapshot} from './types.js';

/** A run's counts: the totals without the averages, and the sums they come from. */
export type RunCounts = Omit<Totals, 'avgTimeMs' | 'avgE2eMs'> & {
	/** Sum of every finished message's time from its first pickup to its outcome. */
	timeSumMs: number;
	/** Sum of every finished message's time from entering the queue to its outcome. */
	e2eSumMs: number;
};

export function totalsOf({timeSumMs, e2eSumMs, ...counts}: RunCounts): Totals {
	const finished = counts.sent + counts.failed;
	return {
		...counts,
		avgTimeMs: finished === 0 ? undefined : timeSumMs / finished,
		avgE2eMs: finished === 0 ? undefined : e2eSumMs / finished,
	};
}

/** Totals, the run's percentiles of time per message and of reach, and the senders. */
export function snapshotOf(totals: Totals, histogram: Histogram, senders: SenderSnapshot[], reach?: Histogram): Snapshot {
	return {
		...totals,
		p50Ms: histogram.quantile(0.5),
		p95Ms: histogram.quantile(0.95),
		p99Ms: histogram.quantile(0.99),
		reachP50Ms: reachQuantile(reach, totals.total, 0.5),
		reachP95Ms: reachQuantile(reach, totals.total, 0.95),
		reachP99Ms: reachQuantile(reach, totals.total, 0.99),
		senders,
	};
}

/**
 * The time by which a share `q` of all `total` messages asked for was reached, from the
 * reach times of those reached so far; undefined while fewer than that were reached.
 */
export function reachQuantile(reach: Histogram | undefined, total: number, q: number): number | undefined {
	const rank = Math.max(1, Math.ceil(q * total - 1e-9));
	if (reach === undefined || reach.count < rank) return undefined;
	return reach.quantile(rank / reach.count);
}

/** What a sender counts; its snapshot's figures come from these (its times per message too). */
export interface SenderCounts extends SenderTimes {
	sent: number;
	failed: number;
	attempts: number;
	/** Segments accepted. */
	segments: number;
	/** Submits answered "throttled". */
	throttled: number;
	/** Sum of the times of the messages it finished. */
	timeSumMs: number;
	/** Sum of its attempts' waits. */
	waitSumMs: number;
}

/** What a sender keeps to give its snapshot: its counts and the last snapshot it gave. */
export interface SnapshotSource extends SenderCounts {
	id: number;
	spec: SenderSpec;
	rests: number;
	restedMs: number;
	/** Messages it holds now. */
	holding: number;
	/** Submits unanswered now. */
	windowUsed: number;
	/** Bumped on every change of what a snapshot shows but the rest countdown. */
	version: number;
	/** Its SMPP bind (SMPP mode): a new object whenever it changes. */
	bind?: BindView;
	cached: SenderSnapshot | undefined;
	cachedVersion: number;
}

/** What only a broker's snapshot tells (a change of either must bump the version). */
export type BrokerPlace = Pick<SenderSnapshot, 'where' | 'isGone'>;

/**
 * A sender's snapshot, the engine's and the broker's alike. While nothing it shows has
 * changed it is the same object as last time, so the UI's selectors stay stable.
 */
export function senderSnapshot(sender: SnapshotSource, state: SenderState, restLeftMs: number, place?: BrokerPlace): SenderSnapshot {
	const cached = sender.cached;
	if (cached !== undefined && sender.cachedVersion === sender.version && cached.state === state && cached.restLeftMs === restLeftMs) return cached;
	// One literal with every key (no spread): its fields sit in the object itself.
	const snap = blankFigures(sender.spec);
	writeSenderFigures(snap, sender, state, restLeftMs);
	if (place?.where !== undefined) snap.where = place.where;
	if (place?.isGone === true) snap.isGone = true;
	if (sender.bind !== undefined) snap.bind = sender.bind;
	sender.cached = snap;
	sender.cachedVersion = sender.version;
	return snap;
}

/** A sender's figures with every key, all zero (writeSenderFigures fills them). */
export function blankFigures(spec: SenderSpec): SenderSnapshot {
	return {
		id: 0,
		spec,
		state: 'idle',
		restLeftMs: 0,
		inFlight: 0,
		windowUsed: 0,
		rests: 0,
		restedMs: 0,
		sent: 0,
		failed: 0,
		attempts: 0,
		segments: 0,
		throttled: 0,
		avgTimeMs: undefined,
		observedMeanMs: undefined,
		p95Ms: undefined,
	};
}

/** The counts of a sender that has finished nothing yet, keeping its times in `arena`. */
export function noCounts(arena: TimesArena): SenderCounts {
	return {sent: 0, failed: 0, attempts: 0, segments: 0, throttled: 0, timeSumMs: 0, waitSumMs: 0, ...noTimes(arena)};
}

/** The counts of a sender that has done nothing yet (give it an id and spec before reading). */
export function idleSource(arena: TimesArena): SnapshotSource {
	return {
		id: 0,
		spec: {meanMs: 0, failureRate: 0, distribution: 'constant'},
		rests: 0,
		restedMs: 0,
		holding: 0,
		windowUsed: 0,
		version: 0,
		cached: undefined,
		cachedVersion: -1,
		...noCounts(arena),
	};
}

/** Writes what a snapshot shows of `sender` into `into` (a new object, or one reused for each sender). */
export function writeSenderFigures(into: SenderSnapshot, sender: SnapshotSource, state: SenderState, restLeftMs: number): void {
	const finished = sender.sent + sender.failed;
	into.id = sender.id;
	into.spec = sender.spec;
	into.state = state;
	into.restLeftMs = restLeftMs;
	into.inFlight = sender.holding;
	into.windowUsed = sender.windowUsed;
	into.rests = sender.rests;
	into.restedMs = sender.restedMs;
	into.sent = sender.sent;
	into.failed = sender.failed;
	into.attempts = sender.attempts;
	into.segments = sender.segments;
	into.throttled = sender.throttled;
	into.avgTimeMs = finished === 0 ? undefined : sender.timeSumMs / finished;
	into.observedMeanMs = sender.attempts <= 0 ? undefined : sender.waitSumMs / sender.attempts;
	into.p95Ms = timesQuantile(sender, 0.95);
}

/** What a run counts beside its sums: the queue's figures, told by whoever keeps them. */
export type RunState = Omit<RunCounts, keyof TallySums>;

type TallySums = Pick<
	RunCounts,
	| 'sent'
	| 'failed'
	| 'failedInvalid'
	| 'attempts'
	| 'segments'
	| 'throttled'
	| 'delivered'
	| 'undelivered'
	| 'cost'
	| 'reached'
	| 'timeSumMs'
	| 'e2eSumMs'
	| 'lastOutcomeMs'
>;

/**
 * A run's outcome sums and percentiles, folded the same way whoever reports the outcomes: the
 * engine as its senders finish, the broker monitor as it reads BullMQ's events.
 */
export class Tally implements TallySums {
	sent = 0;
	failed = 0;
	failedInvalid = 0;
	attempts = 0;
	segments = 0;
	throttled = 0;
	delivered = 0;
	undelivered = 0;
	cost = 0;
	reached = 0;
	timeSumMs = 0;
	e2eSumMs = 0;
	/** When the last outcome came, on the run's clock. */
	lastOutcomeMs = 0;
	/** Times per message, pickup to final outcome. */
	readonly histogram = new Histogram(0.01);
	/** End-to-end times, production to final outcome: fixed memory, read only for the summary. */
	readonly e2eHistogram = new Histogram(0.01);
	/** Reach times, from being asked for to delivery (or acceptance without receipts). */
	readonly reachHistogram = new Histogram(0.01);
	/** The reached count whose moment is kept exactly (size's goal), and that moment. */
	reachRank = 0;
	reachRankAtMs: number | undefined;

	/** `sender`'s submit was answered "throttled" by the gateway. */
	throttle(sender: SenderCounts | undefined): void {
		this.throttled++;
		if (sender !== undefined) sender.throttled++;
	}

	/** The gateway accepted a message of `segments` segments, each at `price`. */
	accept(sender: SenderCounts | undefined, segments: number, price: number): void {
		this.segments += segments;
		this.cost += segments * price;
		if (sender !== undefined) sender.segments += segments;
	}

	/** A recipient got the message `reachMs` after it was asked for, at `atMs`. */
	reach(reachMs: number, atMs: number): void {
		this.reached++;
		this.reachHistogram.recordInOrder(reachMs);
		if (this.reached === this.reachRank) this.reachRankAtMs = atMs;
	}

	/**
	 * An accepted message's receipt came (it is reached: call reach too), or it expired. A
	 * receipt is the run's last outcome so far; an expiry is no moment anyone sees, so the
	 * run's elapsed time ends with its last receipt, not 48 hours later.
	 */
	receipt(isDelivered: boolean, atMs: number): void {
		if (isDelivered) {
			this.delivered++;
			this.lastOutcomeMs = atMs;
		} else {
			this.undelivered++;
		}
	}

	/**
	 * `count` receipts came, counted together (receipt-counts.ts; their reach times are
	 * recorded by the caller), the last at `lastMs`; `rankAtMs` is the goal's moment when
	 * the reachRank-th reach is among them.
	 */
	receiptsCame(count: number, lastMs: number, rankAtMs: number | undefined): void {
		this.delivered += count;
		this.reached += count;
		if (rankAtMs !== undefined) this.reachRankAtMs = rankAtMs;
		if (lastMs > this.lastOutcomeMs) this.lastOutcomeMs = lastMs;
	}

	/** One finished attempt by `sender`, which waited `waitMs`. */
	attempt(sender: SenderCounts, waitMs: number): void {
		sender.attempts++;
		sender.waitSumMs += waitMs;
		this.attempts++;
	}

	/** A message's final outcome, by `sender` (undefined when no sender reported it). */
	finish(sender: SenderCounts | undefined, isSent: boolean, timeMs: number, e2eMs: number, atMs: number, isInvalid = false): void {
		if (isSent) this.sent++;
		else this.failed++;
		if (isInvalid) this.failedInvalid++;
		this.timeSumMs += timeMs;
		this.e2eSumMs += e2eMs;
		this.histogram.record(timeMs);
		this.e2eHistogram.record(e2eMs);
		this.lastOutcomeMs = atMs;
		if (sender === undefined) return;
		if (isSent) sender.sent++;
		else sender.failed++;
		sender.timeSumMs += timeMs;
		recordTime(sender, timeMs);
	}

	/** The totals, given what the keeper of the queue knows. */
	totals(state: RunState): Totals {
		// Keys in the order the snapshot has always had them.
		return totalsOf({
			simMs: state.simMs,
			total: state.total,
			produced: state.produced,
			pending: state.pending,
			queued: state.queued,
			inFlight: state.inFlight,
			resting: state.resting,
			sent: this.sent,
			failed: this.failed,
			attempts: this.attempts,
			failedInvalid: this.failedInvalid,
			segments: this.segments,
			throttled: this.throttled,
			delivered: this.delivered,
			undelivered: this.undelivered,
			cost: this.cost,
			reached: this.reached,
			timeSumMs: this.timeSumMs,
			e2eSumMs: this.e2eSumMs,
			lastOutcomeMs: this.lastOutcomeMs,
			isDone: state.isDone,
		});
	}

	/** The end summary's spread of both times; walks the buckets, so not for every tick. */
	spread(): Spread {
		return {time: spreadOf(this.histogram), e2e: spreadOf(this.e2eHistogram)};
	}

	/** Totals, percentiles and the senders. */
	snapshot(totals: Totals, senders: SenderSnapshot[]): Snapshot {
		return snapshotOf(totals, this.histogram, senders, this.reachHistogram);
	}
}

/** A time's min, p90 and max beside the snapshot's p50/p95/p99 (undefined before the first outcome). */
export interface TimeSpread {
	minMs: number | undefined;
	p50Ms: number | undefined;
	p90Ms: number | undefined;
	p95Ms: number | undefined;
	p99Ms: number | undefined;
	maxMs: number | undefined;
}

/** Time per message and end-to-end time, each as a {@link TimeSpread}. */
export interface Spread {
	time: TimeSpread;
	e2e: TimeSpread;
}

function spreadOf(histogram: Histogram): TimeSpread {
	const isEmpty = histogram.count === 0;
	return {
		minMs: isEmpty ? undefined : histogram.min,
		p50Ms: histogram.quantile(0.5),
		p90Ms: histogram.quantile(0.9),
		p95Ms: histogram.quantile(0.95),
		p99Ms: histogram.quantile(0.99),
		maxMs: isEmpty ? undefined : histogram.max,
	};
}
