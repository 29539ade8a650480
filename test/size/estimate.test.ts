// size's closed form, by arithmetic: a sender's ceiling (window ÷ send time, or its rate),
// the goal's segments/s, the gateway's cap and the recipients that can never be reached.
import {describe, expect, it} from 'vitest';
import {segmentCount} from '../../source/engine/segments.js';
import {estimate, estimateWith, expectedAttempts, reachableShare, reachRank, type EstimateInput} from '../../source/size/estimate.js';

const base: EstimateInput = {
	messages: 1000,
	spec: {meanMs: 100, failureRate: 0, distribution: 'constant'},
	retries: 0,
	withinMs: 6000,
	delivery: {},
};

describe('size estimate', () => {
	it('E[attempts] is (1 − p^(k+1)) ÷ (1 − p), and k + 1 when every attempt fails', () => {
		expect(expectedAttempts(0.5, 2)).toBe((1 - 0.5 ** 3) / (1 - 0.5));
		expect(expectedAttempts(0.5, 2)).toBe(1.75);
		expect(expectedAttempts(0.25, 1)).toBe(1.25);
		expect(expectedAttempts(1, 3)).toBe(4);
		expect(expectedAttempts(0, 5)).toBe(1);
	});

	it('without the new keys, window 1 ÷ 100 ms: 10/s a sender, 1000 in 6 s needs ⌈16.67⌉ = 17', () => {
		expect(estimate(base)).toEqual({
			senders: 17,
			perSenderRate: 10,
			bottleneck: 'window',
			goalMessages: 1000,
			segments: 1,
			attempts: 1,
			neededRate: 1000 / 6,
			cost: 0,
		});
	});

	it('window 10 at 20 ms is 500/s a sender: 100,000 in 60 s need 1666.7/s, 4 senders', () => {
		const guess = estimate({...base, messages: 100_000, withinMs: 60_000, spec: {...base.spec, meanMs: 20, window: 10}});
		expect(guess.perSenderRate).toBe(500);
		expect(guess.senders).toBe(4);
		expect(guess.bottleneck).toBe('window');
	});

	it('a rate below the window ceiling is the bottleneck: 3/s, 900 in 60 s need exactly 5', () => {
		const guess = estimate({...base, messages: 900, withinMs: 60_000, spec: {...base.spec, rate: 3}});
		expect(guess).toMatchObject({perSenderRate: 3, bottleneck: 'rate', senders: 5, neededRate: 15});
	});

	it('a rate equal to the window ceiling leaves the window named', () => {
		expect(estimate({...base, spec: {...base.spec, rate: 10}}).bottleneck).toBe('window');
		expect(estimate({...base, spec: {...base.spec, rate: 9.5}}).bottleneck).toBe('rate');
	});

	it('retries multiply the work by E: p 0.5 and 2 retries, 1000 in 7 s need exactly 25', () => {
		const guess = estimate({...base, withinMs: 7000, spec: {...base.spec, failureRate: 0.5}, retries: 2});
		expect(guess).toMatchObject({attempts: 1.75, neededRate: 250, senders: 25});
	});

	it('segments multiply it too: 3 segments, 1000 in 6 s need exactly 50', () => {
		expect(estimateWith(base, 3)).toMatchObject({segments: 3, neededRate: 500, senders: 50});
	});

	it('counts the text\'s segments', () => {
		const text = 'Evacuate now: the river is rising.';
		expect(estimate({...base, delivery: {text}}).segments).toBe(segmentCount(text));
		expect(estimate(base).segments).toBe(1);
	});

	it('a reach goal counts ⌈p·M⌉ recipients: 95% of 1000 in 5 s need exactly 19', () => {
		expect(estimate({...base, withinMs: 5000, reachGoal: 0.95})).toMatchObject({goalMessages: 950, senders: 19});
	});

	it('⌈p·M⌉ without a float hair: 7% of 100 is 7, 95.5% of 1000 is 955, 95.55% is 956', () => {
		expect(0.07 * 100).toBeGreaterThan(7);
		expect(reachRank(0.07, 100)).toBe(7);
		expect(reachRank(0.95, 1000)).toBe(950);
		expect(reachRank(0.955, 1000)).toBe(955);
		expect(reachRank(0.9555, 1000)).toBe(956);
		expect(reachRank(1, 1e9)).toBe(1e9);
		expect(reachRank(0.5, 0)).toBe(0);
	});

	it('a gateway below the goal\'s rate rules out every count', () => {
		const guess = estimate({...base, delivery: {gatewayRate: 150}});
		expect(guess).toMatchObject({senders: undefined, bottleneck: 'gateway', impossible: {by: 'gateway', gatewayRate: 150}});
		expect(guess.neededRate).toBeCloseTo(166.67, 2);
	});

	it('a gateway exactly at the goal\'s rate does not: 600 in 6 s is 100/s, 10 senders of 10/s', () => {
		const guess = estimate({...base, messages: 600, delivery: {gatewayRate: 100}});
		expect(guess).toMatchObject({senders: 10, bottleneck: 'window'});
		expect(guess.impossible).toBeUndefined();
	});

	it('the gateway is the bottleneck when the senders together would pass it: 4 × 30/s over 110/s', () => {
		const query = {...base, withinMs: 10_000, spec: {...base.spec, window: 3}};
		expect(estimate({...query, delivery: {gatewayRate: 110}})).toMatchObject({senders: 4, perSenderRate: 30, bottleneck: 'gateway'});
		expect(estimate({...query, delivery: {gatewayRate: 120}})).toMatchObject({senders: 4, bottleneck: 'window'});
	});

	it('invalid numbers are never reached: 5% invalid allows --reach 95%, not 96%', () => {
		expect(estimate({...base, reachGoal: 0.95, delivery: {invalid: 0.05}}).impossible).toBeUndefined();
		expect(estimate({...base, reachGoal: 0.96, delivery: {invalid: 0.05}})).toMatchObject({
			senders: undefined,
			bottleneck: 'window',
			impossible: {by: 'unreachable', reachableShare: 0.95},
		});
		// Every message finishes, invalid or not: no reach goal, no limit.
		expect(estimate({...base, delivery: {invalid: 0.5}}).senders).toBe(17);
	});

	it('nor undelivered ones with receipts: half invalid, half of the rest undelivered leaves 25%', () => {
		const delivery = {invalid: 0.5, delivery: {meanMs: 8000, distribution: 'constant' as const, undelivered: 0.5}};
		expect(reachableShare(delivery)).toBe(0.25);
		expect(estimate({...base, reachGoal: 0.25, delivery}).impossible).toBeUndefined();
		expect(estimate({...base, reachGoal: 0.3, delivery}).impossible).toEqual({by: 'unreachable', reachableShare: 0.25});
	});

	it('nor messages that fail every attempt: p^(k+1) of them, which retries shrink', () => {
		const spec = {...base.spec, failureRate: 0.2};
		expect(reachableShare({}, 0.2, 0)).toBe(0.8);
		expect(estimate({...base, reachGoal: 0.8, spec}).impossible).toBeUndefined();
		expect(estimate({...base, reachGoal: 0.81, spec})).toMatchObject({senders: undefined, impossible: {by: 'unreachable', reachableShare: 0.8}});
		// Two retries: 0.2³ = 0.8 % fail every attempt.
		expect(estimate({...base, reachGoal: 0.99, retries: 2, spec}).impossible).toBeUndefined();
		// Counted in recipients: neither a float hair (1 − 0.07 = 0.9299999999999999) nor a
		// hundred-millionth of a message (1 % failing four attempts) refuses a goal.
		expect(estimate({...base, reachGoal: 0.93, spec: {...spec, failureRate: 0.07}}).impossible).toBeUndefined();
		expect(estimate({...base, reachGoal: 0.1, spec: {...spec, failureRate: 0.9}}).impossible).toBeUndefined();
		expect(estimate({...base, reachGoal: 1, retries: 3, spec: {...spec, failureRate: 0.01}}).impossible).toBeUndefined();
		const both = {invalid: 0.02, delivery: {meanMs: 8000, distribution: 'constant' as const, undelivered: 0.02}};
		expect(estimate({...base, messages: 10_000, reachGoal: 0.9604, delivery: both}).impossible).toBeUndefined();
		expect(estimate({...base, messages: 10_000, reachGoal: 0.9605, delivery: both}).impossible).toMatchObject({by: 'unreachable'});
		// Without a reach goal every message finishes, sent or failed (one attempt each): no limit.
		expect(estimate({...base, spec}).senders).toBe(17);
	});

	it('messages that can never be sent have no answer: failure rate 1, or every number invalid', () => {
		expect(estimate({...base, spec: {...base.spec, failureRate: 1}}).impossible).toEqual({by: 'never-sent', why: 'failure-rate'});
		expect(estimate({...base, retries: 5, spec: {...base.spec, failureRate: 1}}).senders).toBeUndefined();
		expect(estimate({...base, delivery: {invalid: 1}}).impossible).toEqual({by: 'never-sent', why: 'invalid'});
		expect(estimate({...base, spec: {...base.spec, failureRate: 0.99}}).impossible).toBeUndefined();
	});

	it('zero send time with no rate: no ceiling, one sender', () => {
		expect(estimate({...base, spec: {...base.spec, meanMs: 0}})).toMatchObject({perSenderRate: Infinity, senders: 1, bottleneck: 'window'});
	});
});

describe('size cost', () => {
	it('every accepted segment of the run at the price: M × (1 − invalid) × (1 − p^(k+1)) × s̄ × price', () => {
		const text = 'a'.repeat(200);
		const s = segmentCount(text);
		const guess = estimate({...base, spec: {...base.spec, failureRate: 0.5, price: 0.01}, retries: 1, delivery: {text, invalid: 0.2}});
		expect(guess.cost).toBeCloseTo(1000 * 0.8 * 0.75 * s * 0.01, 9);
		expect(estimate(base).cost).toBe(0);
	});
});
