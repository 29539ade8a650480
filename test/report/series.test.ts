import {describe, expect, it} from 'vitest';
import {createEngine} from '../../source/engine/engine.js';
import {Histogram} from '../../source/engine/histogram.js';
import {Monitor} from '../../source/engine/monitor.js';
import {SeriesRecorder} from '../../source/report/series.js';
import {readingOf as reading} from '../helpers/snapshots.js';

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

	it("hands out the delivery model's totals only when asked, exact at every point", () => {
		const series = new SeriesRecorder(undefined, 100);
		for (let i = 1; i <= 10; i++) series.record(reading(i * 1000, {sent: i * 10, segments: i * 7, throttled: i * 3, delivered: i * 5}));
		const plain = series.points();
		expect(Object.keys(plain[0]!)).toEqual(['simMs', 'sent', 'failed', 'queued', 'inFlight', 'p50Ms', 'p95Ms', 'p99Ms']);
		const model = series.points({receipts: false});
		expect(model.map(p => [p.segments, p.throttled])).toEqual(Array.from({length: 10}, (_, i) => [(i + 1) * 7, (i + 1) * 3]));
		expect(model.every(p => !('delivered' in p))).toBe(true);
		const receipts = series.points({receipts: true});
		expect(receipts.map(p => p.delivered)).toEqual(Array.from({length: 10}, (_, i) => (i + 1) * 5));
		expect(receipts[9]).toEqual({simMs: 10_000, sent: 100, failed: 0, queued: 0, inFlight: 0, p50Ms: null, p95Ms: null, p99Ms: null, segments: 70, throttled: 30, delivered: 50});
	});

	it("merges the model's totals as counts: each point holds the totals at its end, so its rates add up", () => {
		const series = new SeriesRecorder(undefined, 8);
		const totalsAt = new Map<number, [number, number, number]>();
		let segments = 0;
		let throttled = 0;
		let delivered = 0;
		for (let i = 1; i <= 1000; i++) {
			segments += i % 7;
			throttled += i % 3 === 0 ? 5 : 0;
			delivered += i % 11;
			totalsAt.set(i * 100, [segments, throttled, delivered]);
			series.record(reading(i * 100, {sent: i, segments, throttled, delivered}));
		}

		const points = series.points({receipts: true});
		expect(points.length).toBeLessThanOrEqual(8);
		for (const p of points) expect([p.segments, p.throttled, p.delivered]).toEqual(totalsAt.get(p.simMs));
		expect(points.at(-1)).toMatchObject({simMs: 100_000, segments, throttled, delivered});
		// Per-point counts (what the page divides by each point's span) sum to the totals.
		const deltas = points.map((p, i) => p.segments! - (i === 0 ? 0 : points[i - 1]!.segments!));
		expect(deltas.reduce((a, b) => a + b, 0)).toBe(segments);
	});

	it('keeps a quiet stretch as one point, however long, and knows when things last moved', () => {
		const series = new SeriesRecorder(undefined, 100);
		for (let i = 1; i <= 5; i++) series.record(reading(i * 1000, {sent: i, queued: 5 - i}));
		// Nothing moves and nothing waits: receipts awaited until the validity.
		for (let i = 6; i <= 100_000; i++) series.record(reading(i * 1000, {sent: 5}));
		expect(series.activeUntilMs).toBe(5000);
		let points = series.points();
		expect(points.map(p => p.simMs)).toEqual([1000, 2000, 3000, 4000, 5000, 100_000_000]);
		expect(points.at(-1)).toMatchObject({sent: 5, queued: 0, inFlight: 0});
		// Something moves again: the quiet point ends where it was, the next one begins.
		series.record(reading(100_001_000, {sent: 6}));
		// A reading where nothing finished but messages wait is not quiet.
		series.record(reading(100_002_000, {sent: 6, queued: 3}));
		points = series.points();
		expect(points.map(p => p.simMs)).toEqual([1000, 2000, 3000, 4000, 5000, 100_000_000, 100_001_000, 100_002_000]);
		expect(series.activeUntilMs).toBe(100_002_000);
	});

	it("follows a real run with a gateway cap and receipts to its model totals", () => {
		const engine = createEngine({
			messages: 2000,
			senders: Array.from({length: 4}, () => ({meanMs: 40, failureRate: 0, distribution: 'gamma' as const, window: 4})),
			retries: 0,
			seed: 5,
			intervalMs: 1000,
			gatewayRate: 100,
			delivery: {meanMs: 3000, distribution: 'exponential', undelivered: 0},
		});
		const monitor = new Monitor(engine);
		const series = new SeriesRecorder(engine.timeHistogram);
		for (let t = 1000; !engine.isDone; t += 1000) {
			engine.runUntil(t);
			series.record(monitor.sample(t));
		}

		const snap = engine.snapshot();
		const points = series.points({receipts: true});
		expect(snap.throttled).toBeGreaterThan(0);
		expect(points.at(-1)).toMatchObject({segments: snap.segments, throttled: snap.throttled, delivered: snap.delivered});
		expect(snap.delivered).toBe(2000);
		// The bucket holds one second's worth: no interval takes more than twice the cap.
		const perInterval = points.map((p, i) => p.segments! - (i === 0 ? 0 : points[i - 1]!.segments!));
		expect(Math.max(...perInterval)).toBeLessThanOrEqual(200);
		expect(perInterval.reduce((a, b) => a + b, 0)).toBe(2000);
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
