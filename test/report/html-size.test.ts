// The --html file's size does not grow with messages: a 10 M-message run's page is as small
// as a short run's (the series stay at most 2,000 points), and under 1 MB with 1,000 senders.
import {describe, expect, it} from 'vitest';
import {createEngine} from '../../source/engine/engine.js';
import {Histogram} from '../../source/engine/histogram.js';
import type {Progress} from '../../source/engine/monitor.js';
import {reachBins, renderHtml} from '../../source/report/html.js';
import {SeriesRecorder} from '../../source/report/series.js';
import {readToEnd} from '../helpers/read-to-end.js';
import {testSettings} from '../helpers/settings.js';

const settings = testSettings({
	messages: 20_000,
	senders: Array.from({length: 1000}, (_, i) => ({meanMs: 80 + (i % 50), failureRate: 0.1, distribution: 'gamma' as const})),
	retries: 1,
	seed: 5,
});

/** A short real run of 1,000 senders: its summary is what a long run's would be in size. */
function shortRun() {
	const engine = createEngine(settings);
	const series = new SeriesRecorder(engine.timeHistogram);
	return {summary: readToEnd(engine, settings, series), series, histogram: engine.timeHistogram};
}

/** 10 M messages as a monitor would read them: 2,500 readings, 4,000 finished in each. */
function tenMillionReadings(): {series: SeriesRecorder; histogram: Histogram} {
	const histogram = new Histogram(0.01);
	const series = new SeriesRecorder(histogram);
	let sent = 0;
	let failed = 0;
	for (let second = 1; second <= 2500; second++) {
		for (let i = 0; i < 4000; i++) histogram.record(20 + ((i * 7919 + second) % 400));
		sent += 3600;
		failed += 400;
		const reading: Progress = {
			simMs: second * 1000,
			produced: sent + failed,
			pending: 10_000_000 - sent - failed,
			queued: 1000,
			inFlight: 1000,
			resting: 0,
			segments: sent * 2,
			throttled: second * 500,
			delivered: sent - 100,
			sent,
			failed,
			attempts: sent + failed,
			avgTimeMs: 220,
			avgE2eMs: undefined,
			throughput: 4000,
			recentThroughput: 4000,
			etaMs: undefined,
			isDone: sent + failed === 10_000_000,
		};
		series.record(reading);
	}

	return {series, histogram};
}

describe('the --html file of a long run', () => {
	it('is under 1 MB for 10 M messages and 1,000 senders, and no larger than a short run of 20,000 messages', () => {
		const short = shortRun();
		const shortPage = renderHtml({kind: 'run', summary: short.summary, series: short.series.points(), histogram: short.histogram.bins()});
		const long = tenMillionReadings();
		const longSeries = long.series.points();
		expect(longSeries.length).toBeGreaterThan(1000);
		expect(longSeries.length).toBeLessThanOrEqual(2000);
		expect(longSeries.at(-1)).toMatchObject({sent: 9_000_000, failed: 1_000_000});
		const summary = {...short.summary, produced: 10_000_000, sent: 9_000_000, failed: 1_000_000, attempts: 10_000_000};
		const longPage = renderHtml({kind: 'run', summary, series: longSeries, histogram: long.histogram.bins()});
		expect(Buffer.byteLength(longPage)).toBeLessThan(1_000_000);
		// The series are the only part that grows with the run's length, and they stop at 2,000 points.
		expect(Buffer.byteLength(longPage) - Buffer.byteLength(shortPage)).toBeLessThan(2000 * 120);
	});

	it('with the delivery model too: the model adds three totals a point and the reach curve, still under 1 MB', () => {
		const short = shortRun();
		const shortPage = renderHtml({kind: 'run', summary: short.summary, series: short.series.points(), histogram: short.histogram.bins()});
		const long = tenMillionReadings();
		const reach = new Histogram(0.01);
		for (let i = 0; i < 1_000_000; i++) reach.record(50 + (i % 7919) * 12);
		const summary = {
			...short.summary,
			produced: 10_000_000,
			sent: 9_000_000,
			failed: 1_000_000,
			attempts: 10_000_000,
			gatewayRate: 8000,
			delivered: 8_900_000,
			undelivered: 100_000,
			reachP95Ms: 90_000,
			settings: {...short.summary.settings, gatewayRate: 8000, delivery: {meanMs: 8000, distribution: 'lognormal' as const, undelivered: 0.01}},
		};
		const series = long.series.points({receipts: true});
		expect(series.at(-1)).toMatchObject({segments: 18_000_000, throttled: 1_250_000, delivered: 8_999_900});
		const page = renderHtml({kind: 'run', summary, series, histogram: long.histogram.bins(), reach: reach.bins(reachBins)});
		expect(page).toContain('id="chart-reach"');
		expect(Buffer.byteLength(page)).toBeLessThan(1_000_000);
		expect(Buffer.byteLength(page) - Buffer.byteLength(shortPage)).toBeLessThan(2000 * 180);
	});
});
