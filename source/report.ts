// The end of a run on paper: the summary object (DESIGN.md "Headless output"), its
// text form, the --report file and the --log writer. Shared by headless and dashboard.
import {closeSync, ftruncateSync, openSync, statSync, unlinkSync, writeFileSync, writeSync} from 'node:fs';
import type {Simulation} from './engine/simulation.js';
import type {DeliverySettings, Outcome, TimedAction} from './engine/types.js';
import {formatClock, formatCost, formatCount, formatMs, formatPercent, formatRate, round1, wrapParts} from './format.js';
import {groupSenders, type SenderRun} from './report/sender-runs.js';
import {senderRows, SenderTable, setSenders, someSpec} from './report/sender-summaries.js';
import {bindLines, cell, senderLines} from './report/sender-table.js';
import {reportPieces} from './report/summary-json.js';
import {hasReceipts, type Settings} from './settings.js';
import {evaluateThresholds, figuresOf, formatActual, judgedFiguresOf, parseThreshold, type ThresholdResult} from './thresholds.js';

export interface SenderSummary {
	id: number;
	meanMs: number;
	failureRate: number;
	distribution: string;
	spreadMs?: number;
	maxWaitMs?: number;
	failoverMs?: number;
	sent: number;
	failed: number;
	attempts: number;
	avgTimeMs: number | null;
	observedMeanMs: number | null;
	p95Ms: number | null;
	rests: number;
	restedMs: number;
	/** Its window of unanswered submits, rate cap (null: none) and price per segment. */
	window: number;
	rate: number | null;
	price: number;
	segments: number;
	throttled: number;
	removed?: true;
}

export interface Summary {
	type: 'summary';
	produced: number;
	sent: number;
	failed: number;
	attempts: number;
	queued: number;
	inFlight: number;
	pending: number;
	avgTimeMs: number | null;
	avgE2eMs: number | null;
	p50Ms: number | null;
	p95Ms: number | null;
	p99Ms: number | null;
	/** Time per message's least, 90th percentile and most. */
	minMs: number | null;
	p90Ms: number | null;
	maxMs: number | null;
	/** End-to-end time (production to outcome): least, percentiles, most. */
	e2eMinMs: number | null;
	e2eP50Ms: number | null;
	e2eP90Ms: number | null;
	e2eP95Ms: number | null;
	e2eP99Ms: number | null;
	e2eMaxMs: number | null;
	/** Finished messages per simulated second over the whole run (not the recent rate progress lines show). */
	throughput: number | null;
	simElapsedMs: number;
	wallElapsedMs: number;
	speed: number | 'max';
	seed: number;
	/** Stopped by a signal, a quit or a closed output before every message finished. */
	interrupted: boolean;
	/** Stopped because messages wait and no sender is left to send them (never with interrupted). */
	stalled?: true;
	/** --abort-on-fail ended the run: the rule that could no longer pass (never with interrupted). */
	abortedBy?: string;
	/** Broker runs only: messages handled more than once (at-least-once delivery), each counted once in the figures. */
	duplicates?: number;
	/** Segments accepted; submits the gateway throttled (not attempts, never failures). */
	segments: number;
	throttled: number;
	failedBy: {error: number; invalid: number};
	/** With receipts: delivered, and accepted but expired at the validity; else null. */
	delivered: number | null;
	undelivered: number | null;
	/** When p % of every message asked for had reached its recipient; null: never. */
	reachP50Ms: number | null;
	reachP95Ms: number | null;
	reachP99Ms: number | null;
	cost: number;
	/** The gateway's cap, segments per simulated second; null: none. */
	gatewayRate: number | null;
	/**
	 * Every sender that ran. A built summary makes this list when it is first read; its own
	 * writers (report/summary-json.ts, the text) read the senders one at a time (senderRows).
	 */
	senders: SenderSummary[];
	thresholds: ThresholdResult[];
	settings: ReportSettings;
	actions: TimedAction[];
	notes: string[];
	/** SMPP mode: the SMSC the senders were bound to, its password masked. */
	smpp?: string;
}

/** What decides the outcomes; enough for --replay to rebuild the run (delivery keys when set). */
export interface ReportSettings extends DeliverySettings {
	messages: number;
	/** Identical consecutive senders once, with a `count` (report/sender-runs.ts). */
	senders: SenderRun[];
	retries: number;
	seed: number;
	intervalMs: number;
	thresholds: string[];
}

/** The delivery keys a run was given, and only those. */
function deliverySettingsOf(settings: DeliverySettings): DeliverySettings {
	const keys = ['text', 'gatewayRate', 'backoffMs', 'invalid', 'delivery', 'validityMs'] as const;
	return Object.fromEntries(keys.filter(key => settings[key] !== undefined).map(key => [key, settings[key]])) as DeliverySettings;
}

export interface SummaryInput {
	engine: Simulation;
	settings: Settings;
	wallElapsedMs: number;
	speed: number;
	notes: readonly string[];
	/** The run stopped because nothing can ever send the messages that wait. */
	isStalled?: boolean;
	/** --abort-on-fail stopped the run: this rule could no longer pass. */
	abortedBy?: string;
}

/**
 * The summary of a run that has stopped. A finished run's senders may still be resting after a
 * failover; their rests are run out first (no message is left, so nothing else happens), so
 * `restedMs` never depends on where the clock stopped, which depends on the speed.
 */
/**
 * What a summary means for the exit code: 3 when a --threshold was crossed by a finished run
 * (or one --abort-on-fail ended); a run stopped before the end (`q`) is 0, whatever its
 * figures so far; a failed output file, 1. A signal's 130 is the lifecycle's.
 */
export function verdictOf(summary: Summary, writeErrors: readonly string[]): {code: number; hasWriteErrors: boolean} {
	return {code: !summary.interrupted && summary.thresholds.some(t => !t.ok) ? 3 : 0, hasWriteErrors: writeErrors.length > 0};
}

export function buildSummary({engine, settings, wallElapsedMs, speed, notes, isStalled = false, abortedBy}: SummaryInput): Summary {
	if (engine.isDone) engine.runUntil(Number.POSITIVE_INFINITY);
	// The engine's senders are read one by one rather than snapshot (no object kept per sender).
	const snap = engine.snapshot(engine.eachSenderFigures === undefined);
	const senders = new SenderTable(settings.senders.length + engine.actions.filter(action => 'add' in action).length);
	if (engine.eachSenderFigures === undefined) snap.senders.forEach(senders.add);
	else engine.eachSenderFigures(senders.add);
	const {time, e2e} = engine.spread();
	const figures = figuresOf(snap);
	const simElapsedMs = snap.lastOutcomeMs;
	const throughput = simElapsedMs > 0 ? figures.throughput : undefined;
	const isAwaitingReceipts = hasReceipts(settings);
	const summary: Summary = {
		type: 'summary',
		produced: snap.produced,
		sent: snap.sent,
		failed: snap.failed,
		attempts: snap.attempts,
		queued: snap.queued,
		inFlight: snap.inFlight,
		pending: snap.pending,
		avgTimeMs: round1(snap.avgTimeMs),
		avgE2eMs: round1(snap.avgE2eMs),
		p50Ms: round1(snap.p50Ms),
		p95Ms: round1(snap.p95Ms),
		p99Ms: round1(snap.p99Ms),
		minMs: round1(time.minMs),
		p90Ms: round1(time.p90Ms),
		maxMs: round1(time.maxMs),
		e2eMinMs: round1(e2e.minMs),
		e2eP50Ms: round1(e2e.p50Ms),
		e2eP90Ms: round1(e2e.p90Ms),
		e2eP95Ms: round1(e2e.p95Ms),
		e2eP99Ms: round1(e2e.p99Ms),
		e2eMaxMs: round1(e2e.maxMs),
		throughput: round1(throughput),
		simElapsedMs: round1(simElapsedMs) ?? 0,
		wallElapsedMs: Math.round(wallElapsedMs),
		speed: Number.isFinite(speed) ? speed : 'max',
		seed: settings.seed,
		interrupted: !snap.isDone && !isStalled && abortedBy === undefined,
		...(isStalled ? {stalled: true as const} : {}),
		...(abortedBy === undefined ? {} : {abortedBy}),
		...(engine.duplicates === undefined ? {} : {duplicates: engine.duplicates}),
		segments: snap.segments,
		throttled: snap.throttled,
		failedBy: {error: snap.failed - snap.failedInvalid, invalid: snap.failedInvalid},
		delivered: isAwaitingReceipts ? snap.delivered : null,
		undelivered: isAwaitingReceipts ? snap.undelivered : null,
		reachP50Ms: round1(snap.reachP50Ms) ?? null,
		reachP95Ms: round1(snap.reachP95Ms) ?? null,
		reachP99Ms: round1(snap.reachP99Ms) ?? null,
		cost: Math.round(snap.cost * 10_000) / 10_000,
		gatewayRate: settings.gatewayRate ?? null,
		...(settings.smpp === undefined ? {} : {smpp: settings.smpp}),
		// Made from the table when first read (setSenders below).
		senders: [],
		// An unfinished run (interrupted, aborted, stalled) is judged as live: its shares of the finished.
		thresholds: evaluateThresholds(settings.thresholds, judgedFiguresOf(snap)).map((r, i) => ({
			expr: r.expr,
			// The rule that ended the run is lost even where the figures so far pass (elapsed).
			ok: r.ok && r.expr !== abortedBy,
			// A cost is kept to the summary's four decimals: 5.18 is not 5.2 against cost>=5.2.
			actual: r.actual === null ? null : settings.thresholds[i]!.metric === 'cost' ? Math.round(r.actual * 10_000) / 10_000 : round1(r.actual),
		})),
		settings: {
			messages: settings.messages,
			senders: groupSenders(settings.senders),
			retries: settings.retries,
			seed: settings.seed,
			intervalMs: settings.intervalMs,
			thresholds: settings.thresholds.map(t => t.expr),
			...deliverySettingsOf(settings),
		},
		actions: [...engine.actions],
		notes: [...notes],
	};
	setSenders(summary, senders);
	return summary;
}

/** Whether the run used any key of the delivery model (else its text summary is as it always was). */
export function usesDeliveryModel(summary: Summary): boolean {
	return Object.keys(deliverySettingsOf(summary.settings)).length > 0 || someSpec(senderRows(summary), s => s.window > 1 || s.rate !== null || s.price > 0);
}

/** The delivery model's lines of the text summary: segments, throttling, cost, failures by kind, receipts, reach. */
function deliveryLines(summary: Summary): string[] {
	if (!usesDeliveryModel(summary)) return [];
	const gateway = summary.gatewayRate === null ? '' : ` · gateway cap ${formatCount(summary.gatewayRate)}/s`;
	const lines = [`  segments    ${formatCount(summary.segments)} accepted · ${formatCount(summary.throttled)} throttled${gateway}`];
	if (summary.cost > 0) lines.push(`  cost        ${formatCost(summary.cost)}`);
	if (summary.failedBy.invalid > 0) {
		const {error, invalid} = summary.failedBy;
		lines.push(`  failed by   ${formatCount(error)} error${error === 1 ? '' : 's'} · ${formatCount(invalid)} invalid number${invalid === 1 ? '' : 's'}`);
	}

	if (summary.delivered !== null) {
		lines.push(`  receipts    ${formatCount(summary.delivered)} delivered · ${formatCount(summary.undelivered ?? 0)} expired undelivered`);
	}

	const reach = (ms: number | null) => (ms === null ? 'never' : formatMs(ms));
	lines.push(`  reach       50% ${reach(summary.reachP50Ms)} · 95% ${reach(summary.reachP95Ms)} · 99% ${reach(summary.reachP99Ms)}`);
	return lines;
}

/** How the run ended, for the summary's heading: the user's `q` is not an interruption. */
export interface SummaryTextOptions {
	/** The user quit (`q`) before every message finished. */
	isQuit?: boolean;
}

function heading(summary: Summary, {isQuit = false}: SummaryTextOptions): string {
	if (summary.abortedBy !== undefined) return `Summary (aborted: ${summary.abortedBy} can no longer pass)`;
	if (summary.stalled) return 'Summary (stalled: no sender is left for the waiting messages)';
	if (!summary.interrupted) return 'Summary';
	return isQuit ? 'Summary (stopped by the user before every message finished)' : 'Summary (interrupted)';
}

/** A broker's or an SMPP run: its clock is the real one (only a broker's summary counts duplicates). */
export const isRealTime = (summary: Summary): boolean => summary.smpp !== undefined || summary.duplicates !== undefined;

/** The summary as a block of text for people, every line within 80 columns (but a note's word longer than that). */
export function summaryText(summary: Summary, options: SummaryTextOptions = {}): string {
	const finished = summary.sent + summary.failed;
	const isUnfinished = isUnfinishedRun(summary);
	const isReal = isRealTime(summary);
	const lines = [
		heading(summary, options),
		`  messages    ${formatCount(summary.produced)} produced · ${formatCount(summary.sent)} sent · ${formatCount(summary.failed)} failed (${formatPercent(summary.failed, finished)})`,
		`  attempts    ${formatCount(summary.attempts)}`,
	];
	if (summary.duplicates !== undefined && summary.duplicates > 0) {
		lines.push(`  duplicates  ${formatCount(summary.duplicates)} handled twice (at-least-once delivery), counted once above`);
	}

	if (isUnfinished) {
		lines.push(
			`  unfinished  ${formatCount(summary.queued)} queued · ${formatCount(summary.inFlight)} in flight · ${formatCount(summary.pending)} not produced`,
		);
	}

	lines.push(...deliveryLines(summary));
	lines.push(
		`  time         ${['min', 'avg', 'p50', 'p90', 'p95', 'p99', 'max'].map(name => name.padStart(8)).join('')}`,
		`    per message${[summary.minMs, summary.avgTimeMs, summary.p50Ms, summary.p90Ms, summary.p95Ms, summary.p99Ms, summary.maxMs].map(cell).join('')}`,
		`    end to end ${[summary.e2eMinMs, summary.avgE2eMs, summary.e2eP50Ms, summary.e2eP90Ms, summary.e2eP95Ms, summary.e2eP99Ms, summary.e2eMaxMs].map(cell).join('')}`,
		`    (per message: pickup to outcome; end to end: production to outcome)`,
		`  elapsed     ${formatClock(summary.simElapsedMs)} ${isReal ? '(real time)' : 'simulated'} · ${formatMs(summary.wallElapsedMs)} wall`,
		`  throughput  ${formatRate(summary.throughput ?? undefined)} over the whole run (finished per ${isReal ? '' : 'simulated '}second)`,
		`  seed        ${summary.seed}`,
		...(summary.smpp === undefined ? senderLines(senderRows(summary)) : bindLines(summary.smpp, senderRows(summary))),
	);
	lines.push(...thresholdLines(summary.thresholds, isUnfinished));

	for (const note of summary.notes) lines.push(wrapParts('  note       ', note.split(' '), ' '));
	return lines.join('\n');
}

/**
 * The rules, one a line with its verdict in words and its actual figure in the rule's unit:
 * `    p95<250ms  pass (actual 212.4ms)`, `    failed<5%  FAIL (actual 7.3%)`.
 */
export function thresholdLines(results: readonly ThresholdResult[], isInterrupted = false): string[] {
	if (results.length === 0) return [];
	const crossed = results.filter(r => !r.ok).length;
	const verdict = crossed === 0 ? `all ${results.length} pass` : `${crossed} of ${results.length} crossed`;
	const width = Math.max(...results.map(r => r.expr.length));
	return [
		`  thresholds  ${verdict}${isInterrupted ? ' (on the figures so far: the run did not finish)' : ''}`,
		...results.map(r => `    ${r.expr.padEnd(width)}  ${r.ok ? 'pass' : 'FAIL'} (${actualWords(r, isInterrupted)})`),
	];
}

/** Whether the run ended before every message finished: interrupted or quit, aborted, or stalled. */
export function isUnfinishedRun(summary: Summary): boolean {
	return summary.interrupted || summary.stalled === true || summary.abortedBy !== undefined;
}

/** A rule's figure in words: `actual 212.4ms`, `never` (a reach percentile a finished run never reached), or `no figure yet`. */
export function actualWords({expr, actual}: ThresholdResult, isUnfinished = false): string {
	return actual === null ? noActual(expr, isUnfinished) : `actual ${actualOf(expr, actual)}`;
}

/** A rule without a figure: a reach percentile a finished run never reached, else none yet. */
function noActual(expr: string, isUnfinished: boolean): string {
	try {
		if (!isUnfinished && formatActual(parseThreshold(expr), null) === 'never') return 'never';
	} catch {
		// A rule this version cannot read (an old report) has no such figure.
	}

	return 'no figure yet';
}

/** A result's actual figure in its rule's unit (the rule is read again from its text). */
function actualOf(expr: string, actual: number): string {
	try {
		return formatActual(parseThreshold(expr), actual);
	} catch {
		return String(actual);
	}
}

/** Writes the summary as JSON to `path` (reportJson), a piece at a time, whole or not at all (see writeWhole). */
export function writeReport(path: string, summary: Summary): void {
	writeWhole(path, reportPieces(summary));
}

/** The --report file's text (report/summary-json.ts's reportPieces, joined). */
export function reportJson(summary: Summary): string {
	return [...reportPieces(summary)].join('');
}

/**
 * Writes a file whole (`text`, or its pieces in turn) or leaves none: a write that fails (a
 * full disk) removes what it began, so no empty or half report is mistaken for one. Throws
 * the write's error.
 */
export function writeWhole(path: string, text: string | Iterable<string>): void {
	try {
		if (typeof text === 'string') writeFileSync(path, text);
		else writePieces(path, text);
	} catch (error) {
		try {
			if (statSync(path).isFile()) unlinkSync(path);
		} catch {
			// Nothing was made.
		}

		throw error;
	}
}

/** Writes `pieces` to `path` one after another, each as it is made. Throws a write's error. */
function writePieces(path: string, pieces: Iterable<string>): void {
	const fd = openSync(path, 'w');
	try {
		for (const piece of pieces) writeFileSync(fd, piece);
	} finally {
		closeSync(fd);
	}
}

/**
 * The --log writer: one JSON line per finished message, written whole, in order of
 * finishing. Lines are gathered and written synchronously in 64 KiB batches, so memory
 * stays flat and a signal never leaves half a line.
 */
export class LogWriter {
	private readonly fd: number;
	private buffer = '';
	/** Bytes in the file, every line whole. */
	private size = 0;
	count = 0;

	constructor(path: string) {
		this.fd = openSync(path, 'w');
	}

	write(o: Outcome): void {
		let extra = `,"segments":${o.segments}`;
		if (o.reason !== undefined) extra += `,"reason":"${o.reason}"`;
		if (o.delivery !== undefined) extra += `,"delivery":"${o.delivery}"`;
		if (o.reachMs !== undefined) extra += `,"reachMs":${round1(o.reachMs)}`;
		this.buffer += `{"id":${o.id},"phone":"${o.phone}","outcome":"${o.outcome}","attempts":${o.attempts},"timeMs":${round1(o.timeMs)},"e2eMs":${round1(o.e2eMs)},"sender":${o.sender},"simMs":${round1(o.simMs)}${extra}}\n`;
		this.count++;
		if (this.buffer.length >= 65_536) this.flush();
	}

	/**
	 * Writes what is gathered. A write that fails part-way (a full disk) cuts the file back
	 * to its last whole line, then throws: the log never ends in half a line.
	 */
	flush(): void {
		if (this.buffer.length === 0) return;
		const bytes = Buffer.from(this.buffer);
		this.buffer = '';
		let done = 0;
		try {
			while (done < bytes.length) done += writeSync(this.fd, bytes, done);
		} catch (error) {
			const whole = done === 0 ? 0 : bytes.lastIndexOf(10, done - 1) + 1;
			try {
				ftruncateSync(this.fd, this.size + whole);
			} catch {
				// A device has no length to cut.
			}

			this.size += whole;
			throw error;
		}

		this.size += bytes.length;
	}

	close(): void {
		try {
			this.flush();
		} finally {
			closeSync(this.fd);
		}
	}
}
