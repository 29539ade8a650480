// Which runs' pages carry the delivery model, and that a run without it gets the page it
// always got: the same data, the same charts, nothing of the model.
import {describe, expect, it} from 'vitest';
import {createEngine} from '../../source/engine/engine.js';
import type {Summary} from '../../source/report.js';
import {createRunHtml, modelSeriesOf, renderHtml, type RunReportData} from '../../source/report/html.js';
import {SeriesRecorder} from '../../source/report/series.js';
import type {Settings} from '../../source/settings.js';
import {readToEnd} from '../helpers/read-to-end.js';
import {testSettings} from '../helpers/settings.js';
import {parseThreshold} from '../../source/thresholds.js';
import {formatMs} from '../../source/format.js';

const base = testSettings({
	messages: 3000,
	senders: Array.from({length: 5}, (_, i) => ({meanMs: 30 + i * 10, failureRate: 0.1, distribution: 'gamma' as const})),
	retries: 1,
	seed: 9,
});

/** A run to its end, its --html page made as the command makes it, and a recorder fed the same readings. */
function run(settings: Settings): {summary: Summary; page: string; twin: SeriesRecorder; engine: ReturnType<typeof createEngine>} {
	const engine = createEngine(settings);
	const html = createRunHtml(engine.timeHistogram, engine.reachHistogram);
	const twin = new SeriesRecorder(engine.timeHistogram);
	const summary = readToEnd(engine, settings, html, twin);
	return {summary, page: [...html.render(summary)].join(''), twin, engine};
}

function dataOf(page: string): RunReportData {
	const json = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(page)![1]!;
	return JSON.parse(json) as RunReportData;
}

describe('modelSeriesOf', () => {
	const plain = run({...base, messages: 200}).summary;
	const withSettings = (extra: Partial<Summary['settings']>, delivered: number | null = null): Summary => ({...plain, settings: {...plain.settings, ...extra}, delivered});
	const withSender = (extra: Partial<Summary['senders'][number]>): Summary => ({...plain, senders: plain.senders.map((s, i) => (i === 2 ? {...s, ...extra} : s))});

	it('is undefined for a run that used no key of the model', () => {
		expect(modelSeriesOf(plain)).toBeUndefined();
		expect(modelSeriesOf(withSender({window: 1, rate: null, price: 0}))).toBeUndefined();
	});

	it('names the model for any delivery key or a sender with a window, a rate cap or a price', () => {
		for (const extra of [{gatewayRate: 50}, {text: 'hi'}, {invalid: 0.01}, {backoffMs: 500}, {validityMs: 60_000}]) {
			expect(modelSeriesOf(withSettings(extra)), JSON.stringify(extra)).toEqual({receipts: false});
		}

		expect(modelSeriesOf(withSettings({delivery: {meanMs: 1000, distribution: 'gamma', undelivered: 0}}, 10))).toEqual({receipts: true});
		for (const extra of [{window: 4}, {rate: 10}, {price: 0.01}]) expect(modelSeriesOf(withSender(extra)), JSON.stringify(extra)).toEqual({receipts: false});
	});
});

describe('a run without the model', () => {
	it('gets the page it always got: the same data and charts, nothing of the model', () => {
		const {summary, page, twin, engine} = run(base);
		const data = dataOf(page);
		expect(Object.keys(data)).toEqual(['kind', 'summary', 'series', 'histogram']);
		expect(Object.keys(data.series[0]!)).toEqual(['simMs', 'sent', 'failed', 'queued', 'inFlight', 'p50Ms', 'p95Ms', 'p99Ms']);
		expect(page).toBe(renderHtml({kind: 'run', summary, series: twin.points(), histogram: engine.timeHistogram.bins()}));
		for (const text of ['id="chart-segments"', 'id="chart-reach"', 'data-field="segments"', 'data-field="reachP95Ms"', 'id="quiet-tail"', '>window</th>']) {
			expect(page, text).not.toContain(text);
		}

		expect(page.match(/<div id="chart-[a-z]+" class="plot">/g)).toEqual([
			'<div id="chart-flow" class="plot">',
			'<div id="chart-latency" class="plot">',
			'<div id="chart-histogram" class="plot">',
		]);
	});
});

describe('the time a page names', () => {
	it('is simulated for a run in this process, the real one for a broker\'s or an SMPP run', () => {
		const {summary, twin, engine} = run({...base, messages: 200});
		const page = (change: Partial<Summary>) => renderHtml({kind: 'run', summary: {...summary, ...change}, series: twin.points(), histogram: engine.timeHistogram.bins()});
		const outcome = (html: string) => /id="outcome">(.*?)<\/p>/.exec(html)![1]!;
		expect(outcome(page({}))).toMatch(/^Finished: 200 messages in \S+ simulated\.$/);
		expect(page({})).toContain('<span class="label">simulated time</span>');
		for (const change of [{smpp: 'smpp://alerts:****@host:2775'}, {duplicates: 0}]) {
			expect(outcome(page(change))).toMatch(/^Finished: 200 messages in \S+\.$/);
			expect(page(change)).toContain('<span class="label">time</span>');
			expect(outcome(page({...change, interrupted: true}))).toMatch(/^Interrupted after \S+: /);
		}
	});
});

describe('a run with the model', () => {
	it('with a gateway cap only: segments and throttled, the reach curve to acceptance, no delivered', () => {
		const {summary, page} = run({...base, gatewayRate: 40});
		const data = dataOf(page);
		expect(summary.throttled).toBeGreaterThan(0);
		expect(data.series.at(-1)).toMatchObject({segments: summary.segments, throttled: summary.throttled});
		expect(data.series.every(p => p.delivered === undefined)).toBe(true);
		// Without receipts a message is reached when the gateway accepts it.
		expect(data.reach!.reduce((sum, [, count]) => sum + count, 0)).toBe(summary.sent);
		expect(page).toContain('id="chart-segments"');
		expect(page).toContain('id="chart-reach"');
		expect(page).toContain('Reached means accepted by the gateway (no receipts asked for).');
		expect(page).not.toContain('data-field="delivered"');
		// Nothing waited for receipts: the charts over time run to the end.
		expect(data.activeUntilMs).toBeUndefined();
	});

	it('with receipts that expire at the validity: the run ends with its last receipt, the expiries counted without the hour of waiting', () => {
		const {summary, page} = run({...base, messages: 1000, delivery: {meanMs: 2000, distribution: 'gamma', undelivered: 0.05}, validityMs: 3_600_000});
		const data = dataOf(page);
		expect(summary.undelivered).toBeGreaterThan(0);
		expect(summary.delivered! + summary.undelivered!).toBe(summary.sent);
		expect(summary.simElapsedMs).toBeLessThan(120_000);
		expect(data.series.at(-1)!.simMs).toBeLessThan(120_000);
		expect(data.series.at(-1)).toMatchObject({delivered: summary.delivered});
	});
});

describe('the thresholds on the page', () => {
	it('say each actual figure in its rule\'s unit, as the text summary does', () => {
		const {summary, page} = run({...base, messages: 500, thresholds: ['p95<1ms', 'failed<50%', 'throughput>1/s'].map(expr => parseThreshold(expr))});
		const p95 = summary.thresholds[0]!.actual!;
		expect(page).toContain(`<code>p95&lt;1ms</code> (actual ${formatMs(p95)})</li>`);
		expect(page).toMatch(/<code>failed&lt;50%<\/code> \(actual \d+\.\d%\)<\/li>/);
		expect(page).toMatch(/<code>throughput&gt;1\/s<\/code> \(actual [\d,.]+\/s\)<\/li>/);
	});
});
