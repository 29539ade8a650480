import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {Histogram} from '../../source/engine/histogram.js';
import {Rng} from '../../source/engine/rng.js';

const qs = [0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

/** The exact quantile with the same rank rule: the ⌈q·n⌉-th smallest (at least the first). */
function exactQuantile(sorted: readonly number[], q: number): number {
	return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

function fill(values: readonly number[], precision = 0.01, maxMs?: number): Histogram {
	const h = new Histogram(precision, maxMs);
	for (const v of values) h.record(v);
	return h;
}

/** One bucket is `precision` wide (relative); values below 1 µs share the first bucket. */
function expectWithinBucket(actual: number | undefined, exact: number, precision: number) {
	expect(actual).toBeDefined();
	expect(Math.abs(actual! - exact)).toBeLessThanOrEqual(exact * precision + 0.001);
}

describe('Histogram', () => {
	it('is empty: every quantile is undefined and the counters say so', () => {
		const h = new Histogram();
		for (const q of qs) expect(h.quantile(q)).toBeUndefined();
		expect(h.count).toBe(0);
	});

	it('one sample: every quantile is that sample exactly', () => {
		const h = fill([123.456]);
		for (const q of qs) expect(h.quantile(q)).toBe(123.456);
		expect([h.count, h.min, h.max]).toEqual([1, 123.456, 123.456]);
	});

	it('constant values give the exact value (clamped to min and max)', () => {
		const h = fill(new Array<number>(1000).fill(100));
		for (const q of qs) expect(h.quantile(q)).toBe(100);
		expect(fill(new Array<number>(50).fill(0)).quantile(0.5)).toBe(0);
	});

	it('stays within [min, max], and within a bucket of them at the ends', () => {
		const values = [3.3, 10, 10, 10, 10, 10, 10, 10, 10, 77.7];
		const h = fill(values);
		expectWithinBucket(h.quantile(0), 3.3, 0.01);
		expectWithinBucket(h.quantile(1), 77.7, 0.01);
		for (const q of qs) {
			expect(h.quantile(q)).toBeGreaterThanOrEqual(3.3);
			expect(h.quantile(q)).toBeLessThanOrEqual(77.7);
		}

		expectWithinBucket(h.quantile(0.5), 10, 0.01);
	});

	it.each([
		['lognormal, wide range', 0.01, (r: Rng) => Math.exp(2 + 2.5 * r.normal())],
		['exponential mean 100', 0.01, (r: Rng) => -100 * Math.log(r.next())],
		['uniform 50..150 at 5 % buckets', 0.05, (r: Rng) => 50 + 100 * r.next()],
		['tiny values around 1 µs', 0.01, (r: Rng) => 0.002 * r.next()],
	])('%s: quantiles within the bucket precision of the sorted array', (_name, precision, draw) => {
		const rng = Rng.fromSeed(3);
		const values = Array.from({length: 20_001}, () => draw(rng));
		const h = fill(values, precision);
		const sorted = [...values].sort((a, b) => a - b);
		for (const q of qs) expectWithinBucket(h.quantile(q), exactQuantile(sorted, q), precision);
		expect(h.count).toBe(values.length);
		expect(h.min).toBe(sorted[0]);
		expect(h.max).toBe(sorted.at(-1));
	});

	it('a bucket-precise answer is not a coincidence: a wrong rank is caught', () => {
		// Two clusters far apart: the median must come from the lower one.
		const values = [...new Array<number>(51).fill(10), ...new Array<number>(49).fill(1000)];
		const h = fill(values);
		expect(h.quantile(0.5)).toBeCloseTo(10, 1);
		expect(h.quantile(0.52)).toBeCloseTo(1000, -1);
	});

	it('values above maxMs share the last bucket and stay clamped to what was seen', () => {
		const h = fill([5000, 6000, 7000], 0.01, 1000);
		for (const q of qs) {
			expect(h.quantile(q)).toBeGreaterThanOrEqual(5000);
			expect(h.quantile(q)).toBeLessThanOrEqual(7000);
		}

		expect(h.count).toBe(3);
		expect(h.max).toBe(7000);
	});

	it('any multiset: quantiles within precision, monotone in q, within [min, max]', () => {
		fc.assert(
			fc.property(
				fc.array(fc.oneof(fc.constant(0), fc.double({min: 0, max: 1e6, noNaN: true})), {minLength: 1, maxLength: 300}),
				values => {
					const h = fill(values);
					const sorted = [...values].sort((a, b) => a - b);
					let previous = -Infinity;
					for (const q of qs) {
						const value = h.quantile(q)!;
						expectWithinBucket(value, exactQuantile(sorted, q), 0.01);
						expect(value).toBeGreaterThanOrEqual(previous);
						expect(value).toBeGreaterThanOrEqual(sorted[0]!);
						expect(value).toBeLessThanOrEqual(sorted.at(-1)!);
						previous = value;
					}
				},
			),
			{numRuns: 300},
		);
	});
});

describe('recordInOrder', () => {
	it('puts every value where record does, in order or not, boundaries included', () => {
		const a = new Histogram(0.01);
		const b = new Histogram(0.01);
		const values: number[] = [];
		for (let t = 0; t < 20_000; t += 0.37) values.push(t);
		let x = 7;
		for (let i = 0; i < 5000; i++) values.push((x = (x * 48_271) % 2_147_483_647) / 1e4);
		// Exact bucket edges: floor × growth^k.
		for (let k = 0; k < 2000; k += 7) values.push(0.001 * 1.01 ** k);
		for (const v of values) {
			a.record(v);
			b.recordInOrder(v);
		}

		expect([...b.copyCounts()]).toEqual([...a.copyCounts()]);
		expect(b.quantile(0.95)).toBe(a.quantile(0.95));
		expect([b.min, b.max, b.count]).toEqual([a.min, a.max, a.count]);
	});
});

describe('the bucket index', () => {
	/** Where a value goes by the logarithm alone: the rule the index must keep. */
	function bucketByLog(ms: number, precision: number, buckets: number): number {
		const i = ms < 0.001 ? 0 : 1 + Math.floor(Math.log(ms / 0.001) * (1 / Math.log(1 + precision)));
		return Math.min(i, buckets - 1);
	}

	it.each([0.01, 0.05, 0.001])('puts every value in the bucket the logarithm names (%s wide buckets), edges included', precision => {
		const h = new Histogram(precision, 1e6);
		const buckets = h.copyCounts().length;
		const values: number[] = [0, 5e-4, 0.001, 1e6, 2e6, 1e12];
		// Each bucket edge and the doubles either side of it, over the whole range and beyond.
		for (let k = 0; k < buckets + 5; k++) {
			const edge = 0.001 * (1 + precision) ** k;
			values.push(edge, edge * (1 + 2 ** -52), edge * (1 - 2 ** -53), edge * (1 + 1e-12), edge * (1 - 1e-12));
		}

		const rng = Rng.fromSeed(3);
		for (let i = 0; i < 50_000; i++) values.push(0.001 * 10 ** (rng.next() * 10));
		const wrong = values.filter(v => {
			const i = bucketByLog(v, precision, buckets);
			return h.bucketValue(v) !== (i === 0 ? 0 : 0.001 * (1 + precision) ** (i - 0.5));
		});
		expect(wrong).toEqual([]);
	});
});
