import {describe, expect, it} from 'vitest';
import {Rng} from '../../source/engine/rng.js';

const take = (rng: Rng, n: number, draw: (r: Rng) => number) => Array.from({length: n}, () => draw(rng));

describe('Rng (xoshiro128**)', () => {
	it('matches the reference C code for state {1, 2, 3, 4}', () => {
		expect(take(new Rng(1, 2, 3, 4), 6, r => r.nextUint32())).toEqual([11_520, 0, 5_927_040, 70_819_200, 2_031_721_883, 1_637_235_492]);
	});

	it('matches the reference C code for state words with the top bit set', () => {
		// Computed with the reference xoshiro128starstar.c, s = {0x80000001, 0xfffffff0, 0x7fffffff, 0xdeadbeef}:
		// checks the unsigned/signed handling of all four words.
		const rng = new Rng(0x80_00_00_01, 0xff_ff_ff_f0, 0x7f_ff_ff_ff, 0xde_ad_be_ef);
		expect(take(rng, 6, r => r.nextUint32())).toEqual([
			4_294_876_279, 80_640, 3_176_655_787, 2_003_550_720, 657_203_528, 2_182_318_656,
		]);
	});

	it('replaces the all-zero state, which would only give zeros', () => {
		const values = take(new Rng(0, 0, 0, 0), 8, r => r.nextUint32());
		expect(values.some(v => v !== 0)).toBe(true);
	});

	it('gives 32-bit unsigned integers', () => {
		const values = take(Rng.fromSeed(7), 10_000, r => r.nextUint32());
		expect(values.filter(v => !Number.isInteger(v) || v < 0 || v >= 2 ** 32)).toEqual([]);
		// The top bit is set about half the time (no signed results sneak through as negatives).
		expect(values.filter(v => v >= 2 ** 31).length).toBeGreaterThan(4500);
	});

	it('next() is strictly inside (0, 1), even at the extreme integers', () => {
		const low = new Rng(1, 2, 3, 4);
		low.nextUint32 = () => 0;
		const high = new Rng(1, 2, 3, 4);
		high.nextUint32 = () => 0xff_ff_ff_ff;
		expect(low.next()).toBeGreaterThan(0);
		expect(high.next()).toBeLessThan(1);
		expect(Math.log(low.next())).toBeGreaterThan(-Infinity);

		let min = 1;
		let max = 0;
		let sum = 0;
		const n = 100_000;
		const rng = Rng.fromSeed(123);
		let outside = 0;
		for (let i = 0; i < n; i++) {
			const x = rng.next();
			if (!(x > 0 && x < 1)) outside++;
			min = Math.min(min, x);
			max = Math.max(max, x);
			sum += x;
		}

		expect(outside).toBe(0);
		// Mean of U(0,1): 0.5 ± 5 standard errors (sd 1/√12).
		expect(Math.abs(sum / n - 0.5)).toBeLessThan((5 * Math.sqrt(1 / 12)) / Math.sqrt(n));
		expect(min).toBeLessThan(1e-3);
		expect(max).toBeGreaterThan(1 - 1e-3);
	});

	it('the same seed gives the same stream; other seeds give other streams', () => {
		const a = take(Rng.fromSeed(42), 1000, r => r.nextUint32());
		const b = take(Rng.fromSeed(42), 1000, r => r.nextUint32());
		const c = take(Rng.fromSeed(43), 1000, r => r.nextUint32());
		expect(b).toEqual(a);
		expect(c).not.toEqual(a);
		// Not merely shifted or mostly equal.
		expect(a.filter((v, i) => v === c[i]).length).toBeLessThan(3);
	});

	it('fromSeed treats seeds modulo 2^32 and seeds every word', () => {
		expect(take(Rng.fromSeed(2 ** 32 + 5), 20, r => r.nextUint32())).toEqual(take(Rng.fromSeed(5), 20, r => r.nextUint32()));
		expect(take(Rng.fromSeed(0), 20, r => r.nextUint32()).some(v => v !== 0)).toBe(true);
	});

	it('int(n) is a whole number in [0, n), each value about equally often', () => {
		const rng = Rng.fromSeed(9);
		const n = 7;
		const draws = 70_000;
		const counts = new Array<number>(n).fill(0);
		let bad = 0;
		for (let i = 0; i < draws; i++) {
			const k = rng.int(n);
			if (Number.isInteger(k) && k >= 0 && k < n) counts[k]!++;
			else bad++;
		}

		expect(bad).toBe(0);

		// Binomial(draws, 1/n): 5 standard deviations.
		const expected = draws / n;
		const sd = Math.sqrt(draws * (1 / n) * (1 - 1 / n));
		for (const count of counts) expect(Math.abs(count - expected)).toBeLessThan(5 * sd);
		expect(Rng.fromSeed(1).int(1)).toBe(0);
	});

	it('int(n) reaches both ends for large n (phone digits use 100000)', () => {
		const rng = Rng.fromSeed(11);
		let min = Infinity;
		let max = -Infinity;
		for (let i = 0; i < 200_000; i++) {
			const k = rng.int(100_000);
			min = Math.min(min, k);
			max = Math.max(max, k);
		}

		expect(min).toBeLessThan(10);
		expect(max).toBeGreaterThan(99_990);
		expect(max).toBeLessThanOrEqual(99_999);
	});

	it('normal() has mean 0 and variance 1', () => {
		const rng = Rng.fromSeed(5);
		const n = 100_000;
		let sum = 0;
		let sumSq = 0;
		let beyond2 = 0;
		for (let i = 0; i < n; i++) {
			const x = rng.normal();
			sum += x;
			sumSq += x * x;
			if (Math.abs(x) > 1.959_963_985) beyond2++;
		}

		expect(Math.abs(sum / n)).toBeLessThan(5 / Math.sqrt(n));
		// Var of x² for N(0,1) is 2.
		expect(Math.abs(sumSq / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
		// P(|x| > 1.96) = 0.05.
		expect(Math.abs(beyond2 / n - 0.05)).toBeLessThan(5 * Math.sqrt((0.05 * 0.95) / n));
	});
});
