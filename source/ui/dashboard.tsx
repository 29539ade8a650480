// Dashboard mode's entry, loaded with `await import()` only when a terminal is there.
// One idempotent way out for q, Ctrl+C, signals and --exit-on-done: stop the clock,
// unmount Ink (restores raw mode and the cursor), then print the summary. Nothing else
// writes to stdout while Ink owns it.
import {render} from 'ink';
import type {BrokerOptions} from '../broker/simulation.js';
import {summaryText, type Summary} from '../report.js';
import {createRun, exitCodeOf, type RunOptions} from '../run.js';
import type {Settings} from '../settings.js';
import type {DashStore} from '../store.js';
import {App} from './app.js';

const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** What the dashboard needs of a run, in-process or on a broker. */
interface DashRun {
	store: DashStore;
	finish(): Summary;
	readonly writeErrors: readonly string[];
	/** Lets go of outside resources (Redis) after finish(). */
	close?(): Promise<void>;
}

/**
 * Runs the dashboard until quit, interrupt or (with --exit-on-done) the end; returns the
 * exit code. With `broker`, the run's senders are the workers on that Redis queue.
 */
export async function runDashboard(settings: Settings, broker?: BrokerOptions): Promise<number> {
	let finishing: Promise<number> | undefined;
	let isTerminalGone = false;
	let resolveDone: (code: number) => void = () => undefined;
	const done = new Promise<number>(resolve => {
		resolveDone = resolve;
	});

	const runOptions: RunOptions = {
		trackSenders: true,
		// Each publish is a React render and an Ink frame: 10 a second keeps it lively
		// and leaves the CPU to the simulation (measured in bench/dashboard.js).
		publishEveryMs: 100,
		onDone() {
			if (settings.exitOnDone) void finish(0);
		},
		onWriteError: () => void finish(1),
	};
	let run: DashRun;
	if (broker === undefined) run = createRun(settings, runOptions);
	else {
		const {createBrokerRun} = await import('../broker/run.js');
		run = await createBrokerRun(settings, broker, runOptions);
	}

	// A closed terminal (SIGHUP, a killed tmux) makes Ink's writes fail with EIO or EPIPE.
	// Unheard, that 'error' crashes the process before the log and --report are complete.
	const onStdoutError = (error: NodeJS.ErrnoException) => {
		if (error.code !== 'EIO' && error.code !== 'EPIPE') throw error;
		isTerminalGone = true;
		void finish(130);
	};

	process.stdout.on('error', onStdoutError);
	const instance = render(
		<App store={run.store} seed={settings.seed} thresholds={settings.thresholds} onExit={code => void finish(code)} />,
		{exitOnCtrlC: false, patchConsole: false, maxFps: 10},
	);
	// Asked for at once: an unmount (ours, or Ink's on a render error) settles it.
	const exited = instance.waitUntilExit();
	exited.then(
		() => void finish(0),
		(error: unknown) => {
			process.stderr.write(`sms-dash: the dashboard failed: ${error instanceof Error ? error.message : String(error)}\n`);
			void finish(1);
		},
	);

	function onSignal() {
		void finish(130);
	}

	/** The one way out (0 quit, 130 interrupt, 1 failure); later calls get the first call's result. */
	function finish(code: number): Promise<number> {
		finishing ??= (async () => {
			// The signal handlers stay: a second signal (Ctrl+C, then a SIGTERM) must not kill
			// the process before the log, the report and the summary are complete.
			run.store.getState().actions.stop();
			// An empty last frame erases the dashboard: the summary takes its place.
			instance.rerender(<></>);
			instance.unmount();
			await exited.catch(() => undefined);
			const summary = run.finish();
			await run.close?.();
			if (!isTerminalGone) writeOut(summaryText(summary) + '\n');
			for (const error of run.writeErrors) process.stderr.write(`sms-dash: ${error}\n`);
			return code === 1 || run.writeErrors.length > 0 ? 1 : exitCodeOf(summary, code === 130);
		})();
		void finishing.then(resolveDone, () => resolveDone(1));
		return finishing;
	}

	for (const signal of signals) process.on(signal, onSignal);
	run.store.getState().actions.start();
	return done;
}

/** A terminal that closes while the summary is written must not turn it into a crash. */
function writeOut(text: string): void {
	try {
		process.stdout.write(text);
	} catch {
		// The terminal is gone; --report still has the summary.
	}
}
