import {describe, expect, it} from 'vitest';
import {senderFigures, snapshotOf, totalsOf, type RunCounts} from '../../source/engine/figures.js';
import {Histogram} from '../../source/engine/histogram.js';

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
		expect(senderFigures({sent: 2, failed: 2, attempts: 5, timeSumMs: 400, waitSumMs: 450, histogram})).toMatchObject({
			avgTimeMs: 100,
			observedMeanMs: 90,
			attempts: 5,
		});
		expect(senderFigures({sent: 0, failed: 0, attempts: 0, timeSumMs: 0, waitSumMs: 0, histogram: undefined})).toMatchObject({
			avgTimeMs: undefined,
			observedMeanMs: undefined,
			p95Ms: undefined,
		});
	});
});
