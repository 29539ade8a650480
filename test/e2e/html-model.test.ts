/// <reference lib="dom" />
// --html with the delivery model, in a real headless Chromium: a run with a gateway cap
// and receipts (--gateway-rate, --delivery) written the way the command writes it
// (createRun with createRunHtml), whose page adds segments/throttled and the reach curve.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Browser, Page} from 'playwright-core';
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {formatCost, formatCount, formatMs} from '../../source/format.js';
import type {Summary} from '../../source/report.js';
import {createRunHtml} from '../../source/report/html.js';
import {createRun} from '../../source/runs/in-process.js';
import type {Settings} from '../../source/settings.js';
import {chartInk, launchBrowser, openFile} from '../helpers/browser.js';
import {makeSettings} from '../helpers/render-dash.js';
import {tempDir} from '../helpers/run-cli.js';

const dir = tempDir();
const gatewayRate = 150;

/** Runs `settings` to its end on fake timers, as the command does with --html; its summary. */
async function runToEnd(settings: Settings): Promise<Summary> {
	vi.useFakeTimers();
	try {
		let isDone = false;
		const run = createRun(settings, {html: createRunHtml, onDone: () => (isDone = true)});
		run.driver.start();
		for (let turns = 0; !isDone; turns++) {
			if (turns > 10_000) throw new Error('the run did not finish');
			await vi.advanceTimersByTimeAsync(50);
		}

		const summary = run.finish();
		expect(run.writeErrors).toEqual([]);
		return summary;
	} finally {
		vi.useRealTimers();
	}
}

const modelSettings: Settings = {
	...makeSettings({messages: 3000, senders: 4, spec: {meanMs: 40, failureRate: 0.05, distribution: 'gamma', window: 4, price: 0.0075}, retries: 2, seed: 7, speed: Number.POSITIVE_INFINITY}),
	headless: true,
	json: true,
	gatewayRate,
	invalid: 0.01,
	delivery: {meanMs: 8000, distribution: 'lognormal', undelivered: 0.02},
	htmlPath: join(dir, 'model.html'),
};

let browser: Browser;
let summary: Summary;
beforeAll(async () => {
	[browser, summary] = await Promise.all([launchBrowser(), runToEnd(modelSettings)]);
}, 60_000);

afterAll(async () => {
	await browser?.close();
});

async function embedded(page: Page): Promise<Record<string, any>> {
	return page.evaluate(() => JSON.parse(document.querySelector('#report-data')!.textContent!) as Record<string, any>);
}

async function chartLabels(page: Page, id: string): Promise<string[]> {
	return page.evaluate(
		chartId => (window as unknown as {smsDashCharts: Array<{id: string; series: Array<{label: string}>}>}).smsDashCharts.find(c => c.id === chartId)!.series.map(s => s.label),
		id,
	);
}

describe('--html of a run with --gateway-rate and --delivery', () => {
	for (const scheme of ['light', 'dark'] as const) {
		it(`adds the segments and reach charts, each drawn, with no error or request (${scheme})`, async () => {
			const {page, errors, requests} = await openFile(browser, modelSettings.htmlPath!, scheme);
			expect(errors).toEqual([]);
			expect(requests).toEqual([]);
			const charts = await chartInk(page);
			expect(charts.map(c => c.id)).toEqual(['chart-flow', 'chart-latency', 'chart-histogram', 'chart-segments', 'chart-reach']);
			for (const chart of charts) {
				expect(chart.width, chart.id).toBeGreaterThan(300);
				expect(chart.height, chart.id).toBeGreaterThan(100);
				expect(chart.inked, chart.id).toBeGreaterThan(50);
			}

			expect(await chartLabels(page, 'chart-flow')).toEqual(['sent/s', 'failed/s', 'delivered/s', 'queued', 'in flight']);
			expect(await chartLabels(page, 'chart-segments')).toEqual(['segments/s', 'gateway cap', 'throttled/s']);
			expect(await chartLabels(page, 'chart-reach')).toEqual(['reached %', '95 %', 'reach p95']);
			await page.close();
		});
	}

	it('the run was held by the cap: throttled submits, segments/s never far above it', async () => {
		expect(summary.throttled).toBeGreaterThan(0);
		expect(summary.gatewayRate).toBe(gatewayRate);
		const {page} = await openFile(browser, modelSettings.htmlPath!);
		const series = (await embedded(page))['series'] as Array<{simMs: number; segments: number; throttled: number; delivered: number}>;
		expect(series.at(-1)).toMatchObject({segments: summary.segments, throttled: summary.throttled, delivered: summary.delivered});
		// The bucket holds one second's worth: an interval takes at most the cap plus that.
		const rates = series.map((p, i) => p.segments - (i === 0 ? 0 : series[i - 1]!.segments));
		expect(Math.max(...rates)).toBeLessThanOrEqual(2 * gatewayRate);
		expect(rates.filter(r => r >= gatewayRate * 0.9).length).toBeGreaterThan(5);
		await page.close();
	});

	it("shows the model's headline figures as the summary has them", async () => {
		const {page} = await openFile(browser, modelSettings.htmlPath!);
		const field = async (name: string) => page.locator(`[data-field="${name}"]`).textContent();
		const asked = summary.produced + summary.pending;
		expect(summary.reachP95Ms).not.toBeNull();
		expect(await field('reachP95Ms')).toBe(formatMs(summary.reachP95Ms!));
		expect(await field('delivered')).toMatch(new RegExp(`^${formatCount(summary.delivered!)} \\(`));
		expect(summary.delivered! / asked).toBeGreaterThan(0.9);
		expect(await field('cost')).toBe(formatCost(summary.cost));
		expect(summary.failedBy.invalid).toBeGreaterThan(0);
		expect(await field('invalid')).toBe(formatCount(summary.failedBy.invalid));
		expect(await field('segments')).toBe(`${formatCount(summary.segments)} (cap ${gatewayRate}/s)`);
		expect(await field('throttled')).toBe(formatCount(summary.throttled));
		await page.close();
	});

	it('draws the reach curve from every message reached, as a share of all asked for, with the p95 on the 95 % line', async () => {
		const {page} = await openFile(browser, modelSettings.htmlPath!);
		const data = await embedded(page);
		const reach = data['reach'] as Array<[number, number]>;
		expect(reach.reduce((sum, [, count]) => sum + count, 0)).toBe(summary.delivered);
		const curve = await page.evaluate(() => {
			const chart = (window as unknown as {smsDashCharts: Array<{id: string; u: {data: Array<Array<number | null>>}}>}).smsDashCharts.find(c => c.id === 'chart-reach')!;
			return chart.u.data;
		});
		const [x, share, line95, mark] = curve as [number[], Array<number | null>, number[], Array<number | null>];
		const shares = share.filter((v): v is number => v !== null);
		for (let i = 1; i < shares.length; i++) expect(shares[i]!).toBeGreaterThanOrEqual(shares[i - 1]!);
		expect(shares.at(-1)).toBeCloseTo((summary.delivered! * 100) / (summary.produced + summary.pending), 6);
		expect(new Set(line95)).toEqual(new Set([95]));
		const marked = mark.flatMap((v, i) => (v === null ? [] : [x[i]]));
		expect(marked).toEqual([summary.reachP95Ms! / 1000]);
		for (let i = 1; i < x.length; i++) expect(x[i]!).toBeGreaterThan(x[i - 1]!);
		await page.close();
	});

	it('adds the model\'s columns that tell something to the sender table, still sortable', async () => {
		const {page} = await openFile(browser, modelSettings.htmlPath!);
		const heads = await page.$$eval('#senders th', ths => ths.map(th => th.textContent));
		// No sender has a rate cap: no column for it.
		expect(heads.slice(10)).toEqual(['window', 'price', 'segments', 'throttled', 'state']);
		const windows = await page.$$eval('#senders tbody tr', trs => trs.map(tr => tr.children[10]!.textContent));
		expect(windows).toEqual(['4', '4', '4', '4']);
		const segments = () => page.$$eval('#senders tbody tr', trs => trs.map(tr => Number(tr.children[12]!.getAttribute('data-v'))));
		const before = await segments();
		expect(before.reduce((a, b) => a + b, 0)).toBe(summary.segments);
		await page.click('#senders th[data-col="12"]');
		expect(await segments()).toEqual([...before].sort((a, b) => a - b));
		await page.close();
	});

	it('stays small', () => {
		expect(readFileSync(modelSettings.htmlPath!, 'utf8').length).toBeLessThan(400_000);
	});
});
