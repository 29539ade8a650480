/// <reference lib="dom" />
// --html through the built CLI, opened in headless Chromium: a headless run (a threshold
// crossed), a `size`, and a run stopped by SIGINT. Each page loads with no error and no
// request, draws every chart and shows the `--json` output's numbers.
// UPDATE_SCREENSHOT=1 also writes docs/report.png, the README's picture of a report.
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Browser, Page} from 'playwright-core';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {formatClock, formatCount, formatMs, formatPercent, formatRate} from '../../source/format.js';
import {chartInk, launchBrowser, openFile} from '../helpers/browser.js';
import {interruptAfterLines, jsonLines, root, runCli, tempDir, type CliResult} from '../helpers/run-cli.js';

const dir = tempDir();
const runArgs = ['--headless', '--json', '--speed', 'max', '--seed', '1', '-m', '20000', '-s', '4', '--sender', 'mean=40ms,failure-rate=0.3', '--retries', '1'];
const runThresholds = ['--threshold', 'p95<1s', '--threshold', 'failed<1%'];
const sizeArgs = ['size', '-m', '2000', '--within', '30s', '--runs', '3', '--json'];

let browser: Browser;
let run: CliResult;
let size: CliResult;
beforeAll(async () => {
	[browser, run, size] = await Promise.all([
		launchBrowser(),
		runCli([...runArgs, ...runThresholds, '--html', join(dir, 'run.html')]),
		runCli([...sizeArgs, '--html', join(dir, 'size.html')]),
	]);
}, 60_000);

afterAll(async () => {
	await browser?.close();
});

/** The page's own data, as embedded. */
async function embedded(page: Page): Promise<Record<string, any>> {
	return page.evaluate(() => JSON.parse(document.querySelector('#report-data')!.textContent!) as Record<string, any>);
}

async function expectChartsDrawn(page: Page, ids: string[]): Promise<void> {
	const charts = await chartInk(page);
	expect(charts.map(c => c.id)).toEqual(ids);
	for (const chart of charts) {
		expect(chart.width, chart.id).toBeGreaterThan(300);
		expect(chart.height, chart.id).toBeGreaterThan(100);
		expect(chart.inked, chart.id).toBeGreaterThan(50);
	}
}

describe('sms-dash --headless … --html', () => {
	it('ends as without it (exit 3, a rule crossed) and writes a page that loads offline with every chart drawn', async () => {
		expect(run.stderr).toBe('');
		expect(run.code).toBe(3);
		const {page, errors, requests} = await openFile(browser, join(dir, 'run.html'));
		expect(errors).toEqual([]);
		expect(requests).toEqual([]);
		await expectChartsDrawn(page, ['chart-flow', 'chart-latency', 'chart-histogram']);
		if (process.env['UPDATE_SCREENSHOT'] === '1') {
			await page.setViewportSize({width: 1000, height: 1180});
			await page.screenshot({path: join(root, 'docs', 'report.png')});
		}

		await page.close();
	});

	it("shows the --json summary's numbers, and embeds that summary whole", async () => {
		const summary = jsonLines(run.stdout).at(-1)!;
		expect(summary['type']).toBe('summary');
		const {page} = await openFile(browser, join(dir, 'run.html'));
		const field = async (name: string) => page.locator(`[data-field="${name}"]`).textContent();
		const ms = (value: number | null) => (value === null ? '–' : formatMs(value));
		expect(await field('produced')).toBe(formatCount(summary['produced']));
		expect(await field('sent')).toBe(formatCount(summary['sent']));
		expect(await field('failed')).toBe(`${formatCount(summary['failed'])} (${formatPercent(summary['failed'], summary['sent'] + summary['failed'])})`);
		expect(await field('attempts')).toBe(formatCount(summary['attempts']));
		for (const key of ['avgTimeMs', 'p50Ms', 'p95Ms', 'p99Ms']) expect(await field(key), key).toBe(ms(summary[key]));
		expect(await field('throughput')).toBe(formatRate(summary['throughput']));
		expect(await field('simElapsedMs')).toBe(formatClock(summary['simElapsedMs']));
		expect(await field('seed')).toBe('1');
		expect((await embedded(page))['summary']).toEqual(summary);
		expect(await page.locator('#outcome').getAttribute('class')).toContain('fail');
		expect(await page.locator('.thresholds .fail').textContent()).toContain('✗ crossed failed<1%');
		expect(await page.locator('.thresholds .pass').textContent()).toContain('✓ passed p95<1s');
		const rows = await page.$$eval('#senders tbody tr', trs => trs.map(tr => tr.children[4]!.getAttribute('data-v')));
		expect(rows).toEqual((summary['senders'] as Array<{sent: number}>).map(s => String(s.sent)));
		await page.close();
	});

	it('sorts the sender table on a click', async () => {
		const {page} = await openFile(browser, join(dir, 'run.html'));
		const means = () => page.$$eval('#senders tbody tr', trs => trs.map(tr => Number(tr.children[2]!.getAttribute('data-v'))));
		const before = await means();
		expect(new Set(before).size).toBeGreaterThan(1);
		await page.click('#senders th[data-col="2"]');
		expect(await means()).toEqual([...before].sort((a, b) => a - b));
		await page.close();
	});

	it('records the series at every reading: one point a simulated interval, up to the end', async () => {
		const {page} = await openFile(browser, join(dir, 'run.html'));
		const data = await embedded(page);
		const summary = jsonLines(run.stdout).at(-1)!;
		const series = data['series'] as Array<{simMs: number; sent: number; failed: number}>;
		expect(series.length).toBe(Math.ceil(summary['simElapsedMs'] / 1000));
		expect(series.at(-1)).toMatchObject({sent: summary['sent'], failed: summary['failed']});
		await page.close();
	});
});

describe('sms-dash size … --html', () => {
	it('writes the size page: the --json answer, its chart drawn, the counts tried sortable', async () => {
		expect(size.stderr).toBe('');
		expect(size.code).toBe(0);
		const answer = JSON.parse(size.stdout) as {senders: number; tried: Array<{senders: number}>};
		const {page, errors, requests} = await openFile(browser, join(dir, 'size.html'));
		expect(errors).toEqual([]);
		expect(requests).toEqual([]);
		await expectChartsDrawn(page, ['chart-size']);
		expect(await page.locator('#outcome').textContent()).toBe(`Answer: ${formatCount(answer.senders)} senders.`);
		const {type, ...rest} = answer as {type?: string};
		expect(type).toBe('size');
		expect((await embedded(page))['size']).toEqual({type, ...rest});
		const column = () => page.$$eval('#tried tbody tr', trs => trs.map(tr => Number(tr.children[0]!.getAttribute('data-v'))));
		const ascending = answer.tried.map(t => t.senders).sort((a, b) => a - b);
		expect(await column()).toEqual(ascending);
		await page.click('#tried th[data-col="0"]');
		await page.click('#tried th[data-col="0"]');
		expect(await column()).toEqual([...ascending].reverse());
		await page.close();
	});
});

describe('--html when the run is cut short', () => {
	it('is written on SIGINT too, saying so, with the summary printed', async () => {
		const file = join(dir, 'stopped.html');
		const result = await runCli(['--headless', '--json', '--speed', '1', '-m', '100000', '--seed', '3', '--html', file], {onStart: interruptAfterLines(2)});
		expect(result.code).toBe(130);
		expect(existsSync(file)).toBe(true);
		const summary = jsonLines(result.stdout).at(-1)!;
		expect(summary).toMatchObject({type: 'summary', interrupted: true});
		const {page, errors} = await openFile(browser, file);
		expect(errors).toEqual([]);
		expect((await embedded(page))['summary']).toEqual(summary);
		expect(await page.locator('#outcome').textContent()).toMatch(/^Interrupted after /);
		await page.close();
	});

	it.each([
		['--report', (html: string) => ['--report', html]],
		['--log', (html: string) => ['--log', html]],
	])('naming the same file as %s is refused before the run: one line, exit 2', async (flag, other) => {
		const file = join(dir, 'same.html');
		const result = await runCli(['--headless', '-m', '10', ...other(file), '--html', file]);
		expect(result.code).toBe(2);
		expect(result.stderr).toBe(`sms-dash: --html and ${flag} name the same file "${file}": --html would overwrite what ${flag} writes\n`);
		expect(existsSync(file)).toBe(false);
	});

	it('a page is small: it holds uPlot, its licence notice and the data', () => {
		const text = readFileSync(join(dir, 'run.html'), 'utf8');
		expect(text).toMatch(/uPlot \d+\.\d+\.\d+ \(https:\/\/github.com\/leeoniya\/uPlot\)\nThe MIT License/);
		expect(text.length).toBeLessThan(400_000);
	});
});
