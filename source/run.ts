// One run's wiring, the same in both modes: engine + store + --log, and the single
// idempotent way out (finish) that stops the clock, closes the log and writes the
// summary and --report. Never writes to stdout itself.
import {createEngine, type Engine} from './engine/engine.js';
import type {Simulation} from './engine/simulation.js';
import type {Outcome} from './engine/types.js';
import {buildSummary, LogWriter, writeReport, type Summary} from './report.js';
import type {Settings} from './settings.js';
import {createDashStore, type DashStore} from './store.js';

export interface Run {
	engine: Engine;
	store: DashStore;
	/**
	 * Stops the clock, completes the log and writes --report; returns the summary.
	 * Safe to call more than once (later calls return the first summary).
	 */
	finish(): Summary;
	/**
	 * One line per output file that could not be written (a full disk, a failing device),
	 * mid-run or by finish(); the run then ends with exit 1 (DESIGN.md "Exit codes").
	 */
	readonly writeErrors: readonly string[];
}

export interface RunOptions {
	trackSenders?: boolean;
	/** Least wall time between two store publishes (each one is a frame in the dashboard). */
	publishEveryMs?: number;
	onDone?: () => void;
	onStall?: () => void;
	/** The --log file failed mid-run: every outcome after it would be lost, so end the run. */
	onWriteError?: () => void;
}

/** A run's --log and --report: a write that fails is one line in writeErrors, never a crash. */
export interface RunFiles {
	readonly writeErrors: readonly string[];
	/** Appends one finished message to --log; after a failed write, nothing more. */
	logOutcome(outcome: Outcome): void;
	/** Completes --log and writes --report (when asked for). */
	finish(summary: Summary): void;
}

/**
 * Opens --log at once, so an unwritable path fails (throws) before anything runs. Shared by
 * in-process and broker runs. `onLogBroken` is called once, outside the caller's stack.
 */
export function openRunFiles(settings: Settings, onLogBroken?: () => void): RunFiles {
	const log = settings.logPath === undefined ? undefined : new LogWriter(settings.logPath);
	const writeErrors: string[] = [];
	let isLogBroken = false;
	return {
		writeErrors,
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
		},
	};
}

/** Opens --log first, so an unwritable path fails before anything runs. */
export function createRun(settings: Settings, options: RunOptions = {}): Run {
	const files = openRunFiles(settings, options.onWriteError);
	const engine = createEngine(settings);
	if (settings.logPath !== undefined) engine.onFinish = outcome => files.logOutcome(outcome);
	const store = createDashStore(engine, {
		speed: settings.speed,
		intervalMs: settings.intervalMs,
		script: settings.script,
		trackSenders: options.trackSenders,
		publishEveryMs: options.publishEveryMs,
		defaultSpec: settings.senders[0] ?? {meanMs: 100, failureRate: 0.1, distribution: 'gamma'},
		onDone: options.onDone,
		onStall: options.onStall,
	});

	return {engine, store, writeErrors: files.writeErrors, finish: finisher(engine, store, settings, files)};
}

/**
 * The one way a run ends, in-process or on a broker: stop the clock, build the summary,
 * complete --log and write --report. The function it returns is idempotent.
 */
export function finisher(engine: Simulation, store: DashStore, settings: Settings, files: RunFiles): () => Summary {
	let summary: Summary | undefined;
	return () => {
		if (summary !== undefined) return summary;
		store.getState().actions.stop();
		summary = buildSummary({
			engine,
			settings,
			wallElapsedMs: store.driver.wallElapsedMs,
			speed: store.driver.speed,
			notes: store.getState().notes,
		});
		files.finish(summary);
		return summary;
	};
}

/** `--log out.log: cannot write (no space left on the device)`: one line, no stack. */
function writeError(flag: string, path: string, error: unknown): string {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	const reasons: Record<string, string> = {
		ENOSPC: 'no space left on the device',
		EDQUOT: 'over the disk quota',
		EIO: 'input/output error',
		EACCES: 'permission denied',
		EPERM: 'permission denied',
		EFBIG: 'the file is too large',
		EROFS: 'a read-only file system',
	};
	const reason = (code === undefined ? undefined : reasons[code]) ?? (error instanceof Error ? error.message.split('\n')[0]! : String(error));
	return `${flag} ${path}: cannot write (${reason})`;
}

/** Exit code for a finished or stopped run (DESIGN.md "Exit codes"). */
export function exitCodeOf(summary: Summary, wasInterrupted: boolean): number {
	if (wasInterrupted) return 130;
	if (summary.thresholds.some(t => !t.ok)) return 3;
	return 0;
}
