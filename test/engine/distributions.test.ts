import {describe, expect, it} from 'vitest';
import {
	makeSampler,
	normalUpperTail,
	spreadOf,
	truncatedNormalCentre,
	truncatedNormalMean,
} from '../../source/engine/distributions.js';
import {Rng} from '../../source/engine/rng.js';
import {distributions, type Distribution, type SenderSpec} from '../../source/engine/types.js';

// ---- statistics helpers (exact CDFs written here, independent of the samplers) ----

const n = 20_000;
/** One-sample Kolmogorov–Smirnov critical value at α = 0.001: c(α)/√n, c = √(−ln(α/2)/2) ≈ 1.9495. */
const ksCritical = (size: number) => Math.sqrt(-Math.log(0.001 / 2) / 2) / Math.sqrt(size);

function ksStatistic(sample: readonly number[], cdf: (x: number) => number): number {
	const xs = [...sample].sort((a, b) => a - b);
	let d = 0;
	for (let i = 0; i < xs.length; i++) {
		const f = cdf(xs[i]!);
		d = Math.max(d, f - i / xs.length, (i + 1) / xs.length - f);
	}

	return d;
}

function draw(spec: SenderSpec, count = n, seed = 1): number[] {
	const sample = makeSampler(spec);
	const rng = Rng.fromSeed(seed);
	return Array.from({length: count}, () => sample(rng));
}

function moments(xs: readonly number[]) {
	const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
	let m2 = 0;
	let m4 = 0;
	for (const x of xs) {
		const d2 = (x - mean) ** 2;
		m2 += d2;
		m4 += d2 * d2;
	}

	return {mean, variance: m2 / (xs.length - 1), m4: m4 / xs.length};
}

const Phi = (z: number) => 1 - normalUpperTail(z);

/** ln Γ(x), Lanczos (g = 7, n = 9), good to ~1e-15 for x > 0. */
function lnGamma(x: number): number {
	const c = [
		0.999_999_999_999_809_9, 676.520_368_121_885_1, -1259.139_216_722_402_8, 771.323_428_777_653_1, -176.615_029_162_140_6,
		12.507_343_278_686_905, -0.138_571_095_265_720_12, 9.984_369_578_019_571_6e-6, 1.505_632_735_149_311_6e-7,
	];
	if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
	x -= 1;
	let a = c[0]!;
	const t = x + 7.5;
	for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
	return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularized lower incomplete gamma P(a, x) (series below a+1, continued fraction above). */
function gammaP(a: number, x: number): number {
	if (x <= 0) return 0;
	const logPrefix = -x + a * Math.log(x) - lnGamma(a);
	if (x < a + 1) {
		let term = 1 / a;
		let sum = term;
		for (let k = 1; k < 1000; k++) {
			term *= x / (a + k);
			sum += term;
			if (term < sum * 1e-16) break;
		}

		return sum * Math.exp(logPrefix);
	}

	// Lentz's continued fraction for Q(a, x).
	const tiny = 1e-300;
	let b = x + 1 - a;
	let c = 1 / tiny;
	let d = 1 / b;
	let h = d;
	for (let i = 1; i < 1000; i++) {
		const an = -i * (i - a);
		b += 2;
		d = an * d + b;
		if (Math.abs(d) < tiny) d = tiny;
		c = b + an / c;
		if (Math.abs(c) < tiny) c = tiny;
		d = 1 / d;
		const delta = d * c;
		h *= delta;
		if (Math.abs(delta - 1) < 1e-16) break;
	}

	return 1 - Math.exp(logPrefix) * h;
}

/** Erlang(k, scale) CDF, exact for whole k. */
function erlangCdf(k: number, scale: number) {
	return (x: number) => {
		if (x <= 0) return 0;
		const y = x / scale;
		let term = 1;
		let sum = 1;
		for (let i = 1; i < k; i++) {
			term *= y / i;
			sum += term;
		}

		return 1 - Math.exp(-y) * sum;
	};
}

const exponentialCdf = (mean: number) => (x: number) => (x <= 0 ? 0 : 1 - Math.exp(-x / mean));
const uniformCdf = (low: number, high: number) => (x: number) => Math.min(1, Math.max(0, (x - low) / (high - low)));
function lognormalCdf(mean: number, sd: number) {
	const sigma2 = Math.log(1 + (sd / mean) ** 2);
	const mu = Math.log(mean) - sigma2 / 2;
	return (x: number) => (x <= 0 ? 0 : Phi((Math.log(x) - mu) / Math.sqrt(sigma2)));
}

function truncatedNormalCdf(centre: number, sd: number) {
	const below = Phi(-centre / sd);
	return (x: number) => (x <= 0 ? 0 : (Phi((x - centre) / sd) - below) / (1 - below));
}

/** Standard deviation of N(centre, sd²) cut to [0, ∞). */
function truncatedNormalSd(centre: number, sd: number): number {
	const alpha = -centre / sd;
	const lambda = Math.exp(-0.5 * alpha * alpha) / Math.sqrt(2 * Math.PI) / normalUpperTail(alpha);
	return sd * Math.sqrt(1 + alpha * lambda - lambda * lambda);
}

// ---- the helpers themselves ----

describe('test helpers', () => {
	it('normalUpperTail matches published values of 1 − Φ', () => {
		const table: Array<[number, number]> = [
			[0, 0.5],
			[1, 0.158_655_253_931_457],
			[-1, 0.841_344_746_068_543],
			[1.959_963_984_540_054, 0.025],
			[3, 0.001_349_898_031_630_095],
			[-3, 0.998_650_101_968_37],
			[5, 2.866_515_718_791_939e-7],
		];
		for (const [x, q] of table) expect(Math.abs(normalUpperTail(x) - q) / q).toBeLessThan(2e-7);
	});

	it('gammaP agrees with the Erlang CDF at whole shapes and with the exponential at shape 1', () => {
		for (const k of [1, 2, 4, 9]) {
			const erlang = erlangCdf(k, 1);
			for (const x of [0.01, 0.5, 1, 3, 4, 5, 10, 30]) expect(gammaP(k, x)).toBeCloseTo(erlang(x), 10);
		}

		for (const x of [0.1, 1, 7]) expect(gammaP(1, x)).toBeCloseTo(1 - Math.exp(-x), 12);
		// P(0.5, x) = erf(√x).
		expect(gammaP(0.5, 1)).toBeCloseTo(0.842_700_792_949_715, 9);
	});
});

// ---- shape and mean of every distribution ----

interface Case {
	name: string;
	spec: SenderSpec;
	cdf: (x: number) => number;
	mean: number;
	sd: number;
}

const spec = (distribution: Distribution, meanMs: number, spreadMs?: number): SenderSpec => ({
	meanMs,
	failureRate: 0,
	distribution,
	...(spreadMs === undefined ? {} : {spreadMs}),
});

function normalCase(mean: number, spread?: number): Case {
	const sd = spread ?? mean / 2;
	const centre = truncatedNormalCentre(mean, sd);
	return {
		name: `normal mean ${mean} spread ${spread ?? 'default'}`,
		spec: spec('normal', mean, spread),
		cdf: truncatedNormalCdf(centre, sd),
		mean,
		sd: truncatedNormalSd(centre, sd),
	};
}

function gammaCase(mean: number, spread: number): Case {
	const shape = (mean / spread) ** 2;
	const scale = (spread * spread) / mean;
	return {
		name: `gamma mean ${mean} spread ${spread} (shape ${shape.toFixed(3)})`,
		spec: spec('gamma', mean, spread),
		cdf: x => gammaP(shape, x / scale),
		mean,
		sd: spread,
	};
}

const cases: Case[] = [
	// The default: shape 4, checked against the Erlang CDF written out.
	{name: 'gamma mean 100 default spread (shape 4)', spec: spec('gamma', 100), cdf: erlangCdf(4, 25), mean: 100, sd: 50},
	{name: 'gamma mean 3 default spread (shape 4)', spec: spec('gamma', 3), cdf: erlangCdf(4, 0.75), mean: 3, sd: 1.5},
	gammaCase(90, 30), // shape 9
	gammaCase(40, 80), // shape 0.25: the U^(1/shape) boost
	gammaCase(2, 1.2), // shape 2.78
	{name: 'exponential mean 100', spec: spec('exponential', 100), cdf: exponentialCdf(100), mean: 100, sd: 100},
	{name: 'exponential mean 0.5', spec: spec('exponential', 0.5), cdf: exponentialCdf(0.5), mean: 0.5, sd: 0.5},
	normalCase(100),
	normalCase(10, 20), // the widest config allows: heavy cut at 0
	normalCase(7, 7),
	normalCase(1000, 10), // practically uncut
	{name: 'lognormal mean 100 default spread', spec: spec('lognormal', 100), cdf: lognormalCdf(100, 50), mean: 100, sd: 50},
	{name: 'lognormal mean 10 spread 30', spec: spec('lognormal', 10, 30), cdf: lognormalCdf(10, 30), mean: 10, sd: 30},
	{name: 'uniform mean 100 default spread', spec: spec('uniform', 100), cdf: uniformCdf(50, 150), mean: 100, sd: 50 / Math.sqrt(3)},
	{name: 'uniform mean 10 spread 10', spec: spec('uniform', 10, 10), cdf: uniformCdf(0, 20), mean: 10, sd: 10 / Math.sqrt(3)},
	{name: 'uniform mean 5 spread 0.5', spec: spec('uniform', 5, 0.5), cdf: uniformCdf(4.5, 5.5), mean: 5, sd: 0.5 / Math.sqrt(3)},
];

describe('distributions', () => {
	describe.each(cases)('$name', ({spec, cdf, mean, sd}) => {
		const sample = draw(spec);

		it('never draws a negative or non-finite time', () => {
			expect(sample.every(x => Number.isFinite(x) && x >= 0)).toBe(true);
		});

		it('has the configured mean (within 5 standard errors)', () => {
			const m = moments(sample);
			expect(Math.abs(m.mean - mean)).toBeLessThan((5 * sd) / Math.sqrt(n));
		});

		it('has the expected spread (variance within 5 standard errors)', () => {
			const m = moments(sample);
			const seVariance = Math.sqrt((m.m4 - m.variance ** 2) / n);
			expect(Math.abs(m.variance - sd * sd)).toBeLessThan(5 * seVariance);
		});

		it('passes a Kolmogorov–Smirnov test against its exact CDF (α = 0.001)', () => {
			expect(ksStatistic(sample, cdf)).toBeLessThan(ksCritical(n));
		});
	});

	it('constant draws exactly the mean', () => {
		expect(new Set(draw(spec('constant', 123.4), 1000))).toEqual(new Set([123.4]));
	});

	describe('negative controls: the KS test rejects a wrong CDF', () => {
		it('a gamma (shape 4) sample against the exponential CDF of the same mean', () => {
			expect(ksStatistic(draw(spec('gamma', 100)), exponentialCdf(100))).toBeGreaterThan(ksCritical(n));
		});

		it('a cut normal sample against a cut normal centred on the mean (centre not solved)', () => {
			expect(ksStatistic(draw(spec('normal', 10, 20)), truncatedNormalCdf(10, 20))).toBeGreaterThan(ksCritical(n));
		});

		it('a lognormal sample against the gamma CDF of the same mean and spread', () => {
			expect(ksStatistic(draw(spec('lognormal', 100)), erlangCdf(4, 25))).toBeGreaterThan(ksCritical(n));
		});

		it('a uniform sample against a uniform 3 % wider', () => {
			expect(ksStatistic(draw(spec('uniform', 100)), uniformCdf(47, 153))).toBeGreaterThan(ksCritical(n));
		});
	});

	describe('truncatedNormalCentre', () => {
		it.each([
			[100, 50],
			[10, 20],
			[1, 2],
			[7, 7],
			[5, 0.5],
		])('mean %d, sd %d: the cut distribution has the asked mean', (mean, sd) => {
			const centre = truncatedNormalCentre(mean, sd);
			expect(centre).toBeLessThanOrEqual(mean);
			expect(Math.abs(truncatedNormalMean(centre, sd) - mean) / mean).toBeLessThan(1e-9);
		});

		it('barely moves the centre when the cut is far away', () => {
			expect(truncatedNormalCentre(1000, 10)).toBeCloseTo(1000, 6);
		});

		it('moves the centre below 0 for a wide spread', () => {
			expect(truncatedNormalCentre(10, 20)).toBeLessThan(0);
		});
	});

	describe('max-wait', () => {
		it.each(distributions)('%s: caps every draw', distribution => {
			const cap = 90;
			const capped = draw({...spec(distribution, 100), maxWaitMs: cap}, 5000);
			expect(Math.max(...capped)).toBeLessThanOrEqual(cap);
			// The cap bites (every distribution here puts mass above 90 ms at mean 100).
			expect(capped.filter(x => x === cap).length).toBeGreaterThan(0);
			expect(capped.every(x => x >= 0)).toBe(true);
		});

		it('cuts exactly the draws above the cap, leaving the others as they were', () => {
			const free = draw(spec('exponential', 100), 5000, 3);
			const capped = draw({...spec('exponential', 100), maxWaitMs: 150}, 5000, 3);
			expect(capped).toEqual(free.map(x => Math.min(x, 150)));
		});

		it('exponential mean 100 capped at 150: P(cut) = e^−1.5 and mean 100·(1 − e^−1.5)', () => {
			const capped = draw({...spec('exponential', 100), maxWaitMs: 150});
			const p = Math.exp(-1.5);
			const cut = capped.filter(x => x === 150).length / n;
			expect(Math.abs(cut - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
			const m = moments(capped);
			expect(Math.abs(m.mean - 100 * (1 - p))).toBeLessThan((5 * Math.sqrt(m.variance)) / Math.sqrt(n));
		});

		it('a cap of 0 makes every draw 0', () => {
			for (const distribution of distributions) {
				expect(draw({...spec(distribution, 100), maxWaitMs: 0}, 100).every(x => x === 0)).toBe(true);
			}
		});
	});

	describe('mean 0', () => {
		it.each(distributions)('%s: every draw is 0', distribution => {
			expect(draw(spec(distribution, 0), 200).every(x => x === 0)).toBe(true);
			expect(draw({...spec(distribution, 0), spreadMs: 5}, 200).every(x => x === 0)).toBe(true);
		});
	});

	describe('spread', () => {
		it.each(['gamma', 'normal', 'lognormal', 'uniform'] as const)('%s: defaults to mean/2', distribution => {
			expect(spreadOf(spec(distribution, 80))).toBe(40);
			expect(spreadOf(spec(distribution, 80, 12))).toBe(12);
			// The default draws the same stream as an explicit mean/2.
			expect(draw(spec(distribution, 80), 500)).toEqual(draw(spec(distribution, 80, 40), 500));
			expect(draw(spec(distribution, 80), 500)).not.toEqual(draw(spec(distribution, 80, 30), 500));
		});

		it.each(['constant', 'exponential'] as const)('%s: has no spread, even if one is given', distribution => {
			expect(spreadOf(spec(distribution, 80))).toBe(0);
			expect(spreadOf(spec(distribution, 80, 12))).toBe(0);
			expect(draw(spec(distribution, 80, 12), 500)).toEqual(draw(spec(distribution, 80), 500));
		});

		it.each(['gamma', 'normal', 'lognormal', 'uniform'] as const)('%s: spread 0 is the constant mean', distribution => {
			expect(new Set(draw(spec(distribution, 80, 0), 200))).toEqual(new Set([80]));
		});

		it('exponential is still random (not constant) though its spread reads as 0', () => {
			expect(new Set(draw(spec('exponential', 80), 200)).size).toBe(200);
		});

		it('uniform stays within mean ± spread and reaches near both ends', () => {
			const sample = draw(spec('uniform', 100, 30), 5000);
			expect(Math.min(...sample)).toBeGreaterThanOrEqual(70);
			expect(Math.max(...sample)).toBeLessThanOrEqual(130);
			expect(Math.min(...sample)).toBeLessThan(70.5);
			expect(Math.max(...sample)).toBeGreaterThan(129.5);
		});
	});

	describe('a spread wider than config allows (a script may tune the mean alone)', () => {
		/** Fails fast instead of hanging when a sampler redraws without end. */
		class BudgetRng extends Rng {
			budget = 1_000_000;
			override normal(): number {
				if (--this.budget < 0) throw new Error('the sampler keeps redrawing');
				return super.normal();
			}
		}

		it('uniform mean 10 spread 80 never draws a negative time and keeps its mean', () => {
			const sample = draw(spec('uniform', 10, 80));
			expect(Math.min(...sample)).toBeGreaterThanOrEqual(0);
			expect(Math.max(...sample)).toBeLessThanOrEqual(20);
			const m = moments(sample);
			expect(Math.abs(m.mean - 10)).toBeLessThan((5 * Math.sqrt(m.variance)) / Math.sqrt(n));
		});

		it('normal mean 5 spread 150 finishes its draws and keeps its mean', () => {
			const sample = makeSampler(spec('normal', 5, 150));
			const rng = new BudgetRng(1, 2, 3, 4);
			const xs = Array.from({length: 5000}, () => sample(rng));
			expect(xs.every(x => x >= 0)).toBe(true);
			const m = moments(xs);
			expect(Math.abs(m.mean - 5)).toBeLessThan((5 * Math.sqrt(m.variance)) / Math.sqrt(xs.length));
		});
	});

	it('the same seed gives the same draws', () => {
		for (const distribution of distributions) {
			expect(draw(spec(distribution, 50), 300, 9)).toEqual(draw(spec(distribution, 50), 300, 9));
			if (distribution !== 'constant') expect(draw(spec(distribution, 50), 300, 9)).not.toEqual(draw(spec(distribution, 50), 300, 10));
		}
	});
});
