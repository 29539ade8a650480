import {describe, expect, it} from 'vitest';
import {createEngine} from '../../source/engine/engine.js';
import {Histogram} from '../../source/engine/histogram.js';
import {Monitor, type Progress} from '../../source/engine/monitor.js';
import {SeriesRecorder} from '../../source/report/series.js';

const reading = (simMs: number, over: Partial<Progress> = {}): Progress => ({
	simMs,
	produced: 0,
	pending: 0,
	queued: 0,
	inFlight: 0,
	segments: 0,
	throttled: 0,
	delivered: 0,
	resting: 0,
	sent: 0,
	failed: 0,
	attempts: 0,
	avgTimeMs: undefined,
	avgE2eMs: undefined,
	throughput: undefined,
	recentThroughput: undefined,
	etaMs: undefined,
	isDone: false,
	...over,
});

describe('SeriesRecorder', () => {
	it('keeps one point per reading while there is room', () => {
		const series = new SeriesRecorder(undefined, 100);
		for (let i = 1; i <= 50; i++) series.record(reading(i * 1000, {sent: i * 10, queued: i}));
		const points = series.points();
		expect(points).toHaveLength(50);
		expect(points[49]).toMatchObject({simMs: 50_000, sent: 500, queued: 50});
	});

	it('never holds more than its points, however long the run', () => {
		const series = new SeriesRecorder(undefined, 64);
		for (let i = 1; i <= 100_000; i++) {
			series.record(reading(i * 10, {sent: i}));
			if (i % 9973 === 0) expect(series.points().length).toBeLessThanOrEqual(64);
		}

		const points = series.points();
		expect(points.length).toBeLessThanOrEqual(64);
		expect(points.length).toBeGreaterThanOrEqual(32);
		// Counts are totals: the last point ends where the run ended, with its totals.
		expect(points.at(-1)).toMatchObject({simMs: 1_000_000, sent: 100_000});
		// Time only moves forward.
		for (let i = 1; i < points.length; i++) expect(points[i]!.simMs).toBeGreaterThan(points[i - 1]!.simMs);
	});

	it('keeps a peak through every merge', () => {
		const series = new SeriesRecorder(undefined, 16);
		for (let i = 1; i <= 10_000; i++) series.record(reading(i * 1000, {queued: i === 4321 ? 99_999 : 5, inFlight: i === 7777 ? 555 : 1}));
		const points = series.points();
		expect(Math.max(...points.map(p => p.queued))).toBe(99_999);
		expect(Math.max(...points.map(p => p.inFlight))).toBe(555);
		expect(points.length).toBeLessThanOrEqual(16);
	});

	it("takes each point's percentiles from the messages finished in its span only", () => {
		const histogram = new Histogram(0.01);
		const series = new SeriesRecorder(histogram, 100);
		for (let i = 0; i < 100; i++) histogram.record(10);
		series.record(reading(1000));
		for (let i = 0; i < 100; i++) histogram.record(500);
		series.record(reading(2000));
		series.record(reading(3000));
		const [first, second, third] = series.points();
		expect(first!.p50Ms).toBeCloseTo(10, 0);
		expect(first!.p99Ms).toBeCloseTo(10, 0);
		expect(second!.p50Ms).toBeCloseTo(500, -1);
		// Nothing finished in the third interval: no figure, not a zero.
		expect(third).toMatchObject({p50Ms: null, p95Ms: null, p99Ms: null});
	});

	it("follows a real run's monitor readings to its totals", () => {
		const engine = createEngine({messages: 5000, senders: Array.from({length: 20}, () => ({meanMs: 50, failureRate: 0.2, distribution: 'exponential' as const})), retries: 0, seed: 3, intervalMs: 100});
		const monitor = new Monitor(engine);
		const series = new SeriesRecorder(engine.timeHistogram, 40);
		for (let t = 100; !engine.isDone; t += 100) {
			engine.runUntil(t);
			series.record(monitor.sample(t));
		}

		const points = series.points();
		const totals = engine.totals();
		expect(points.length).toBeLessThanOrEqual(40);
		expect(points.at(-1)).toMatchObject({sent: totals.sent, failed: totals.failed});
		expect(totals.sent + totals.failed).toBe(5000);
		// Exponential times of mean 50 ms (p50 35 ms, p99 230 ms), ~4,000 a second.
		const full = points[1]!;
		expect(full.p50Ms!).toBeGreaterThan(25);
		expect(full.p50Ms!).toBeLessThan(60);
		expect(full.p99Ms!).toBeGreaterThan(full.p50Ms! * 3);
	});

	it('refuses room for fewer than two points', () => {
		expect(() => new SeriesRecorder(undefined, 1)).toThrow(RangeError);
	});
});

describe('Histogram windows and bins', () => {
	it('quantileSince sees only what came after the copy', () => {
		const h = new Histogram(0.01);
		for (let i = 0; i < 1000; i++) h.record(1);
		const before = h.copyCounts();
		expect(h.quantileSince(before, 0.5)).toBeUndefined();
		for (let i = 0; i < 10; i++) h.record(2000);
		expect(h.quantileSince(before, 0.5)).toBeCloseTo(2000, -2);
		expect(h.quantile(0.5)).toBeCloseTo(1, 1);
	});

	it('bins cover every value once, from the smallest to the largest', () => {
		const h = new Histogram(0.01);
		for (let i = 1; i <= 10_000; i++) h.record(i / 10);
		const bins = h.bins(40);
		expect(bins.length).toBeLessThanOrEqual(40);
		expect(bins.reduce((sum, [, count]) => sum + count, 0)).toBe(10_000);
		expect(bins.at(-1)![0]).toBe(1000);
		for (let i = 1; i < bins.length; i++) expect(bins[i]![0]).toBeGreaterThan(bins[i - 1]![0]);
		expect(new Histogram().bins()).toEqual([]);
	});
});
