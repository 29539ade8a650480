// The monitor: on every tick of simulated time it turns the engine's running totals
// into a progress record (throughput, a sliding-window rate, ETA) and keeps each
// sender's recent sent rate for sparklines (failures are not throughput there). Fixed memory: a few numbers per tick kept.
import type {Simulation} from './simulation.js';

/** One monitor reading, as a headless progress line prints it. */
export interface Progress {
	simMs: number;
	produced: number;
	pending: number;
	queued: number;
	inFlight: number;
	resting: number;
	sent: number;
	failed: number;
	attempts: number;
	/** Segments accepted, submits throttled, and (with receipts) messages delivered so far. */
	segments: number;
	throttled: number;
	delivered: number;
	avgTimeMs: number | undefined;
	avgE2eMs: number | undefined;
	/** Finished messages per simulated second since the start. */
	throughput: number | undefined;
	/** Finished messages per simulated second over the last few ticks. */
	recentThroughput: number | undefined;
	/** Simulated ms until every message asked for is finished, at the recent rate. */
	etaMs: number | undefined;
	isDone: boolean;
}

/** Ticks the sliding window and the sparklines span. */
export const windowTicks = 10;
export const sparklineLength = 24;

export class Monitor {
	private readonly window: Array<{simMs: number; finished: number}> = [];
	private readonly senderHistory = new Map<number, {last: number; rates: number[]}>();
	private lastAtMs = 0;

	constructor(
		private readonly engine: Simulation,
		private readonly trackSenders = false,
	) {}

	/** Reads the engine now; `atMs` names the moment (the tick, or the last outcome). */
	sample(atMs = this.engine.simMs): Progress {
		const t = this.engine.totals();
		const finished = t.sent + t.failed;
		const window = this.window;
		window.push({simMs: atMs, finished});
		if (window.length > windowTicks + 1) window.shift();
		const first = window[0]!;
		const spanMs = atMs - first.simMs;
		const recent = spanMs > 0 ? ((finished - first.finished) * 1000) / spanMs : undefined;
		const left = t.total - finished;
		if (this.trackSenders) this.sampleSenders(atMs - this.lastAtMs);
		this.lastAtMs = atMs;
		return {
			simMs: atMs,
			produced: t.produced,
			pending: t.pending,
			queued: t.queued,
			inFlight: t.inFlight,
			resting: t.resting,
			sent: t.sent,
			failed: t.failed,
			attempts: t.attempts,
			segments: t.segments,
			throttled: t.throttled,
			delivered: t.delivered,
			avgTimeMs: t.avgTimeMs,
			avgE2eMs: t.avgE2eMs,
			throughput: atMs > 0 ? (finished * 1000) / atMs : undefined,
			recentThroughput: recent,
			etaMs: left === 0 ? 0 : recent !== undefined && recent > 0 ? (left * 1000) / recent : undefined,
			isDone: t.isDone,
		};
	}

	/** Messages sent per simulated second in each of a sender's last ticks, oldest first (failed ones not counted). */
	sparkline(senderId: number): readonly number[] {
		return this.senderHistory.get(senderId)?.rates ?? [];
	}

	private sampleSenders(tickMs: number): void {
		this.engine.forEachSender((id, sent) => {
			let history = this.senderHistory.get(id);
			if (history === undefined) {
				history = {last: 0, rates: []};
				this.senderHistory.set(id, history);
			}

			if (tickMs > 0) history.rates.push(((sent - history.last) * 1000) / tickMs);
			if (history.rates.length > sparklineLength) history.rates.shift();
			history.last = sent;
		});
	}
}
