// The end of a run on paper: the summary object (DESIGN.md "Headless output"), its
// text form, the --report file and the --log writer. Shared by headless and dashboard.
import {closeSync, openSync, writeFileSync, writeSync} from 'node:fs';
import type {Simulation} from './engine/simulation.js';
import type {Outcome, SenderSnapshot, SenderSpec, TimedAction} from './engine/types.js';
import {formatClock, formatCount, formatMs, formatPercent, formatRate, round1} from './format.js';
import type {Settings} from './settings.js';
import {evaluateThresholds, figuresOf, formatActual, parseThreshold, type ThresholdResult} from './thresholds.js';

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
	/** Finished messages per simulated second. */
	throughput: number | null;
	simElapsedMs: number;
	wallElapsedMs: number;
	speed: number | 'max';
	seed: number;
	/** Stopped by a signal, a quit or a closed output before every message finished. */
	interrupted: boolean;
	/** Stopped because messages wait and no sender is left to send them (never with interrupted). */
	stalled?: true;
	senders: SenderSummary[];
	thresholds: ThresholdResult[];
	settings: ReportSettings;
	actions: TimedAction[];
	notes: string[];
}

/** What decides the outcomes; enough for --replay to rebuild the run. */
export interface ReportSettings {
	messages: number;
	senders: SenderSpec[];
	retries: number;
	seed: number;
	intervalMs: number;
	thresholds: string[];
}

export interface SummaryInput {
	engine: Simulation;
	settings: Settings;
	wallElapsedMs: number;
	speed: number;
	notes: readonly string[];
	/** The run stopped because nothing can ever send the messages that wait. */
	isStalled?: boolean;
}

/**
 * The summary of a run that has stopped. A finished run's senders may still be resting after a
 * failover; their rests are run out first (no message is left, so nothing else happens), so
 * `restedMs` never depends on where the clock stopped, which depends on the speed.
 */
/** What a summary means for the exit code: 3 when a --threshold was crossed; a failed output file, 1. */
export function verdictOf(summary: Summary, writeErrors: readonly string[]): {code: number; hasWriteErrors: boolean} {
	return {code: summary.thresholds.some(t => !t.ok) ? 3 : 0, hasWriteErrors: writeErrors.length > 0};
}

export function buildSummary({engine, settings, wallElapsedMs, speed, notes, isStalled = false}: SummaryInput): Summary {
	if (engine.isDone) engine.runUntil(Number.POSITIVE_INFINITY);
	const snap = engine.snapshot();
	const figures = figuresOf(snap);
	const simElapsedMs = snap.lastOutcomeMs;
	const throughput = simElapsedMs > 0 ? figures.throughput : undefined;
	return {
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
		throughput: round1(throughput),
		simElapsedMs: round1(simElapsedMs) ?? 0,
		wallElapsedMs: Math.round(wallElapsedMs),
		speed: Number.isFinite(speed) ? speed : 'max',
		seed: settings.seed,
		interrupted: !snap.isDone && !isStalled,
		...(isStalled ? {stalled: true as const} : {}),
		senders: snap.senders.map(senderSummary),
		thresholds: evaluateThresholds(settings.thresholds, figures).map(r => ({
			expr: r.expr,
			ok: r.ok,
			actual: r.actual === null ? null : round1(r.actual),
		})),
		settings: {
			messages: settings.messages,
			senders: settings.senders,
			retries: settings.retries,
			seed: settings.seed,
			intervalMs: settings.intervalMs,
			thresholds: settings.thresholds.map(t => t.expr),
		},
		actions: [...engine.actions],
		notes: [...notes],
	};
}

function senderSummary(s: SenderSnapshot): SenderSummary {
	const {spec} = s;
	return {
		id: s.id,
		meanMs: spec.meanMs,
		failureRate: spec.failureRate,
		distribution: spec.distribution,
		...(spec.spreadMs === undefined ? {} : {spreadMs: spec.spreadMs}),
		...(spec.maxWaitMs === undefined ? {} : {maxWaitMs: spec.maxWaitMs}),
		...(spec.failoverMs === undefined ? {} : {failoverMs: spec.failoverMs}),
		sent: s.sent,
		failed: s.failed,
		attempts: s.attempts,
		avgTimeMs: round1(s.avgTimeMs),
		observedMeanMs: round1(s.observedMeanMs),
		p95Ms: round1(s.p95Ms),
		rests: s.rests,
		restedMs: round1(s.restedMs) ?? 0,
		...(s.state === 'removed' ? {removed: true as const} : {}),
	};
}

/** The summary as a block of text for people. */
export function summaryText(summary: Summary): string {
	const finished = summary.sent + summary.failed;
	const lines = [
		summary.interrupted ? 'Summary (interrupted)' : summary.stalled ? 'Summary (stalled: no sender is left for the waiting messages)' : 'Summary',
		`  messages    ${formatCount(summary.produced)} produced · ${formatCount(summary.sent)} sent · ${formatCount(summary.failed)} failed (${formatPercent(summary.failed, finished)}) · ${formatCount(summary.attempts)} attempts`,
	];
	if (summary.interrupted || summary.stalled) {
		lines.push(
			`  unfinished  ${formatCount(summary.queued)} queued · ${formatCount(summary.inFlight)} in flight · ${formatCount(summary.pending)} not produced`,
		);
	}

	lines.push(
		`  time/msg    avg ${fmt(summary.avgTimeMs)} · p50 ${fmt(summary.p50Ms)} · p95 ${fmt(summary.p95Ms)} · p99 ${fmt(summary.p99Ms)}  (pickup to outcome)`,
		`  end to end  avg ${fmt(summary.avgE2eMs)}  (production to outcome)`,
		`  elapsed     ${formatClock(summary.simElapsedMs)} simulated · ${formatMs(summary.wallElapsedMs)} wall · ${formatRate(summary.throughput ?? undefined)}`,
		`  seed        ${summary.seed}`,
		`  senders     ${summary.senders.length}`,
	);
	const shown = summary.senders.slice(0, 20);
	for (const s of shown) {
		lines.push(
			`    #${String(s.id).padEnd(4)} ${s.distribution.padEnd(11)} mean ${formatMs(s.meanMs).padStart(7)} · fail ${String(s.failureRate).padEnd(5)}  sent ${formatCount(s.sent).padStart(7)} · failed ${formatCount(s.failed).padStart(6)} · avg ${fmt(s.avgTimeMs)}${s.rests > 0 ? ` · rested ${formatCount(s.rests)}× ${formatMs(s.restedMs)}` : ''}${s.removed ? '  (removed)' : ''}`,
		);
	}

	if (summary.senders.length > shown.length) lines.push(`    … ${summary.senders.length - shown.length} more (see --report)`);
	lines.push(...thresholdLines(summary.thresholds, summary.interrupted || summary.stalled === true));

	for (const note of summary.notes) lines.push(`  note        ${note}`);
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
		`  thresholds  ${verdict}${isInterrupted ? ' (on the figures so far: the run was interrupted)' : ''}`,
		...results.map(r => `    ${r.expr.padEnd(width)}  ${r.ok ? 'pass' : 'FAIL'} (${r.actual === null ? 'no figure yet' : `actual ${actualOf(r.expr, r.actual)}`})`),
	];
}

/** A rule's actual figure in its own unit: 212.4ms, 7.3%, 40, 412.5/s. */

function fmt(ms: number | null): string {
	return formatMs(ms ?? undefined);
}

/** A result's actual figure in its rule's unit (the rule is read again from its text). */
function actualOf(expr: string, actual: number): string {
	try {
		return formatActual(parseThreshold(expr), actual);
	} catch {
		return String(actual);
	}
}

/** Writes the summary as JSON to `path`. */
export function writeReport(path: string, summary: Summary): void {
	writeFileSync(path, JSON.stringify(summary, null, 2) + '\n');
}

/**
 * The --log writer: one JSON line per finished message, written whole, in order of
 * finishing. Lines are gathered and written synchronously in 64 KiB batches, so memory
 * stays flat and a signal never leaves half a line.
 */
export class LogWriter {
	private readonly fd: number;
	private buffer = '';
	count = 0;

	constructor(path: string) {
		this.fd = openSync(path, 'w');
	}

	write(o: Outcome): void {
		this.buffer += `{"id":${o.id},"phone":"${o.phone}","outcome":"${o.outcome}","attempts":${o.attempts},"timeMs":${round1(o.timeMs)},"e2eMs":${round1(o.e2eMs)},"sender":${o.sender},"simMs":${round1(o.simMs)}}\n`;
		this.count++;
		if (this.buffer.length >= 65_536) this.flush();
	}

	flush(): void {
		if (this.buffer.length === 0) return;
		writeSync(this.fd, this.buffer);
		this.buffer = '';
	}

	close(): void {
		this.flush();
		closeSync(this.fd);
	}
}
