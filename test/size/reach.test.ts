// size judges a reach goal exactly: the moment the run's ⌈p·M⌉-th recipient is reached, from
// the engine (its reachRank option and reachRankAtMs), and a run passes the delivery model on.
import {describe, expect, it} from 'vitest';
import {estimate} from '../../source/size/estimate.js';
import {findSize, runToCompletion, type SizeQuery} from '../../source/size/search.js';
import {baseQuery, inProcess} from '../helpers/size-query.js';

const base: SizeQuery = {...baseQuery, runs: 2, maxSenders: 1000};

describe('size with a reach goal', () => {
	it('is the moment of the ⌈p·M⌉-th acceptance: 10 senders of 100 ms accept the 500th at 5 s', () => {
		expect(runToCompletion({...base, reachGoal: 0.5}, 10, 0)).toBe(5000);
		expect(runToCompletion({...base, reachGoal: 0.501}, 10, 0)).toBe(5100);
	});

	it('a run not there by the deadline is late (Infinity), stopped there', () => {
		expect(runToCompletion({...base, reachGoal: 0.5, withinMs: 4999}, 10, 0)).toBe(Infinity);
	});

	it('never reached is Infinity too: every attempt fails', () => {
		expect(runToCompletion({...base, reachGoal: 0.5, spec: {...base.spec, failureRate: 1}}, 10, 0)).toBe(Infinity);
	});

	it('with receipts, reach is delivery: 8 s after acceptance', () => {
		const delivery = {delivery: {meanMs: 8000, distribution: 'constant' as const, undelivered: 0}};
		expect(runToCompletion({...base, reachGoal: 0.5, withinMs: 14_000, delivery}, 10, 0)).toBe(13_000);
		expect(runToCompletion({...base, reachGoal: 0.5, withinMs: 12_999, delivery}, 10, 0)).toBe(Infinity);
	});

	it('finds the exact count: 500 of 1000 by 6 s needs 9 (5.6 s), 8 take 6.3 s', async () => {
		const query = {...base, reachGoal: 0.5};
		const answer = await findSize(query, inProcess(query));
		expect(answer.senders).toBe(9);
		expect(answer.tried.find(t => t.senders === 9)?.neededMs).toBe(5600);
		expect(answer.tried.find(t => t.senders === 8)?.ok).toBe(false);
	});

	it('judges the goal moment exactly, on the deadline itself: 95% by 5 s is 19 senders, as estimated', async () => {
		const query = {...base, reachGoal: 0.95, withinMs: 5000};
		expect(runToCompletion(query, 19, 0)).toBe(5000);
		expect(runToCompletion(query, 18, 0)).toBe(Infinity);
		const answer = await findSize(query, inProcess(query));
		expect(answer.senders).toBe(19);
		expect(estimate(query).senders).toBe(19);
	});

	it('a run takes the query\'s delivery settings: a 5/s gateway holds 10 senders to it', () => {
		const query = {...base, messages: 100, delivery: {gatewayRate: 5}};
		expect(runToCompletion({...base, messages: 100}, 10, 0)).toBe(1000);
		expect(runToCompletion(query, 10, 0)).toBeGreaterThan(15_000);
	});
});
