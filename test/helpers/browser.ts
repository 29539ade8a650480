/// <reference lib="dom" />
// A real headless Chromium for the --html tests, driven by playwright-core. Debian's
// `chromium` package is what CI installs (.ci/run); a machine without it fails the tests
// with a line saying so: they are never skipped.
import {existsSync} from 'node:fs';
import {pathToFileURL} from 'node:url';
import {chromium, type Browser, type Page} from 'playwright-core';

const candidates = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export async function launchBrowser(): Promise<Browser> {
	const executablePath = candidates.find(path => path !== undefined && path !== '' && existsSync(path));
	if (executablePath === undefined) {
		throw new Error('the --html tests need Chromium: apt-get install chromium (or set CHROMIUM_PATH)');
	}

	return chromium.launch({executablePath, args: ['--no-sandbox', '--disable-gpu']});
}

/** What a page did while it loaded: its errors and every request it made. */
export interface PageVisit {
	page: Page;
	errors: string[];
	requests: string[];
}

/** Opens a file from disk as a user would, recording errors and requests. */
export async function openFile(browser: Browser, path: string, colorScheme: 'light' | 'dark' = 'light'): Promise<PageVisit> {
	const page = await browser.newPage({viewport: {width: 1100, height: 900}, colorScheme});
	const errors: string[] = [];
	const requests: string[] = [];
	page.on('console', message => {
		if (message.type() === 'error') errors.push(message.text());
	});
	page.on('pageerror', error => errors.push(error.message));
	page.on('request', request => requests.push(request.url()));
	const url = pathToFileURL(path).href;
	await page.goto(url, {waitUntil: 'load'});
	return {page, errors, requests: requests.filter(r => r !== url)};
}

/** Per chart: its canvas size and how many pixels have its first series' colour. */
export async function chartInk(page: Page): Promise<Array<{id: string; width: number; height: number; inked: number}>> {
	return page.evaluate(() => {
		const parse = (css: string): [number, number, number] => {
			const probe = document.createElement('canvas').getContext('2d')!;
			probe.fillStyle = css;
			const hex = probe.fillStyle;
			return [Number.parseInt(hex.slice(1, 3), 16), Number.parseInt(hex.slice(3, 5), 16), Number.parseInt(hex.slice(5, 7), 16)];
		};

		const charts = (window as unknown as {smsDashCharts: Array<{id: string; series: Array<{stroke: string}>}>}).smsDashCharts;
		return charts.map(chart => {
			const canvas = document.querySelector<HTMLCanvasElement>(`#${chart.id} canvas`)!;
			const {data} = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
			const [r, g, b] = parse(chart.series[0]!.stroke);
			let inked = 0;
			for (let i = 0; i < data.length; i += 4) {
				if (data[i + 3]! > 200 && Math.abs(data[i]! - r) < 24 && Math.abs(data[i + 1]! - g) < 24 && Math.abs(data[i + 2]! - b) < 24) inked++;
			}

			return {id: chart.id, width: canvas.width, height: canvas.height, inked};
		});
	});
}
