// Seeded randomness: xoshiro128** (Blackman & Vigna), seeded through splitmix32.
// Every random draw of a run comes from here; nothing calls Math.random.

/** A seeded source of uniform random numbers. */
export class Rng {
	private s0: number;
	private s1: number;
	private s2: number;
	private s3: number;

	/** Seeds the four state words from one 32-bit seed with splitmix32. */
	static fromSeed(seed: number): Rng {
		const [a, b, c, d] = seedWords(seed);
		return new Rng(a, b, c, d);
	}

	/** Raw state; the all-zero state is replaced because it would only give zeros. */
	constructor(a: number, b: number, c: number, d: number) {
		this.s0 = a | 0;
		this.s1 = b | 0;
		this.s2 = c | 0;
		this.s3 = d | 0;
		if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
	}

	/** Its four state words (to start another stream where this one stands). */
	words(): [number, number, number, number] {
		return [this.s0, this.s1, this.s2, this.s3];
	}

	/** Next 32-bit unsigned integer. */
	nextUint32(): number {
		const s1 = this.s1;
		const r = Math.imul(s1 * 5, 1);
		const result = Math.imul(((r << 7) | (r >>> 25)), 9) >>> 0;
		const t = s1 << 9;
		this.s2 ^= this.s0;
		this.s3 ^= s1;
		this.s1 ^= this.s2;
		this.s0 ^= this.s3;
		this.s2 ^= t;
		this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
		return result;
	}

	/** Uniform in (0, 1): never exactly 0 or 1, so log() is always finite. */
	next(): number {
		return (this.nextUint32() + 0.5) * 2.328_306_436_538_696_3e-10;
	}

	/** Whole number in [0, n). */
	int(n: number): number {
		return Math.floor(this.next() * n);
	}

	/** A standard normal draw (Marsaglia's polar method, one value per call). */
	normal(): number {
		let u: number;
		let v: number;
		let s: number;
		do {
			u = 2 * this.next() - 1;
			v = 2 * this.next() - 1;
			s = u * u + v * v;
		} while (s >= 1 || s === 0);
		return u * Math.sqrt((-2 * Math.log(s)) / s);
	}
}


/** The four state words splitmix32 makes of one 32-bit seed. */
export function seedWords(seed: number): [number, number, number, number] {
	let x = seed >>> 0;
	const next = () => {
		x = (x + 0x9e_37_79_b9) | 0;
		let z = x;
		z = Math.imul(z ^ (z >>> 16), 0x85_eb_ca_6b);
		z = Math.imul(z ^ (z >>> 13), 0xc2_b2_ae_35);
		return (z ^ (z >>> 16)) >>> 0;
	};
	return [next(), next(), next(), next()];
}
