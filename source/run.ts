// One run's wiring, the same in both modes: engine + store + --log, and the single
// idempotent way out (finish) that stops the clock, closes the log and writes the
// summary and --report. Never writes to stdout itself.
import {createEngine, type Engine} from './engine/engine.js';
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
}

export interface RunOptions {
	trackSenders?: boolean;
	/** Least wall time between two store publishes (each one is a frame in the dashboard). */
	publishEveryMs?: number;
	onDone?: () => void;
	onStall?: () => void;
}

/** Opens --log first, so an unwritable path fails before anything runs. */
export function createRun(settings: Settings, options: RunOptions = {}): Run {
	const log = settings.logPath === undefined ? undefined : new LogWriter(settings.logPath);
	const engine = createEngine(settings);
	if (log !== undefined) engine.onFinish = outcome => log.write(outcome);
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

	let summary: Summary | undefined;
	return {
		engine,
		store,
		finish() {
			if (summary !== undefined) return summary;
			store.getState().actions.stop();
			log?.close();
			summary = buildSummary({
				engine,
				settings,
				wallElapsedMs: store.driver.wallElapsedMs,
				speed: store.driver.speed,
				notes: store.getState().notes,
			});
			if (settings.reportPath !== undefined) writeReport(settings.reportPath, summary);
			return summary;
		},
	};
}

/** Exit code for a finished or stopped run (DESIGN.md "Exit codes"). */
export function exitCodeOf(summary: Summary, wasInterrupted: boolean): number {
	if (wasInterrupted) return 130;
	if (summary.thresholds.some(t => !t.ok)) return 3;
	return 0;
}
