// The per-interval series a report draws, recorded at every monitor reading in any mode.
// Fixed memory whatever the run's length: at most `maxPoints` points; when they fill up,
// neighbours merge pairwise (counts keep the later total, gauges and percentiles the
// larger value, so peaks survive) and each later point spans twice as many readings.
// The delivery model's totals (segments, throttled, delivered) are kept the same way and
// handed out only for a run that used the model, so another run's page is as it was.
// A quiet stretch (nothing moved, nothing waiting or in flight: receipts awaited until the
// validity) is one point however long, so the busy part keeps its detail.
import type {Histogram} from '../engine/histogram.js';
import type {Progress} from '../engine/monitor.js';

/** One point: the readings from the previous point's end to `simMs`. */
export interface SeriesPoint {
	simMs: number;
	/** Totals at simMs. */
	sent: number;
	failed: number;
	/** The most seen at any reading in the span. */
	queued: number;
	inFlight: number;
	/** Time per message of the messages finished in the span; null when none was. */
	p50Ms: number | null;
	p95Ms: number | null;
	p99Ms: number | null;
	/** With the delivery model: segments accepted and submits throttled, totals at simMs. */
	segments?: number;
	throttled?: number;
	/** With receipts too: messages delivered, the total at simMs. */
	delivered?: number;
}

/** A point as recorded: every total, the model's included. */
type Recorded = SeriesPoint & {segments: number; throttled: number; delivered: number};

/** Which of the delivery model's totals `points` hands out. */
export interface ModelSeries {
	/** The run had delivery receipts (--delivery): `delivered` too. */
	receipts: boolean;
}

export const defaultMaxPoints = 2000;

export class SeriesRecorder {
	private readonly closed: Recorded[] = [];
	/** Readings a point spans; doubles at every merge. */
	private span = 1;
	private open: Recorded | undefined;
	private openReadings = 0;
	private before: Uint32Array | undefined;
	private isOpenQuiet = false;
	/** The previous reading's totals and histogram count; quiet readings are compared with it. */
	private previous: {progress: Progress; finished: number} | undefined;
	/** The last reading at which something happened (a total moved, a message waited or was in flight). */
	activeUntilMs = 0;

	constructor(
		/** Where the time-per-message percentiles come from (the run's histogram). */
		private readonly histogram: Histogram | undefined,
		private readonly maxPoints = defaultMaxPoints,
	) {
		if (maxPoints < 2) throw new RangeError('a series needs room for at least 2 points');
		this.before = histogram?.copyCounts();
	}

	/** Takes one monitor reading; O(1) but at a point's end, where it is O(histogram buckets). */
	record(progress: Progress): void {
		const isQuiet = this.isQuiet(progress);
		this.previous = {progress, finished: this.histogram?.count ?? 0};
		if (!isQuiet) this.activeUntilMs = progress.simMs;
		if (this.open !== undefined && isQuiet !== this.isOpenQuiet) this.close();
		this.isOpenQuiet = isQuiet;
		const open = this.open;
		if (open === undefined) {
			this.open = {
				simMs: progress.simMs,
				sent: progress.sent,
				failed: progress.failed,
				queued: progress.queued,
				inFlight: progress.inFlight,
				p50Ms: null,
				p95Ms: null,
				p99Ms: null,
				segments: progress.segments,
				throttled: progress.throttled,
				delivered: progress.delivered,
			};
		} else {
			open.simMs = progress.simMs;
			open.sent = progress.sent;
			open.failed = progress.failed;
			open.segments = progress.segments;
			open.throttled = progress.throttled;
			open.delivered = progress.delivered;
			if (progress.queued > open.queued) open.queued = progress.queued;
			if (progress.inFlight > open.inFlight) open.inFlight = progress.inFlight;
		}

		if (!isQuiet && ++this.openReadings >= this.span) this.close();
	}

	private isQuiet(progress: Progress): boolean {
		const previous = this.previous;
		if (previous === undefined || progress.queued !== 0 || progress.inFlight !== 0) return false;
		const before = previous.progress;
		return (
			progress.sent === before.sent &&
			progress.failed === before.failed &&
			progress.attempts === before.attempts &&
			progress.produced === before.produced &&
			progress.segments === before.segments &&
			progress.throttled === before.throttled &&
			progress.delivered === before.delivered &&
			(this.histogram?.count ?? 0) === previous.finished
		);
	}

	/**
	 * Every point so far, the one still open included; at most maxPoints. The delivery
	 * model's totals only when `model` is given (`delivered` only with its receipts).
	 */
	points(model?: ModelSeries): SeriesPoint[] {
		const all = this.open === undefined ? this.closed : [...this.closed, {...this.open, ...this.percentiles(false)}];
		const points = all.length > this.maxPoints ? merged(all) : all;
		return points.map(point => shown(point, model));
	}

	private close(): void {
		const point = this.open!;
		Object.assign(point, this.percentiles(true));
		this.closed.push(point);
		this.open = undefined;
		this.openReadings = 0;
		if (this.closed.length >= this.maxPoints) {
			const halved = merged(this.closed);
			this.closed.length = 0;
			this.closed.push(...halved);
			this.span *= 2;
		}
	}

	private percentiles(isClosing: boolean): Pick<SeriesPoint, 'p50Ms' | 'p95Ms' | 'p99Ms'> {
		const {histogram, before} = this;
		if (histogram === undefined || before === undefined) return {p50Ms: null, p95Ms: null, p99Ms: null};
		const at = (q: number) => histogram.quantileSince(before, q) ?? null;
		const result = {p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99)};
		if (isClosing) this.before = histogram.copyCounts();
		return result;
	}
}

/** A copy of a point with the model's totals the page asked for, and no others. */
function shown({segments, throttled, delivered, ...point}: Recorded, model: ModelSeries | undefined): SeriesPoint {
	if (model === undefined) return point;
	return model.receipts ? {...point, segments, throttled, delivered} : {...point, segments, throttled};
}

/** Neighbours merged pairwise (an odd last point stays as it is). */
function merged(points: readonly Recorded[]): Recorded[] {
	const out: Recorded[] = [];
	for (let i = 0; i < points.length; i += 2) {
		const a = points[i]!;
		const b = points[i + 1];
		if (b === undefined) {
			out.push(a);
			continue;
		}

		out.push({
			simMs: b.simMs,
			sent: b.sent,
			failed: b.failed,
			queued: Math.max(a.queued, b.queued),
			inFlight: Math.max(a.inFlight, b.inFlight),
			p50Ms: larger(a.p50Ms, b.p50Ms),
			p95Ms: larger(a.p95Ms, b.p95Ms),
			p99Ms: larger(a.p99Ms, b.p99Ms),
			segments: b.segments,
			throttled: b.throttled,
			delivered: b.delivered,
		});
	}

	return out;
}

function larger(a: number | null, b: number | null): number | null {
	if (a === null) return b;
	if (b === null) return a;
	return Math.max(a, b);
}
