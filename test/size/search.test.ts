import {describe, expect, it} from 'vitest';
import {answerText, headerText} from '../../source/size/cli.js';
import {estimateSenders, expectedAttempts, findSize, neededRuns, runToCompletion, type SizeQuery} from '../../source/size/search.js';
import {baseQuery as base, inProcess} from '../helpers/size-query.js';

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
		// Stopped at twice the deadline: late, whatever it would have taken.
		expect(runToCompletion({...base, withinMs: 3150}, 16, 0)).toBe(6300);
		expect(runToCompletion({...base, withinMs: 3149}, 16, 0)).toBe(Infinity);
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

	it('a billion messages within 1 ms: each run stops at twice the deadline, so the answer comes at once', async () => {
		const query: SizeQuery = {...base, messages: 1_000_000_000, withinMs: 1, maxSenders: 1000, runs: 2};
		const started = performance.now();
		expect(runToCompletion(query, 1000, 0)).toBe(Infinity);
		expect((await findSize(query, inProcess(query))).senders).toBeUndefined();
		expect(performance.now() - started).toBeLessThan(5000);
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

	it('runs nothing when no count can: a gateway below the goal\'s rate', async () => {
		const query = {...base, delivery: {gatewayRate: 100}};
		let runs = 0;
		const answer = await findSize(query, async () => ++runs);
		expect(answer).toEqual({senders: undefined, tried: []});
		expect(runs).toBe(0);
	});

	it('starts from the estimate the gateway allows: 600 in 6 s at a 100/s cap, 10 senders', async () => {
		const query = {...base, messages: 600, delivery: {gatewayRate: 100}};
		expect(estimateSenders(query)).toBe(10);
		const trials: number[] = [];
		await findSize(query, inProcess(query), t => trials.push(t.senders));
		expect(trials[0]).toBe(10);
	});

	it('lists the counts tried in order of senders, whatever order the search took', async () => {
		const answer = await findSize(base, inProcess(base));
		const counts = answer.tried.map(t => t.senders);
		expect(counts).toEqual([...counts].sort((a, b) => a - b));
		expect(counts.length).toBeGreaterThan(1);
	});

	it('the confidence in runs: 10 at 0.95 is 10 of 10, 20 at 0.95 is 19, 3 at 0.5 is 2', () => {
		expect(neededRuns(0.95, 10)).toBe(10);
		expect(neededRuns(0.95, 20)).toBe(19);
		expect(neededRuns(0.5, 3)).toBe(2);
		expect(neededRuns(0.9, 10)).toBe(9);
	});

	it('says what is asked and the margin at the answer: 17 constant senders finish 1000 × 100 ms by 5.9s, 0.1s inside 6s', async () => {
		const query = {...base, spec: {...base.spec, failureRate: 0.1}, retries: 1, withinMs: 7000, runs: 10};
		const header = headerText(query);
		expect(header).toContain('Sizing 1,000 messages within 7.0s, 10 runs a count\n');
		expect(header).toContain('  confidence 0.95 of 10 runs: 10 of 10 must finish in time\n');
		expect(header).toContain('not delivered ones;\n  about 10 of them (1.0%) are expected to fail\n');
		// 1000 × 1.1 attempts in 7 s: 157.1 segments/s, 10 a sender: ⌈15.71⌉.
		expect(header).toContain('  estimate 16 senders: the goal needs 157.1 segments/s, 10.0 a sender\n  bottleneck: the window (1 ÷ 100ms send time)\n');
		const answer = await findSize(base, inProcess(base));
		const text = answerText(base, answer);
		expect(text).toMatch(/^ +16 senders {2}0\/4 runs in time .* too few\n +17 senders {2}4\/4 runs in time .* enough\nAnswer: 17 senders \(estimate 17\)\n/m);
		expect(text).toContain('  4 of 4 runs finish by 5.9s: 0.1s inside the 6.0s deadline\n');
		for (const line of (header + text).split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
	});
});
