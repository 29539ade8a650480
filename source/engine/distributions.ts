// Delay samplers: each distribution drawn with exactly the configured mean.
// Parameters are solved once per spec, so a draw costs a few arithmetic steps.
import type {Rng} from './rng.js';
import type {Distribution, SenderSpec} from './types.js';

export type Sampler = (rng: Rng) => number;

/** The spread a spec stands for: its own, or mean/2 where a spread applies. */
export function spreadOf(spec: Pick<SenderSpec, 'meanMs' | 'distribution' | 'spreadMs'>): number {
	if (spec.distribution === 'constant' || spec.distribution === 'exponential') return 0;
	return spec.spreadMs ?? spec.meanMs / 2;
}

/** A sampler for one attempt's wait, max-wait applied. */
export function makeSampler(spec: SenderSpec): Sampler {
	const base = makeBaseSampler(spec.distribution, spec.meanMs, spreadOf(spec));
	const cap = spec.maxWaitMs;
	if (cap === undefined) return base;
	return rng => Math.min(base(rng), cap);
}

function makeBaseSampler(distribution: Distribution, mean: number, spread: number): Sampler {
	if (mean <= 0) return () => 0;
	if (spread <= 0 && distribution !== 'exponential') return () => mean;
	switch (distribution) {
		case 'constant': {
			return () => mean;
		}

		case 'exponential': {
			return rng => -mean * Math.log(rng.next());
		}

		case 'uniform': {
			// Mean ± spread. Config refuses spread > mean, but a script's tune of the mean
			// alone can leave it wider: cut to the mean, so no draw is negative.
			const half = Math.min(spread, mean);
			const low = mean - half;
			const width = 2 * half;
			return rng => low + width * rng.next();
		}

		case 'gamma': {
			// Shape k = (mean/sd)², scale = sd²/mean: mean k·scale, sd √k·scale.
			const shape = (mean / spread) ** 2;
			const scale = (spread * spread) / mean;
			return gammaSampler(shape, scale);
		}

		case 'lognormal': {
			const sigma2 = Math.log(1 + (spread / mean) ** 2);
			const mu = Math.log(mean) - sigma2 / 2;
			const sigma = Math.sqrt(sigma2);
			return rng => Math.exp(mu + sigma * rng.normal());
		}

		case 'normal': {
			// Truncated at 0 by drawing again; the centre is moved so the mean stays.
			// Wider than 2 × mean (config's limit, reachable by a script's tune of the mean
			// alone) the redraws would never end, so the width is cut to that.
			const sd = Math.min(spread, 2 * mean);
			const centre = truncatedNormalCentre(mean, sd);
			return rng => {
				let x: number;
				do x = centre + sd * rng.normal();
				while (x < 0);
				return x;
			};
		}
	}
}

/** Marsaglia & Tsang (2000); shape < 1 boosted by U^(1/shape). */
function gammaSampler(shape: number, scale: number): Sampler {
	const boost = shape < 1;
	const k = boost ? shape + 1 : shape;
	const d = k - 1 / 3;
	const c = 1 / Math.sqrt(9 * d);
	const invShape = 1 / shape;
	return rng => {
		let v: number;
		let x: number;
		for (;;) {
			do {
				x = rng.normal();
				v = 1 + c * x;
			} while (v <= 0);
			v = v * v * v;
			const u = rng.next();
			const x2 = x * x;
			if (u < 1 - 0.0331 * x2 * x2) break;
			if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) break;
		}
		let g = d * v * scale;
		if (boost) g *= rng.next() ** invShape;
		return g;
	};
}

/** Standard normal density and upper tail. */
function phi(x: number): number {
	return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** 1 − Φ(x), via erfc (Numerical Recipes' erfcc, |error| < 1.2e-7). */
export function normalUpperTail(x: number): number {
	const z = Math.abs(x / Math.SQRT2);
	const t = 1 / (1 + 0.5 * z);
	const r =
		t *
		Math.exp(
			-z * z -
				1.265_512_23 +
				t *
					(1.000_023_68 +
						t *
							(0.374_091_96 +
								t *
									(0.096_784_18 +
										t *
											(-0.186_288_06 +
												t *
													(0.278_868_07 +
														t * (-1.135_203_98 + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77)))))))),
		);
	const erfc = x >= 0 ? r : 2 - r;
	return erfc / 2;
}

/** Mean of N(centre, sd²) truncated to [0, ∞). */
export function truncatedNormalMean(centre: number, sd: number): number {
	const alpha = -centre / sd;
	return centre + (sd * phi(alpha)) / normalUpperTail(alpha);
}

/** The centre whose truncated mean is `mean` (bisection: the mean grows with the centre). */
export function truncatedNormalCentre(mean: number, sd: number): number {
	let low = mean - 10 * sd;
	let high = mean;
	for (let i = 0; i < 100; i++) {
		const mid = (low + high) / 2;
		if (truncatedNormalMean(mid, sd) < mean) low = mid;
		else high = mid;
	}
	return (low + high) / 2;
}
