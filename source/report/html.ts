// --html: one self-contained page per run or `size`, readable offline and fit to attach
// to a ticket. Figures are written into the page as text; charts are drawn in the page by
// uPlot (MIT, inlined with its notice) from the data embedded as JSON. No request leaves it.
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import type {Histogram} from '../engine/histogram.js';
import {formatClock, formatCost, formatCount, formatMs, formatPercent, formatRate} from '../format.js';
import {actualWords, isRealTime, isUnfinishedRun, usesDeliveryModel, type SenderSummary, type Summary} from '../report.js';
import type {RunHtml} from '../runs/in-process.js';
import {pageScript, pageStyle} from './html-page.js';
import {senderCount} from './sender-runs.js';
import {senderRows, type SenderRows} from './sender-summaries.js';
import {SeriesRecorder, type ModelSeries, type SeriesPoint} from './series.js';
import {summaryJsonPieces} from './summary-json.js';

/** What a run's page shows: the --report summary plus the series behind the charts. */
export interface RunReportData {
	kind: 'run';
	summary: Summary;
	series: SeriesPoint[];
	/** Time per message over the whole run: [upper bound ms, count] per bin. */
	histogram: Array<[number, number]>;
	/**
	 * With the delivery model: time from being asked for to reach (delivery, or acceptance
	 * without receipts) of every message reached, [upper bound ms, count] per bin.
	 */
	reach?: Array<[number, number]>;
	/**
	 * With the delivery model, when the run ended in a quiet stretch longer than all before
	 * it (receipts awaited until the validity): the charts over time end here.
	 */
	activeUntilMs?: number;
}

/** What a `size` page shows: the `size --json` object. */
export interface SizeReportData {
	kind: 'size';
	size: {
		senders: number | null;
		confidence: number;
		runs: number;
		messages: number;
		withinMs: number;
		tried: Array<{senders: number; p50Ms: number; p95Ms: number; okRuns: number}>;
		/** Why no count of senders can meet the goal (then none was tried), as `size` says it. */
		why?: string;
	};
}

export type ReportData = RunReportData | SizeReportData;

/**
 * A run's --html: takes every monitor reading (O(1) each), renders the page at the end;
 * `histogram` is its time per message and `reach` its reach times (Simulation.timeHistogram,
 * Simulation.reachHistogram; the latter drawn only when the run used the delivery model).
 */
export function createRunHtml(histogram: Histogram, reach?: Histogram): RunHtml {
	const series = new SeriesRecorder(histogram);
	return {
		record: progress => series.record(progress),
		render(summary) {
			const model = modelSeriesOf(summary);
			const data: RunReportData = {kind: 'run', summary, series: series.points(model), histogram: histogram.bins()};
			if (model !== undefined && reach !== undefined) data.reach = reach.bins(reachBins);
			const activeUntilMs = series.activeUntilMs;
			if (model !== undefined && activeUntilMs > 0 && summary.simElapsedMs > 2 * activeUntilMs) data.activeUntilMs = activeUntilMs;
			return htmlPieces(data);
		},
	};
}

/** Bins of the reach curve: fine enough for a smooth line, a few KB in the page. */
export const reachBins = 200;

/**
 * The model's series a run's page carries: undefined when the run used no key of the
 * delivery model (its page is as it always was), else with `delivered` when it had receipts.
 */
export function modelSeriesOf(summary: Summary): ModelSeries | undefined {
	return usesDeliveryModel(summary) ? {receipts: summary.delivered !== null} : undefined;
}

let assets: {script: string; style: string; notice: string} | undefined;

/** uPlot's script, style and licence, read once from the installed package. */
function uplotAssets(): NonNullable<typeof assets> {
	if (assets !== undefined) return assets;
	const require = createRequire(import.meta.url);
	// Resolved by name, so the package test sees uplot among what dist/ loads at run time.
	const root = dirname(require.resolve('uplot/package.json'));
	const read = (file: string) => readFileSync(join(root, file), 'utf8');
	const version = (JSON.parse(read('package.json')) as {version: string}).version;
	assets = {
		script: read('dist/uPlot.iife.min.js'),
		style: read('dist/uPlot.min.css'),
		notice: `uPlot ${version} (https://github.com/leeoniya/uPlot)\n${read('LICENSE')}`,
	};
	return assets;
}

/** Text for HTML: every character that could open markup or an entity escaped. */
export function escapeHtml(text: string): string {
	return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/**
 * JSON that no string inside it can turn into the end of its <script> element; `isJson`:
 * `value` is JSON text already, or a piece of it (each character is escaped on its own).
 */
export function embeddedJson(value: unknown, isJson = false): string {
	const json = isJson ? (value as string) : JSON.stringify(value);
	// Most reports hold none of these: then the text is used as it is, not copied.
	if (!/[<\u2028\u2029]/.test(json)) return json;
	return json.replaceAll('<', '\\u003c').replaceAll('\u2028', '\\u2028').replaceAll('\u2029', '\\u2029');
}

/** The whole page: one string, nothing to fetch. */
export function renderHtml(data: ReportData): string {
	return [...htmlPieces(data)].join('');
}

/**
 * The page in pieces written one after another: a run's senders (its table and its data)
 * come a batch at a time, so no one string holds 100,000 of them.
 */
export function* htmlPieces(data: ReportData): Generator<string> {
	const {script, style, notice} = uplotAssets();
	const title = data.kind === 'run' ? `sms-dash run, seed ${data.summary.seed}` : `sms-dash size, ${formatCount(data.size.messages)} messages`;
	yield `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
<style>${pageStyle}</style>
</head>
<body>
`;
	if (data.kind === 'run') yield* runBody(data);
	else yield sizeBody(data);
	yield `
<footer>Made by sms-dash. Charts drawn with uPlot; its licence follows in this file.</footer>
<script type="application/json" id="report-data">`;
	if (data.kind === 'run') {
		// JSON.stringify(data), its summary's senders a batch at a time.
		const text = JSON.stringify({...data, summary: 0});
		const at = text.indexOf('"summary":0') + '"summary":'.length;
		yield embeddedJson(text.slice(0, at), true);
		for (const piece of summaryJsonPieces(data.summary)) yield embeddedJson(piece, true);
		yield embeddedJson(text.slice(at + 1), true);
	} else {
		yield embeddedJson(data);
	}

	yield `</script>
<!--
${escapeHtml(notice).replaceAll('--', '- -')}
-->
<script>${script}</script>
<script>${pageScript}</script>
</body>
</html>
`;
}

function figure(label: string, value: string, field?: string): string {
	return `<div class="figure"><span class="label">${escapeHtml(label)}</span><span class="value"${field === undefined ? '' : ` data-field="${field}"`}>${escapeHtml(value)}</span></div>`;
}

const ms = (value: number | null) => (value === null ? '–' : formatMs(value));

function outcomeWords(summary: Summary): string {
	const finished = summary.sent + summary.failed;
	const crossed = summary.thresholds.filter(t => !t.ok).length;
	const clock = `${formatClock(summary.simElapsedMs)}${isRealTime(summary) ? '' : ' simulated'}`;
	const how = summary.interrupted
		? `Interrupted after ${clock}: ${formatCount(finished)} of ${formatCount(summary.produced + summary.pending)} messages finished.`
		: `Finished: ${formatCount(finished)} messages in ${clock}.`;
	const rules =
		summary.thresholds.length === 0 ? '' : crossed === 0 ? ' Every threshold passed.' : ` ${crossed} of ${summary.thresholds.length} thresholds crossed.`;
	return how + rules;
}

/** The delivery model's figures: segments, throttled, delivered, reach p95, cost, invalid numbers. */
function modelFigures(summary: Summary): string {
	const asked = summary.produced + summary.pending;
	const gateway = summary.gatewayRate === null ? '' : ` (cap ${formatCount(summary.gatewayRate)}/s)`;
	return [
		figure('segments accepted', formatCount(summary.segments) + gateway, 'segments'),
		figure('throttled', formatCount(summary.throttled), 'throttled'),
		summary.delivered === null ? '' : figure('delivered', `${formatCount(summary.delivered)} (${formatPercent(summary.delivered, asked)})`, 'delivered'),
		figure('reach p95', summary.reachP95Ms === null ? 'never' : formatMs(summary.reachP95Ms), 'reachP95Ms'),
		figure('cost', formatCost(summary.cost), 'cost'),
		figure('invalid numbers', formatCount(summary.failedBy.invalid), 'invalid'),
	]
		.filter(text => text !== '')
		.join('\n');
}

/** The delivery model's charts: segments and throttled per second, and the reach curve. */
function modelCharts(summary: Summary, hasReach: boolean): string {
	const reached = summary.delivered === null ? 'accepted by the gateway (no receipts asked for)' : 'delivered';
	const segments = `<section class="chart"><h2>Segments per second${summary.gatewayRate === null ? '' : ' against the gateway cap'}, and throttled submits</h2><div id="chart-segments" class="plot"></div></section>`;
	if (!hasReach) return segments;
	return `${segments}
<section class="chart"><h2>Reach: share of every message asked for reached, by time since it was asked for</h2><div id="chart-reach" class="plot"></div>
<p class="hint">Reached means ${reached}. Where the curve stays under 100 %, the rest never was.</p></section>`;
}

/** The model's sender columns that tell something in this run: [heading, cell] each. */
function modelColumns(senders: SenderRows): Array<[string, (s: SenderSummary) => string]> {
	let isWindowed = false;
	let isCapped = false;
	let isPriced = false;
	let isThrottled = false;
	for (let i = 0; i < senders.length; i++) {
		const s = senders.at(i)!;
		isWindowed ||= s.window > 1;
		isCapped ||= s.rate !== null;
		isPriced ||= s.price > 0;
		isThrottled ||= s.throttled > 0;
	}

	const columns: Array<[string, (s: SenderSummary) => string]> = [];
	// Plain numbers carry no data-v: the table sorts a cell by its text when that is a number.
	if (isWindowed) columns.push(['window', s => `<td>${s.window}</td>`]);
	if (isCapped) {
		columns.push(['rate cap', s => (s.rate === null ? '<td data-v="Infinity">none</td>' : `<td data-v="${s.rate}">${formatCount(s.rate)}/s</td>`)]);
	}

	if (isPriced) columns.push(['price', s => `<td>${s.price}</td>`]);
	columns.push(['segments', s => `<td data-v="${s.segments}">${formatCount(s.segments)}</td>`]);
	if (isThrottled) columns.push(['throttled', s => `<td data-v="${s.throttled}">${formatCount(s.throttled)}</td>`]);
	return columns;
}

/** A run's page body in pieces: its table of senders a batch of rows at a time. */
function* runBody({summary, reach, activeUntilMs}: RunReportData): Generator<string> {
	const model = modelSeriesOf(summary);
	const senders = senderRows(summary);
	const extra = model === undefined ? [] : modelColumns(senders);
	const finished = summary.sent + summary.failed;
	const isFailing = summary.interrupted || summary.thresholds.some(t => !t.ok);
	const thresholds = summary.thresholds
		.map(
			t =>
				`<li class="${t.ok ? 'pass' : 'fail'}"><span class="mark">${t.ok ? '✓ passed' : '✗ crossed'}</span> <code>${escapeHtml(t.expr)}</code> (${escapeHtml(actualWords(t, isUnfinishedRun(summary)))})</li>`,
		)
		.join('\n');
	const settings = summary.settings;
	const senderSpecs = senderCount(settings.senders);
	yield `<header>
<h1>sms-dash run</h1>
<p class="settings">${formatCount(settings.messages)} messages · ${formatCount(senderSpecs)} sender${senderSpecs === 1 ? '' : 's'} at the start · retries ${settings.retries} · interval ${formatMs(settings.intervalMs)} · seed <span data-field="seed">${summary.seed}</span></p>
<p class="outcome ${isFailing ? 'fail' : 'pass'}" id="outcome">${escapeHtml(outcomeWords(summary))}</p>
${thresholds === '' ? '' : `<ul class="thresholds">\n${thresholds}\n</ul>`}
</header>
<section class="figures">
${figure('produced', formatCount(summary.produced), 'produced')}
${figure('sent', formatCount(summary.sent), 'sent')}
${figure('failed', `${formatCount(summary.failed)} (${formatPercent(summary.failed, finished)})`, 'failed')}
${figure('attempts', formatCount(summary.attempts), 'attempts')}
${figure('avg time/msg', ms(summary.avgTimeMs), 'avgTimeMs')}
${figure('p50', ms(summary.p50Ms), 'p50Ms')}
${figure('p95', ms(summary.p95Ms), 'p95Ms')}
${figure('p99', ms(summary.p99Ms), 'p99Ms')}
${figure('throughput (whole run)', formatRate(summary.throughput ?? undefined), 'throughput')}
${figure(isRealTime(summary) ? 'time' : 'simulated time', formatClock(summary.simElapsedMs), 'simElapsedMs')}
${model === undefined ? '' : `${modelFigures(summary)}\n`}</section>
${activeUntilMs === undefined ? '' : `<p class="note" id="quiet-tail">The charts over time end at ${formatClock(activeUntilMs)}: after it nothing was sent, waiting or in flight until the run ended at ${formatClock(summary.simElapsedMs)}, when the last receipts were due or expired.</p>\n`}<section class="chart"><h2>Finished per second, queue and in flight</h2><div id="chart-flow" class="plot"></div></section>
<section class="chart"><h2>Time per message per interval (pickup to outcome)</h2><div id="chart-latency" class="plot"></div>
<p class="hint">Where the run is long, a point covers several intervals and shows the highest of their percentiles.</p></section>
<section class="chart"><h2>Time per message, whole run</h2><div id="chart-histogram" class="plot"></div></section>
${model === undefined ? '' : `${modelCharts(summary, reach !== undefined)}\n`}<section><h2>Senders</h2><p class="hint">Click a column to sort.</p>
<table id="senders" class="sortable"><thead><tr>${['#', 'distribution', 'mean', 'failure rate', 'sent', 'failed', 'attempts', 'avg', 'observed mean', 'p95', ...extra.map(([heading]) => heading), 'state']
		.map((h, i) => `<th data-col="${i}" tabindex="0">${h}</th>`)
		.join('')}</tr></thead>
<tbody>
`;
	const row = (s: SenderSummary) =>
		`<tr><td data-v="${s.id}">#${s.id}</td><td>${escapeHtml(s.distribution)}</td><td data-v="${s.meanMs}">${formatMs(s.meanMs)}</td><td data-v="${s.failureRate}">${s.failureRate}</td><td data-v="${s.sent}">${formatCount(s.sent)}</td><td data-v="${s.failed}">${formatCount(s.failed)}</td><td data-v="${s.attempts}">${formatCount(s.attempts)}</td><td data-v="${s.avgTimeMs ?? ''}">${ms(s.avgTimeMs)}</td><td data-v="${s.observedMeanMs ?? ''}">${ms(s.observedMeanMs)}</td><td data-v="${s.p95Ms ?? ''}">${ms(s.p95Ms)}</td>${extra.map(([, cell]) => cell(s)).join('')}<td>${s.removed ? 'removed' : 'running'}</td></tr>`;
	for (let start = 0; start < senders.length; start += rowsAPiece) {
		let piece = '';
		for (let i = start; i < Math.min(senders.length, start + rowsAPiece); i++) piece += (i === 0 ? '' : '\n') + row(senders.at(i)!);
		yield piece;
	}

	yield '\n</tbody></table></section>';
}

/** Rows of the senders' table a piece of the page. */
const rowsAPiece = 1000;

function sizeBody({size}: SizeReportData): string {
	const answer =
		size.senders !== null
			? `Answer: ${formatCount(size.senders)} senders.`
			: (size.why?.replaceAll(/\s+/g, ' ').trim() ?? 'No answer: even the most senders tried are not enough.');
	const tried = [...size.tried].sort((a, b) => a.senders - b.senders);
	// The rule `size` judges a count by: at least ⌈confidence × runs⌉ runs in time.
	const need = Math.ceil(size.confidence * size.runs - 1e-9);
	return `<header>
<h1>sms-dash size</h1>
<p class="settings">${formatCount(size.messages)} messages within ${formatClock(size.withinMs)} · ${size.runs} runs a count · ${Math.round(size.confidence * 100)} % must finish in time</p>
<p class="outcome ${size.senders === null ? 'fail' : 'pass'}" id="outcome">${escapeHtml(answer)}</p>
</header>
<section class="chart"><h2>Completion time against senders tried</h2><div id="chart-size" class="plot"></div></section>
<section><h2>Counts tried</h2><p class="hint">Click a column to sort.</p>
<table id="tried" class="sortable"><thead><tr>${['senders', 'p50', 'p95', 'runs in time', 'enough']
		.map((h, i) => `<th data-col="${i}" tabindex="0">${h}</th>`)
		.join('')}</tr></thead>
<tbody>
${tried
	.map(t => {
		const ok = t.okRuns >= need;
		return `<tr><td data-v="${t.senders}">${formatCount(t.senders)}</td><td data-v="${t.p50Ms}">${formatClock(t.p50Ms)}</td><td data-v="${t.p95Ms}">${formatClock(t.p95Ms)}</td><td data-v="${t.okRuns}">${t.okRuns}/${size.runs}</td><td>${ok ? 'enough' : 'too few'}</td></tr>`;
	})
	.join('\n')}
</tbody></table></section>`;
}
