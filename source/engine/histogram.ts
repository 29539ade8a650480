// Fixed-memory latency histogram: log-spaced buckets, so percentiles cost no memory
// per message. Exact min and max are kept, and percentiles are clamped to them.

const floorMs = 0.001;

/** Percentiles with a bounded relative error (half the bucket growth). */
export class Histogram {
	private readonly counts: Uint32Array;
	private readonly growth: number;
	private readonly invLogGrowth: number;
	count = 0;
	min = Infinity;
	max = -Infinity;
	/** The bucket of the last value counted through indexOf, and its bounds pulled in a little. */
	private lastIndex = 0;
	private lastLow = Infinity;
	private lastHigh = -Infinity;

	/**
	 * @param relativePrecision bucket growth, e.g. 0.01 for 1 % wide buckets
	 * @param maxMs the largest value told apart; larger ones share the last bucket
	 */
	constructor(relativePrecision = 0.01, maxMs = 1e9) {
		this.growth = 1 + relativePrecision;
		this.invLogGrowth = 1 / Math.log(this.growth);
		this.counts = new Uint32Array(2 + Math.ceil(Math.log(maxMs / floorMs) * this.invLogGrowth));
	}

	record(ms: number): void {
		this.counts[this.indexOf(ms)]!++;
		this.count++;
		if (ms < this.min) this.min = ms;
		if (ms > this.max) this.max = ms;
	}

	/**
	 * As record, for values that mostly come in order (reach times, as the clock moves): one
	 * in the bucket of the value before is counted without the logarithm. Only well inside
	 * that bucket's bounds, so every value lands where record would put it.
	 */
	recordInOrder(ms: number): void {
		if (ms > this.lastLow && ms < this.lastHigh) {
			this.counts[this.lastIndex]!++;
		} else {
			const i = this.indexOf(ms);
			this.counts[i]!++;
			if (i > 0 && i < this.counts.length - 1) {
				this.lastIndex = i;
				this.lastLow = floorMs * this.growth ** (i - 1) * (1 + 1e-9);
				this.lastHigh = floorMs * this.growth ** i * (1 - 1e-9);
			}
		}

		this.count++;
		if (ms < this.min) this.min = ms;
		if (ms > this.max) this.max = ms;
	}

	/** The value below which `q` (0..1) of the records fall; undefined when empty. */
	quantile(q: number): number | undefined {
		if (this.count === 0) return undefined;
		const rank = Math.max(1, Math.ceil(q * this.count));
		// High quantiles are found sooner from the top; either walk starts at the bucket of the
		// largest or smallest value seen (every bucket beyond it is empty), not at an end.
		let i: number;
		if (q > 0.5) {
			let above = 0;
			i = this.indexOf(this.max);
			while (i > 0 && above + this.counts[i]! <= this.count - rank) above += this.counts[i--]!;
		} else {
			i = this.indexOf(this.min);
			let seen = this.counts[i]!;
			while (seen < rank) seen += this.counts[++i]!;
		}

		return this.valueAt(i);
	}

	/** A copy of the bucket counts, to take a window's percentiles against later. */
	copyCounts(): Uint32Array {
		return this.counts.slice();
	}

	/**
	 * The `q` quantile of the values recorded since `before` (an earlier copyCounts()), or
	 * undefined when none was. O(buckets): meant for a chart's points, not per message.
	 */
	quantileSince(before: Uint32Array, q: number): number | undefined {
		const counts = this.counts;
		let total = 0;
		for (let i = 0; i < counts.length; i++) total += counts[i]! - before[i]!;
		if (total === 0) return undefined;
		const rank = Math.max(1, Math.ceil(q * total));
		let seen = 0;
		let i = -1;
		while (seen < rank) {
			i++;
			seen += counts[i]! - before[i]!;
		}

		return this.valueAt(i);
	}

	/**
	 * The values recorded, in at most `most` bins of equal width on a log scale between
	 * the smallest and the largest: [upper bound in ms, count] each, for a chart.
	 */
	bins(most = 40): Array<[number, number]> {
		if (this.count === 0) return [];
		const first = this.indexOf(this.min);
		const last = this.indexOf(this.max);
		const per = Math.max(1, Math.ceil((last - first + 1) / most));
		const bins: Array<[number, number]> = [];
		for (let start = first; start <= last; start += per) {
			const end = Math.min(last, start + per - 1);
			let count = 0;
			for (let i = start; i <= end; i++) count += this.counts[i]!;
			bins.push([Math.min(this.max, end === 0 ? floorMs : floorMs * this.growth ** end), count]);
		}

		return bins;
	}

	/** The value a quantile landing on `ms`'s bucket gives, before the clamp to min and max. */
	bucketValue(ms: number): number {
		return this.valueAt(this.indexOf(ms), false);
	}

	private indexOf(ms: number): number {
		const i = ms < floorMs ? 0 : 1 + Math.floor(Math.log(ms / floorMs) * this.invLogGrowth);
		return Math.min(i, this.counts.length - 1);
	}

	/** Geometric middle of bucket i, kept within what was seen. */
	private valueAt(i: number, isClamped = true): number {
		const value = i === 0 ? 0 : floorMs * this.growth ** (i - 0.5);
		return isClamped ? Math.min(this.max, Math.max(this.min, value)) : value;
	}
}
