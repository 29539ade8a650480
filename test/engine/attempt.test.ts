import {describe, expect, it} from 'vitest';
import {AttemptModel, restMsOf, senderRng, type Verdict} from '../../source/engine/attempt.js';
import {makeSampler} from '../../source/engine/distributions.js';
import {streamSeed} from '../../source/engine/message.js';
import {Rng} from '../../source/engine/rng.js';
import {distributions, type SenderSpec} from '../../source/engine/types.js';

const spec = (patch: Partial<SenderSpec> = {}): SenderSpec => ({meanMs: 100, failureRate: 0.1, distribution: 'gamma', ...patch});

describe('restMsOf', () => {
	it.each([
		[undefined, 0],
		[0, 0],
		[-5, 0],
		[1, 1],
		[60_000, 60_000],
	])('failover %s rests %s ms', (failoverMs, rest) => {
		expect(restMsOf(spec({failoverMs}))).toBe(rest);
	});
});

describe('judge: every combination of outcome, failover and retries left', () => {
	// Rates 0 and 1 decide the draw whatever it is; each row is checked over many seeds.
	const cases: Array<[failureRate: number, failoverMs: number | undefined, attempts: number, retries: number, verdict: Verdict]> = [];
	for (const failoverMs of [undefined, 0, 250]) {
		const hasFailover = failoverMs !== undefined && failoverMs > 0;
		for (const retries of [0, 1, 3]) {
			for (let attempts = 1; attempts <= retries + 2; attempts++) {
				const isRetry = attempts <= retries;
				cases.push([0, failoverMs, attempts, retries, 'sent']);
				cases.push([1, failoverMs, attempts, retries, hasFailover ? (isRetry ? 'requeue' : 'failed-rest') : isRetry ? 'retry' : 'failed']);
			}
		}
	}

	it.each(cases)('failure rate %s, failover %s, attempt %s of retries %s: %s', (failureRate, failoverMs, attempts, retries, verdict) => {
		for (let seed = 0; seed < 50; seed++) {
			const model = new AttemptModel(spec({failureRate, failoverMs}), senderRng(seed, 1));
			expect(model.judge(attempts, retries)).toBe(verdict);
		}
	});

	it('draws exactly one number, compared with the failure rate, whatever follows', () => {
		for (const failoverMs of [undefined, 100]) {
			for (const failureRate of [0, 0.3, 1]) {
				const model = new AttemptModel(spec({failureRate, failoverMs}), Rng.fromSeed(9));
				const reference = Rng.fromSeed(9);
				for (let i = 0; i < 500; i++) {
					const attempts = 1 + (i % 4);
					const isFailure = reference.next() < failureRate;
					const verdict = model.judge(attempts, 2);
					expect(verdict === 'sent').toBe(!isFailure);
				}

				expect(model.rng.nextUint32()).toBe(reference.nextUint32());
			}
		}
	});

	it('fails as often as the failure rate says (seeded, 20,000 attempts each)', () => {
		for (const failureRate of [0.05, 0.3, 0.5, 0.9]) {
			const model = new AttemptModel(spec({failureRate}), senderRng(42, 3));
			let failures = 0;
			for (let i = 0; i < 20_000; i++) if (model.judge(1, 0) !== 'sent') failures++;
			expect(failures / 20_000).toBeCloseTo(failureRate, 1);
			expect(Math.abs(failures / 20_000 - failureRate)).toBeLessThan(0.015);
		}
	});
});

describe('drawWaitMs', () => {
	it('is the spec sampler drawn from the sender stream, for every distribution', () => {
		for (const distribution of distributions) {
			const s = spec({distribution, failureRate: 0});
			const model = new AttemptModel(s, senderRng(5, 2));
			const sample = makeSampler(s);
			const reference = Rng.fromSeed(streamSeed(5, 2));
			for (let i = 0; i < 200; i++) expect(model.drawWaitMs()).toBe(sample(reference));
		}
	});

	it('is cut to max-wait', () => {
		const model = new AttemptModel(spec({distribution: 'exponential', maxWaitMs: 50}), senderRng(1, 1));
		const waits = Array.from({length: 5000}, () => model.drawWaitMs());
		expect(Math.max(...waits)).toBe(50);
		expect(waits.filter(w => w === 50).length).toBeGreaterThan(1000);
		expect(Math.min(...waits)).toBeGreaterThanOrEqual(0);
	});

	it('the wait draw and the verdict draw interleave as an attempt makes them', () => {
		const s = spec({distribution: 'uniform', spreadMs: 20, failureRate: 0.5});
		const model = new AttemptModel(s, senderRng(11, 4));
		const sample = makeSampler(s);
		const reference = senderRng(11, 4);
		for (let i = 0; i < 300; i++) {
			expect(model.drawWaitMs()).toBe(sample(reference));
			expect(model.judge(1, 0) === 'sent').toBe(!(reference.next() < 0.5));
		}
	});
});

describe('tune', () => {
	it('keeps its own copy of the spec, and a tune makes a new one and a new sampler', () => {
		const given = spec({distribution: 'constant', meanMs: 10});
		const model = new AttemptModel(given, senderRng(1, 1));
		given.meanMs = 99;
		expect(model.drawWaitMs()).toBe(10);
		const before = model.spec;
		model.tune({meanMs: 30, failoverMs: 5});
		expect(before).toEqual(spec({distribution: 'constant', meanMs: 10}));
		expect(model.spec).toEqual(spec({distribution: 'constant', meanMs: 30, failoverMs: 5}));
		expect(model.drawWaitMs()).toBe(30);
		model.tune({failureRate: 1});
		expect(model.judge(1, 1)).toBe('requeue');
		model.tune({failoverMs: 0});
		expect(model.judge(1, 1)).toBe('retry');
	});
});

describe('senderRng', () => {
	it('is stream `id` of the run seed, so sender n draws the same in-process and in a worker', () => {
		const a = senderRng(42, 7);
		const b = Rng.fromSeed(streamSeed(42, 7));
		for (let i = 0; i < 100; i++) expect(a.nextUint32()).toBe(b.nextUint32());
		expect(senderRng(42, 1).nextUint32()).not.toBe(senderRng(42, 2).nextUint32());
	});
});
