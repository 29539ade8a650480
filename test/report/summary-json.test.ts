import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {createEngine} from '../../source/engine/engine.js';
import type {SenderSpec} from '../../source/engine/types.js';
import {buildSummary, reportJson, writeReport, writeWhole, type Summary} from '../../source/report.js';
import {embeddedJson, htmlPieces, type RunReportData} from '../../source/report/html.js';
import {reportPieces, summaryLinePieces} from '../../source/report/summary-json.js';
import {parseThreshold} from '../../source/thresholds.js';
import {testSettings} from '../helpers/settings.js';

/** The --report text as it was made whole: the reference the pieces are held to. */
function reportAsBefore(summary: Summary): string {
	const text = JSON.stringify({...summary, senders: []}, null, 2);
	const list = summary.senders.length === 0 ? '[]' : `[\n${summary.senders.map(s => `    ${JSON.stringify(s)}`).join(',\n')}\n  ]`;
	return text.replace('\n  "senders": [],\n', () => `\n  "senders": ${list},\n`) + '\n';
}

const plain: SenderSpec = {meanMs: 100, failureRate: 0.1, distribution: 'gamma'};
const resting: SenderSpec = {meanMs: 40, failureRate: 0.3, distribution: 'constant', spreadMs: 5, failoverMs: 200, window: 2, rate: 20, price: 0.01};

/** 10,000 senders of two kinds (one of each removed), every kind of field in the JSON. */
function bigSummary(): Summary {
	const senders = [...Array.from({length: 6000}, () => plain), ...Array.from({length: 4000}, () => resting)];
	const settings = testSettings({
		messages: 30_000,
		senders,
		retries: 1,
		seed: 11,
		exitOnDone: true,
		thresholds: ['p95<250ms'].map(expr => parseThreshold(expr)),
		// Before `senders` in the summary: a string holding the text the pieces are cut at.
		smpp: 'smpp://user:****@host:2775/"senders":[]',
	});
	const engine = createEngine(settings);
	engine.runUntil(300);
	engine.removeSender(3);
	engine.removeSender(9000);
	engine.runUntil(Infinity);
	// Text that looks like the key the pieces are cut at, where a string may hold it.
	const notes = ['"senders":[] and "senders": [],\n in a note </script> \u2028'];
	return buildSummary({engine, settings, wallElapsedMs: 12, speed: Infinity, notes});
}

describe('the summary in pieces', () => {
	const summary = bigSummary();

	it('has 10,000 senders, removed ones and optional keys among them, and the cut\'s text before them', () => {
		const text = JSON.stringify(summary);
		expect(text.indexOf('/\\"senders\\":[]"')).toBeGreaterThan(0);
		expect(text.indexOf('/\\"senders\\":[]"')).toBeLessThan(text.indexOf('"senders":[{'));
		expect(summary.senders).toHaveLength(10_000);
		expect(summary.senders.filter(s => s.removed)).toHaveLength(2);
		expect(summary.senders.filter(s => s.failoverMs === 200)).toHaveLength(4000);
	});

	it('the --json line is JSON.stringify of the whole, then a line break, and no piece holds more than a batch of senders', () => {
		const pieces = [...summaryLinePieces(summary)];
		expect(pieces.join('')).toBe(JSON.stringify(summary) + '\n');
		expect(Math.max(...pieces.map(piece => piece.length))).toBeLessThan(JSON.stringify(summary).length / 5);
		// Under V8's large-object size, so a young collection frees a piece once written.
		expect(Math.max(...pieces.map(piece => piece.length))).toBeLessThan(128 * 1024);
	});

	it('the --report text is what it was when made whole', () => {
		const pieces = [...reportPieces(summary)];
		expect(pieces.join('')).toBe(reportAsBefore(summary));
		expect(reportJson(summary)).toBe(reportAsBefore(summary));
		expect(Math.max(...pieces.map(piece => piece.length))).toBeLessThan(reportAsBefore(summary).length / 5);
	});

	it.each([0, 1, 199, 200, 201, 2500])('is the same with %i senders (a batch is 200)', count => {
		const some: Summary = {...summary, senders: summary.senders.slice(0, count)};
		expect([...summaryLinePieces(some)].join('')).toBe(JSON.stringify(some) + '\n');
		expect([...reportPieces(some)].join('')).toBe(reportAsBefore(some));
	});
});

describe('the --html page in pieces', () => {
	const summary = bigSummary();
	const data: RunReportData = {kind: 'run', summary, series: [], histogram: [[10, 1]]};
	const pieces = [...htmlPieces(data)];
	const page = pieces.join('');

	it('embeds the data as one JSON.stringify of it, escaped for its <script>', () => {
		const start = page.indexOf('id="report-data">') + 'id="report-data">'.length;
		expect(page.slice(start, page.indexOf('</script>', start))).toBe(embeddedJson(data));
		expect(embeddedJson(data)).toContain('\\u003c/script>');
	});

	it('has a row for every sender, in order, and no piece holds them all', () => {
		const rows = page.slice(page.indexOf('<tbody>\n') + 8, page.indexOf('\n</tbody>')).split('\n');
		expect(rows).toHaveLength(10_000);
		expect(rows.map(row => /^<tr><td data-v="(\d+)">/.exec(row)?.[1])).toStrictEqual(summary.senders.map(s => String(s.id)));
		expect(Math.max(...pieces.map(piece => piece.length))).toBeLessThan(page.length / 5);
	});
});

describe('a file written in pieces', () => {
	const path = join(tmpdir(), `sms-dash-pieces-${process.pid}.json`);

	it('is the --report text, whole', () => {
		const summary = bigSummary();
		writeReport(path, summary);
		expect(readFileSync(path, 'utf8')).toBe(reportAsBefore(summary));
	});

	it('is removed when a piece fails, and the error is thrown', () => {
		writeFileSync(path, 'an older report');
		function* failing() {
			yield 'the first piece';
			throw new Error('no space left on the device');
		}

		expect(() => writeWhole(path, failing())).toThrow('no space left');
		expect(existsSync(path)).toBe(false);
	});
});
