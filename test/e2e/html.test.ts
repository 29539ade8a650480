/// <reference lib="dom" />
// --html pages in a real headless Chromium: loaded from file:// with no error and no
// request, every chart drawn, the figures equal to the summary's, the tables sortable.
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Browser} from 'playwright-core';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createEngine} from '../../source/engine/engine.js';
import {formatCount} from '../../source/format.js';
import {renderHtml, type RunReportData, type SizeReportData} from '../../source/report/html.js';
import {SeriesRecorder} from '../../source/report/series.js';
import {chartInk, launchBrowser, openFile} from '../helpers/browser.js';
import {readToEnd} from '../helpers/read-to-end.js';
import {tempDir} from '../helpers/run-cli.js';
import {testSettings} from '../helpers/settings.js';

function runReport(): RunReportData {
	const settings = testSettings({
		messages: 20_000,
		senders: [
			{meanMs: 40, failureRate: 0.1, distribution: 'gamma'},
			{meanMs: 25, failureRate: 0.3, distribution: 'exponential'},
			{meanMs: 60, failureRate: 0.05, distribution: 'lognormal'},
		],
		retries: 1,
		seed: 11,
		thresholds: [
			{expr: 'p95<250ms', metric: 'p95', op: '<', value: 250, isPercent: false},
			{expr: 'failed<1%', metric: 'failed', op: '<', value: 1, isPercent: true},
		],
	});
	const engine = createEngine(settings);
	const series = new SeriesRecorder(engine.timeHistogram);
	const summary = readToEnd(engine, settings, series);
	// A text that tries to end the data's script element must stay data.
	summary.notes.push('</script><script>window.hacked = true</script>');
	return {kind: 'run', summary, series: series.points(), histogram: engine.timeHistogram.bins()};
}

const sizeReport: SizeReportData = {
	kind: 'size',
	size: {
		senders: 12,
		confidence: 0.9,
		runs: 10,
		messages: 50_000,
		withinMs: 60_000,
		tried: [
			{senders: 1, p50Ms: 600_000, p95Ms: 610_000, okRuns: 0},
			{senders: 16, p50Ms: 40_000, p95Ms: 41_000, okRuns: 10},
			{senders: 8, p50Ms: 80_000, p95Ms: 82_000, okRuns: 0},
			{senders: 12, p50Ms: 55_000, p95Ms: 59_000, okRuns: 10},
			{senders: 10, p50Ms: 64_000, p95Ms: 66_000, okRuns: 1},
		],
	},
};

let browser: Browser;
const dir = process.env.KEEP_HTML ?? tempDir();

beforeAll(async () => {
	browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
	await browser?.close();
});

describe('a run report', () => {
	const data = runReport();
	const file = join(dir, 'run.html');
	writeFileSync(file, renderHtml(data));

	for (const scheme of ['light', 'dark'] as const) {
		it(`loads offline with no error or request and draws every chart (${scheme})`, async () => {
			const {page, errors, requests} = await openFile(browser, file, scheme);
			expect(errors).toEqual([]);
			expect(requests).toEqual([]);
			expect(await page.evaluate(() => (window as unknown as {hacked?: boolean}).hacked)).toBeUndefined();
			const charts = await chartInk(page);
			expect(charts.map(c => c.id)).toEqual(['chart-flow', 'chart-latency', 'chart-histogram']);
			for (const chart of charts) {
				expect(chart.width, chart.id).toBeGreaterThan(300);
				expect(chart.height, chart.id).toBeGreaterThan(100);
				expect(chart.inked, chart.id).toBeGreaterThan(50);
			}

			const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
			expect(background).toBe(scheme === 'dark' ? 'rgb(22, 24, 28)' : 'rgb(255, 255, 255)');
			await page.close();
		});
	}

	it('names its time simulated; a broker\'s or an SMPP run\'s page names it real', async () => {
		const legendOf = async (html: string, name: string) => {
			const path = join(dir, name);
			writeFileSync(path, html);
			const {page, errors} = await openFile(browser, path);
			expect(errors).toEqual([]);
			const legend = await page.locator('#chart-flow .u-legend').textContent();
			await page.close();
			return legend!;
		};

		expect(await legendOf(renderHtml(data), 'simulated.html')).toContain('simulated s');
		const real = await legendOf(renderHtml({...data, summary: {...data.summary, smpp: 'smpp://alerts:****@host:2775'}}), 'smpp.html');
		expect(real).not.toContain('simulated');
		expect(real).toContain('sent/s');
	});

	it("shows the summary's figures and names the crossed rule", async () => {
		const {page} = await openFile(browser, file);
		const field = (name: string) => page.locator(`[data-field="${name}"]`).textContent();
		const {summary} = data;
		expect(await field('sent')).toBe(formatCount(summary.sent));
		expect(await field('produced')).toBe(formatCount(summary.produced));
		expect(await field('failed')).toMatch(new RegExp(`^${formatCount(summary.failed)} `));
		expect(await field('seed')).toBe(String(summary.seed));
		const embedded = await page.evaluate(() => JSON.parse(document.querySelector('#report-data')!.textContent!) as {summary: {sent: number; notes: string[]}});
		expect(embedded.summary.sent).toBe(summary.sent);
		expect(embedded.summary.notes.at(-1)).toContain('</script>');
		expect(summary.thresholds.find(t => t.expr === 'failed<1%')?.ok).toBe(false);
		expect(await page.locator('.thresholds .fail').textContent()).toContain('✗ crossed failed<1%');
		expect(await page.locator('#outcome').getAttribute('class')).toContain('fail');
		await page.close();
	});

	it('sorts the sender table on a click, then the other way on a second', async () => {
		const {page} = await openFile(browser, file);
		const sentColumn = () => page.$$eval('#senders tbody tr', rows => rows.map(r => Number(r.children[4]!.getAttribute('data-v'))));
		const before = await sentColumn();
		await page.click('#senders th[data-col="4"]');
		const ascending = await sentColumn();
		expect(ascending).toEqual([...before].sort((a, b) => a - b));
		await page.click('#senders th[data-col="4"]');
		expect(await sentColumn()).toEqual([...before].sort((a, b) => b - a));
		expect(await page.getAttribute('#senders th[data-col="4"]', 'aria-sort')).toBe('descending');
		await page.close();
	});

	it('fits A4 when printed', async () => {
		const {page} = await openFile(browser, file);
		const pdf = await page.pdf({format: 'A4'});
		expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
		const widths = await page.evaluate(() => (window as unknown as {smsDashCharts: Array<{u: {width: number}}>}).smsDashCharts.map(c => c.u.width));
		// The charts came back to the screen's width after printing.
		for (const width of widths) expect(width).toBeGreaterThan(640);
		await page.close();
	});
});

describe('a size report', () => {
	const file = join(dir, 'size.html');
	writeFileSync(file, renderHtml(sizeReport));

	it('draws completion time against senders, with the deadline and the answer', async () => {
		const {page, errors, requests} = await openFile(browser, file);
		expect(errors).toEqual([]);
		expect(requests).toEqual([]);
		const charts = await chartInk(page);
		expect(charts).toHaveLength(1);
		expect(charts[0]!.inked).toBeGreaterThan(50);
		const labels = await page.evaluate(() => (window as unknown as {smsDashCharts: Array<{series: Array<{label: string}>}>}).smsDashCharts[0]!.series.map(s => s.label));
		expect(labels).toEqual(['p50 completion', 'p95 completion', 'deadline', 'answer']);
		expect(await page.locator('#outcome').textContent()).toBe('Answer: 12 senders.');
		const senders = await page.$$eval('#tried tbody tr', rows => rows.map(r => r.children[0]!.textContent));
		expect(senders).toEqual(['1', '8', '10', '12', '16']);
		const verdicts = await page.$$eval('#tried tbody tr', rows => rows.map(r => r.children[4]!.textContent));
		expect(verdicts).toEqual(['too few', 'too few', 'too few', 'enough', 'enough']);
		await page.close();
	});
});
