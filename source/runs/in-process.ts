// One run's wiring, in-process (and the pieces a broker run shares): engine + driver +
// store + --log, and finish(), the idempotent stop that builds the summary and writes
// --log, --report and --html. Never writes to stdout and never hears signals (lifecycle.ts does).
import {ConfigError} from '../config/error.js';
import {Driver} from '../driver.js';
import {createEngine, type Engine} from '../engine/engine.js';
import type {Histogram} from '../engine/histogram.js';
import type {Progress} from '../engine/monitor.js';
import type {Simulation} from '../engine/simulation.js';
import type {Outcome, SenderSpec, TimedAction} from '../engine/types.js';
import {buildSummary, LogWriter, writeReport, writeWhole, type Summary} from '../report.js';
import type {Settings, Threshold} from '../settings.js';
import {lostRule} from '../thresholds.js';
import {createDashStore, skipNote, type DashStore, type RunControls} from '../store.js';
import {describeWriteError} from '../write-error.js';

/** How a run ended, as its summary says it. */
export interface FinishHow {
	/** Stopped because messages wait and nothing can ever send them (not "interrupted"). */
	isStalled?: boolean;
}

/** What a face (headless, the dashboard) needs of a run, in-process or on a broker. */
export interface StoreRun {
	store: DashStore;
	/**
	 * Stops the clock, completes the log and writes --report; returns the summary.
	 * Safe to call more than once (later calls return the first summary).
	 */
	finish(how?: FinishHow): Summary;
	/**
	 * One line per output file that could not be written (a full disk, a failing device),
	 * mid-run or by finish(); the run then ends with exit 1 (DESIGN.md "Exit codes").
	 */
	readonly writeErrors: readonly string[];
	/** After finish(): lets go of outside resources (Redis). */
	close?(): Promise<void>;
}

export interface InProcessRun extends StoreRun {
	engine: Engine;
	driver: Driver;
}

export interface RunOptions {
	trackSenders?: boolean;
	/** The face reads the senders of each published snapshot (DashStoreOptions). @default true */
	showsSenders?: boolean;
	/** Least wall time between two store publishes (each one is a frame in the dashboard). */
	publishEveryMs?: number;
	onDone?: () => void;
	onStall?: () => void;
	/** The --log file failed mid-run: every outcome after it would be lost, so end the run. */
	onWriteError?: () => void;
	/**
	 * With --html: report/html.ts's createRunHtml, loaded by the caller (a dynamic import,
	 * so a run without --html never loads it).
	 */
	html?: (time: Histogram, reach: Histogram) => RunHtml;
	/** --abort-on-fail: a threshold can no longer pass; the clock has stopped. */
	onAbort?: () => void;
}

/** A run's --html page in the making (report/html.ts). */
export interface RunHtml {
	/** Takes one monitor reading; O(1). */
	record(progress: Progress): void;
	/** The page, in pieces to write one after another. */
	render(summary: Summary): Iterable<string>;
}
/** A run's --log, --report and --html: a write that fails is one line in writeErrors, never a crash. */
export interface RunFiles {
	readonly writeErrors: readonly string[];
	/** Appends one finished message to --log; after a failed write, nothing more. */
	logOutcome(outcome: Outcome): void;
	/** Takes one monitor reading for --html; absent without it. */
	readonly record?: (progress: Progress) => void;
	/** Completes --log and writes --report and --html (when asked for). */
	finish(summary: Summary): void;
}

/**
 * Opens --log at once, so an unwritable path fails (throws) before anything runs. Shared by
 * in-process and broker runs. `onLogBroken` is called once, outside the caller's stack.
 */
export function openRunFiles(settings: Settings, onLogBroken?: () => void, html?: RunHtml): RunFiles {
	if (settings.htmlPath !== undefined && html === undefined) throw new Error('--html needs its page (RunOptions.html)');
	const log = settings.logPath === undefined ? undefined : openLog(settings.logPath);
	const writeErrors: string[] = [];
	let isLogBroken = false;
	return {
		writeErrors,
		record: html === undefined ? undefined : progress => html.record(progress),
		logOutcome(outcome) {
			if (log === undefined || isLogBroken) return;
			try {
				log.write(outcome);
			} catch (error) {
				isLogBroken = true;
				writeErrors.push(writeError('--log', settings.logPath!, error));
				// Called outside the engine's loop: ending the run stops the clock.
				queueMicrotask(() => onLogBroken?.());
			}
		},
		finish(summary) {
			try {
				log?.close();
			} catch (error) {
				if (!isLogBroken) writeErrors.push(writeError('--log', settings.logPath!, error));
			}

			try {
				if (settings.reportPath !== undefined) writeReport(settings.reportPath, summary);
			} catch (error) {
				writeErrors.push(writeError('--report', settings.reportPath!, error));
			}

			try {
				if (html !== undefined) writeWhole(settings.htmlPath!, html.render(summary));
			} catch (error) {
				writeErrors.push(writeError('--html', settings.htmlPath!, error));
			}
		},
	};
}

export interface DrivenStoreOptions {
	speed: number;
	intervalMs: number;
	script?: readonly TimedAction[];
	trackSenders?: boolean;
	showsSenders?: boolean;
	publishEveryMs?: number;
	defaultSpec: SenderSpec;
	/** Messages `n` adds. @default 1000 */
	moreCount?: number;
	onDone?: () => void;
	onStall?: () => void;
	/** Every monitor reading, after the store's (--html records them). */
	onReading?: (progress: Progress) => void;
	/** The store's clock from the driver (a broker run puts the wall clock's rules around it). */
	controls?: (driver: Driver, simulation: Simulation) => RunControls;
	/** --abort-on-fail: these rules are watched at every reading; the first lost one stops the clock. */
	abort?: {thresholds: readonly Threshold[]; onLost(expr: string): void};
}

/** A simulation, the driver that runs it and the store that shows it, wired together. */
export function createDrivenStore(engine: Simulation, options: DrivenStoreOptions): {driver: Driver; store: DashStore} {
	// eslint-disable-next-line prefer-const -- the driver's callbacks need the store
	let store: DashStore;
	const onReading = options.onReading;
	const driver = new Driver({
		engine,
		speed: options.speed,
		intervalMs: options.intervalMs,
		script: options.script,
		trackSenders: options.trackSenders,
		publishEveryMs: options.publishEveryMs,
		onTick(progress) {
			store.tick(progress);
			onReading?.(progress);
			const lost = options.abort === undefined ? undefined : lostRule(options.abort.thresholds, progress);
			if (lost === undefined) return;
			driver.stop();
			options.abort!.onLost(lost.expr);
		},
		onPublish: () => store.getState().publish(),
		onSkip: action => store.note(skipNote(action), true),
		onDone: () => options.onDone?.(),
		onStall: () => options.onStall?.(),
	});
	store = createDashStore({simulation: engine, controls: options.controls?.(driver, engine) ?? driver, defaultSpec: options.defaultSpec, moreCount: options.moreCount, showsSenders: options.showsSenders});
	return {driver, store};
}

export const fallbackSpec: SenderSpec = {meanMs: 100, failureRate: 0.1, distribution: 'gamma'};

/** Opens --log first, so an unwritable path fails before anything runs. */
export function createRun(settings: Settings, options: RunOptions = {}): InProcessRun {
	let abortedBy: string | undefined;
	const engine = createEngine(settings);
	const files = openRunFiles(settings, options.onWriteError, options.html?.(engine.timeHistogram, engine.reachHistogram));
	if (settings.logPath !== undefined) engine.onFinish = outcome => files.logOutcome(outcome);
	const {driver, store} = createDrivenStore(engine, storeOptionsOf(settings, options, files, expr => (abortedBy = expr)));
	return {engine, driver, store, writeErrors: files.writeErrors, finish: finisher(engine, driver, store, settings, files, () => abortedBy)};
}

/**
 * What a run's settings and hooks ask of its driver and store, in-process and on a broker
 * (which puts its wall clock around the driver). `recordAbort` keeps the rule --abort-on-fail lost.
 */
export function storeOptionsOf(settings: Settings, options: RunOptions, files: RunFiles, recordAbort: (expr: string) => void): DrivenStoreOptions {
	return {
		speed: settings.speed,
		intervalMs: settings.intervalMs,
		script: settings.script,
		trackSenders: options.trackSenders,
		showsSenders: options.showsSenders,
		publishEveryMs: options.publishEveryMs,
		defaultSpec: settings.senders[0] ?? fallbackSpec,
		onDone: options.onDone,
		onStall: options.onStall,
		onReading: files.record,
		abort: abortOf(settings, options, recordAbort),
	};
}

/** The watch --abort-on-fail asks for (none without rules): `record` keeps the lost rule for the summary. */
export function abortOf(settings: Settings, options: RunOptions, record: (expr: string) => void): DrivenStoreOptions['abort'] {
	if (settings.abortOnFail !== true || settings.thresholds.length === 0) return undefined;
	return {
		thresholds: settings.thresholds,
		onLost(expr) {
			record(expr);
			options.onAbort?.();
		},
	};
}

/**
 * The one way a run stops, in-process or on a broker: stop the clock, build the summary,
 * complete --log and write --report. The function it returns is idempotent.
 */
export function finisher(engine: Simulation, controls: Pick<RunControls, 'wallElapsedMs' | 'speed'>, store: DashStore, settings: Settings, files: RunFiles, abortedBy: () => string | undefined = () => undefined): (how?: FinishHow) => Summary {
	let summary: Summary | undefined;
	return (how = {}) => {
		if (summary !== undefined) return summary;
		store.getState().actions.stop();
		summary = buildSummary({
			engine,
			settings,
			wallElapsedMs: controls.wallElapsedMs,
			speed: controls.speed,
			notes: store.getState().notes,
			isStalled: how.isStalled,
			abortedBy: abortedBy(),
		});
		files.finish(summary);
		return summary;
	};
}

/** Opens --log, or refuses it before anything runs (bad input: one line, exit 2). */
function openLog(path: string): LogWriter {
	try {
		return new LogWriter(path);
	} catch (error) {
		throw new ConfigError(`--log ${path}: cannot write there (${describeWriteError(error)})`);
	}
}

/** `--log out.log: cannot write (no space left on the device)`: one line, no stack. */
function writeError(flag: string, path: string, error: unknown): string {
	return `${flag} ${path}: cannot write (${describeWriteError(error)})`;
}
