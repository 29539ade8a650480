// Fixed-memory latency histogram: log-spaced buckets, so percentiles cost no memory
// per message. Exact min and max are kept, and percentiles are clamped to them.

const floorMs = 0.001;

/**
 * A bucket index without a logarithm for most values: the top 20 bits of a double (its
 * exponent and 10 bits of mantissa) name a slice of values 1/1024 of an octave wide, and a
 * slice that lies inside one bucket (93 % of them at 1 % buckets) keeps that bucket's index,
 * worked out with the logarithm the first time a value falls in it. A value of any other
 * slice takes the logarithm, so every value lands exactly where the logarithm puts it; at
 * about half its cost (each finished message records two or three times).
 */
class BucketIndex {
	private static readonly shared = new Map<number, BucketIndex>();
	private static readonly float = new Float64Array(1);
	private static readonly words = new Uint32Array(BucketIndex.float.buffer);
	/** Which of the two words holds the sign, exponent and top of the mantissa (the platform's byte order). */
	private static readonly high = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;
	/** Per slice from that of floorMs: 0 not worked out yet, -1 more than one bucket, else index + 1. */
	private readonly slices: Int32Array;
	private readonly firstSlice: number;
	private readonly invLogGrowth: number;

	static of(growth: number, buckets: number): BucketIndex {
		const key = growth * 1e6 + buckets;
		let index = BucketIndex.shared.get(key);
		if (index === undefined) BucketIndex.shared.set(key, (index = new BucketIndex(growth, buckets)));
		return index;
	}

	private constructor(
		growth: number,
		private readonly buckets: number,
	) {
		this.invLogGrowth = 1 / Math.log(growth);
		this.firstSlice = BucketIndex.sliceOf(floorMs);
		// Up to the slice of the last bucket's lower bound; larger values take the logarithm.
		this.slices = new Int32Array(Math.max(0, BucketIndex.sliceOf(floorMs * growth ** (buckets - 2)) - this.firstSlice));
	}

	private static sliceOf(ms: number): number {
		BucketIndex.float[0] = ms;
		return BucketIndex.words[BucketIndex.high]! >>> 10;
	}

	indexOf(ms: number): number {
		const k = BucketIndex.sliceOf(ms) - this.firstSlice;
		if (k >= 0 && k < this.slices.length) {
			const known = this.slices[k]!;
			if (known > 0) return known - 1;
			if (known === 0) return this.learn(k, ms);
		}

		return this.byLog(ms);
	}

	byLog(ms: number): number {
		const i = ms < floorMs ? 0 : 1 + Math.floor(Math.log(ms / floorMs) * this.invLogGrowth);
		return Math.min(i, this.buckets - 1);
	}

	/** Works out slice k: one bucket (with a margin far above the logarithm's error), or not. */
	private learn(k: number, ms: number): number {
		const {float, words} = BucketIndex;
		const slice = k + this.firstSlice;
		const high = BucketIndex.high;
		words[1 - high] = 0;
		words[high] = slice << 10;
		const low = Math.log(float[0]! / floorMs) * this.invLogGrowth;
		words[1 - high] = 0xff_ff_ff_ff;
		words[high] = ((slice + 1) << 10) - 1;
		const top = Math.log(float[0]! / floorMs) * this.invLogGrowth;
		const isOneBucket = Math.floor(low - 1e-7) === Math.floor(top + 1e-7);
		this.slices[k] = isOneBucket ? 2 + Math.floor(low) : -1;
		return this.byLog(ms);
	}
}

/** Percentiles with a bounded relative error (half the bucket growth). */
export class Histogram {
	private readonly counts: Uint32Array;
	private readonly growth: number;
	private readonly index: BucketIndex;
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
		this.counts = new Uint32Array(2 + Math.ceil(Math.log(maxMs / floorMs) * (1 / Math.log(this.growth))));
		this.index = BucketIndex.of(this.growth, this.counts.length);
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
		return this.index.indexOf(ms);
	}

	/** Geometric middle of bucket i, kept within what was seen. */
	private valueAt(i: number, isClamped = true): number {
		const value = i === 0 ? 0 : floorMs * this.growth ** (i - 0.5);
		return isClamped ? Math.min(this.max, Math.max(this.min, value)) : value;
	}
}
