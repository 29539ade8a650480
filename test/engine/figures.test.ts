import {describe, expect, it} from 'vitest';
import {senderSnapshot, snapshotOf, Tally, totalsOf, type RunCounts, type SenderCounts} from '../../source/engine/figures.js';
import {Histogram} from '../../source/engine/histogram.js';
import type {SenderSpec} from '../../source/engine/types.js';
import {noTimes, TimesArena} from '../../source/engine/sender-times.js';

const counts: RunCounts = {
	simMs: 2000,
	total: 10,
	produced: 10,
	pending: 0,
	queued: 4,
	inFlight: 2,
	resting: 0,
	sent: 3,
	failed: 1,
	attempts: 6,
	failedInvalid: 0,
	segments: 3,
	throttled: 0,
	delivered: 0,
	undelivered: 0,
	cost: 0,
	reached: 3,
	timeSumMs: 400,
	e2eSumMs: 1000,
	lastOutcomeMs: 1900,
	isDone: false,
};

describe('figures', () => {
	it('averages over the finished messages, and has none before the first', () => {
		const totals = totalsOf(counts);
		expect(totals).toMatchObject({sent: 3, failed: 1, attempts: 6, avgTimeMs: 100, avgE2eMs: 250, queued: 4, simMs: 2000});
		expect(totals).not.toHaveProperty('timeSumMs');
		expect(totalsOf({...counts, sent: 0, failed: 0})).toMatchObject({avgTimeMs: undefined, avgE2eMs: undefined});
	});

	it('a snapshot adds the percentiles of the run and its senders', () => {
		const histogram = new Histogram(0.01);
		for (let ms = 1; ms <= 100; ms++) histogram.record(ms);
		const snap = snapshotOf(totalsOf(counts), histogram, []);
		expect(Math.abs(snap.p50Ms! - 50)).toBeLessThanOrEqual(1);
		expect(snap.p99Ms).toBeGreaterThan(snap.p95Ms!);
		expect(snapshotOf(totalsOf(counts), new Histogram(0.01), []).p95Ms).toBeUndefined();
	});

	it("a sender's figures: average per finished message, observed mean per attempt", () => {
		const histogram = new Histogram(0.05);
		histogram.record(80);
		expect(senderFigures({sent: 2, failed: 2, attempts: 5, segments: 2, throttled: 0, timeSumMs: 400, waitSumMs: 450, ...noTimes(new TimesArena()), timesCount: 1, timesDense: histogram})).toMatchObject({
			avgTimeMs: 100,
			observedMeanMs: 90,
			attempts: 5,
		});
		expect(senderFigures({sent: 0, failed: 0, attempts: 0, segments: 0, throttled: 0, timeSumMs: 0, waitSumMs: 0, ...noTimes(new TimesArena())})).toMatchObject({
			avgTimeMs: undefined,
			observedMeanMs: undefined,
			p95Ms: undefined,
		});
	});
});

const noDelivery = {failedInvalid: 0, segments: 0, throttled: 0, delivered: 0, undelivered: 0, cost: 0, reached: 0};

describe('Tally (outcome folding shared by the engine and the broker monitor)', () => {
	const sender = (): SenderCounts => ({sent: 0, failed: 0, attempts: 0, segments: 0, throttled: 0, timeSumMs: 0, waitSumMs: 0, ...noTimes(new TimesArena())});
	const state = {simMs: 2000, total: 10, produced: 10, pending: 0, queued: 4, inFlight: 2, resting: 1, isDone: false};

	it('folds attempts and outcomes into the run and the sender, as totalsOf and senderSnapshot read them', () => {
		const tally = new Tally();
		const a = sender();
		const b = sender();
		tally.attempt(a, 30);
		tally.attempt(a, 50);
		tally.attempt(b, 20);
		tally.finish(b, true, 100, 160, 1200);
		tally.attempt(a, 40);
		tally.finish(a, false, 300, 340, 1900);
		expect(a).toMatchObject({sent: 0, failed: 1, attempts: 3, timeSumMs: 300, waitSumMs: 120});
		expect(b).toMatchObject({sent: 1, failed: 0, attempts: 1, timeSumMs: 100, waitSumMs: 20});
		expect(senderFigures(a)).toMatchObject({observedMeanMs: 40, avgTimeMs: 300, p95Ms: expect.closeTo(300, -1)});
		const totals = tally.totals(state);
		expect(totals).toEqual(
			totalsOf({...state, ...noDelivery, sent: 1, failed: 1, attempts: 4, timeSumMs: 400, e2eSumMs: 500, lastOutcomeMs: 1900}),
		);
		// The snapshot's keys keep their order (JSON lines are compared as text elsewhere).
		expect(Object.keys(totals)).toEqual(Object.keys(totalsOf({...counts})));
		expect(tally.snapshot(totals, []).p50Ms).toBeGreaterThan(0);
	});

	it('an outcome no sender reported counts for the run only', () => {
		const tally = new Tally();
		tally.finish(undefined, false, 0, 5, 10);
		expect(tally.totals(state)).toMatchObject({failed: 1, sent: 0, attempts: 0, lastOutcomeMs: 10, avgE2eMs: 5});
	});
});

/** A sender's snapshot figures from its counts alone (the rest of the sender does not matter here). */
function senderFigures(counts: SenderCounts) {
	return senderSnapshot({...counts, id: 1, spec: {} as SenderSpec, rests: 0, restedMs: 0, holding: 0, windowUsed: 0, version: 0, cached: undefined, cachedVersion: -1}, 'idle', 0);
}
