import {describe, expect, it} from 'vitest';
import {estimateSenders, expectedAttempts, findSize, runToCompletion, type SizeQuery} from '../../source/size/search.js';

const base: SizeQuery = {
	messages: 1000,
	spec: {meanMs: 100, failureRate: 0, distribution: 'constant'},
	retries: 0,
	withinMs: 6000,
	confidence: 0.95,
	runs: 4,
	maxSenders: 100_000,
	seed: 1,
};

const inProcess = (query: SizeQuery) => async (senders: number, runIndex: number) => runToCompletion(query, senders, runIndex);

describe('size', () => {
	it('expects 1 + p + … + p^retries attempts a message', () => {
		expect(expectedAttempts(0.5, 0)).toBe(1);
		expect(expectedAttempts(0.5, 2)).toBe(1.75);
		expect(expectedAttempts(0, 5)).toBe(1);
	});

	it('guesses total work over the deadline, within 1..max', () => {
		expect(estimateSenders(base)).toBe(Math.ceil((1000 * 100) / 6000));
		expect(estimateSenders({...base, maxSenders: 5})).toBe(5);
		expect(estimateSenders({...base, messages: 1})).toBe(1);
	});

	it('is exact by arithmetic for constant sends: 1000 × 100 ms within 6 s needs 17 (16 take 6.3 s)', async () => {
		expect(runToCompletion(base, 16, 0)).toBeCloseTo(6300, 6);
		expect(runToCompletion(base, 17, 0)).toBeCloseTo(5900, 6);
		const answer = await findSize(base, inProcess(base));
		expect(answer.senders).toBe(17);
		expect(answer.tried.find(t => t.senders === 16)?.ok).toBe(false);
	});

	it('matches the issue: 100,000 × 100 ms within 60 s needs 167 (166 take 60.3 s)', async () => {
		const query = {...base, messages: 100_000, withinMs: 60_000, runs: 1};
		expect(runToCompletion(query, 166, 0)).toBeCloseTo(60_300, 6);
		const answer = await findSize(query, inProcess(query));
		expect(answer.senders).toBe(167);
	});

	it('for random sends: runs at the answer meet the confidence, one sender fewer does not', async () => {
		const query: SizeQuery = {...base, spec: {meanMs: 100, failureRate: 0.1, distribution: 'gamma'}, retries: 2, runs: 10, confidence: 0.9};
		const answer = await findSize(query, inProcess(query));
		const okRuns = (senders: number) =>
			Array.from({length: query.runs}, (_, i) => runToCompletion(query, senders, i)).filter(t => t <= query.withinMs).length;
		expect(answer.senders).toBeDefined();
		expect(okRuns(answer.senders!)).toBeGreaterThanOrEqual(9);
		expect(okRuns(answer.senders! - 1)).toBeLessThan(9);
	});

	it('is deterministic for a seed and reports every count it tried once', async () => {
		const query: SizeQuery = {...base, spec: {meanMs: 100, failureRate: 0.2, distribution: 'exponential'}};
		const a = await findSize(query, inProcess(query));
		const b = await findSize(query, inProcess(query));
		expect(a).toEqual(b);
		expect(new Set(a.tried.map(t => t.senders)).size).toBe(a.tried.length);
	});

	it('has no answer when even max-senders cannot', async () => {
		const query = {...base, maxSenders: 10};
		const trials: number[] = [];
		const answer = await findSize(query, inProcess(query), t => trials.push(t.senders));
		expect(answer.senders).toBeUndefined();
		expect(trials.at(-1)).toBe(10);
	});
});
