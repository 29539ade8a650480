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
		const last = this.counts.length - 1;
		let i = ms < floorMs ? 0 : 1 + Math.floor(Math.log(ms / floorMs) * this.invLogGrowth);
		if (i > last) i = last;
		this.counts[i]!++;
		this.count++;
		if (ms < this.min) this.min = ms;
		if (ms > this.max) this.max = ms;
	}

	/** The value below which `q` (0..1) of the records fall; undefined when empty. */
	quantile(q: number): number | undefined {
		if (this.count === 0) return undefined;
		const rank = Math.max(1, Math.ceil(q * this.count));
		// High quantiles are found sooner from the top.
		let i: number;
		if (q > 0.5) {
			let above = 0;
			i = this.counts.length - 1;
			while (i > 0 && above + this.counts[i]! <= this.count - rank) above += this.counts[i--]!;
		} else {
			let seen = this.counts[0]!;
			i = 0;
			while (seen < rank) seen += this.counts[++i]!;
		}

		// Geometric middle of the bucket, kept within what was seen.
		const value = i === 0 ? 0 : floorMs * this.growth ** (i - 0.5);
		return Math.min(this.max, Math.max(this.min, value));
	}
}
