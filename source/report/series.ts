// The per-interval series a report draws, recorded at every monitor reading in any mode.
// Fixed memory whatever the run's length: at most `maxPoints` points; when they fill up,
// neighbours merge pairwise (counts keep the later total, gauges and percentiles the
// larger value, so peaks survive) and each later point spans twice as many readings.
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
}

export const defaultMaxPoints = 2000;

export class SeriesRecorder {
	private readonly closed: SeriesPoint[] = [];
	/** Readings a point spans; doubles at every merge. */
	private span = 1;
	private open: SeriesPoint | undefined;
	private openReadings = 0;
	private before: Uint32Array | undefined;

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
			};
		} else {
			open.simMs = progress.simMs;
			open.sent = progress.sent;
			open.failed = progress.failed;
			if (progress.queued > open.queued) open.queued = progress.queued;
			if (progress.inFlight > open.inFlight) open.inFlight = progress.inFlight;
		}

		if (++this.openReadings >= this.span) this.close();
	}

	/** Every point so far, the one still open included; at most maxPoints. */
	points(): SeriesPoint[] {
		if (this.open === undefined) return [...this.closed];
		const last = {...this.open, ...this.percentiles(false)};
		const points = [...this.closed, last];
		return points.length > this.maxPoints ? merged(points) : points;
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

/** Neighbours merged pairwise (an odd last point stays as it is). */
function merged(points: readonly SeriesPoint[]): SeriesPoint[] {
	const out: SeriesPoint[] = [];
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
		});
	}

	return out;
}

function larger(a: number | null, b: number | null): number | null {
	if (a === null) return b;
	if (b === null) return a;
	return Math.max(a, b);
}
