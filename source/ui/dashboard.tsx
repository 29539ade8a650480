// Dashboard mode's face, loaded with `await import()` only when a terminal is there: it
// renders a run's store with Ink and, when the lifecycle ends the run, unmounts (restoring
// raw mode and the cursor) and prints the summary. It never decides how or when a run ends.
import {render, type Instance} from 'ink';
import type {Io, Run} from '../lifecycle.js';
import {summaryText, verdictOf, type Summary} from '../report.js';
import type {DeliverySpec} from '../engine/types.js';
import {hasReceipts, type Threshold} from '../settings.js';
import type {DashStore} from '../store.js';
import {App} from './app.js';

/** What the dashboard needs of a run, in-process or on a broker. */
export interface DashRun {
	store: DashStore;
	finish(): Summary;
	readonly writeErrors: readonly string[];
	/** Lets go of outside resources (Redis) after finish(). */
	close?(): Promise<void>;
}

export interface DashView {
	/** The run's seed, for the header. */
	seed: number;
	thresholds: readonly Threshold[];
	/** The gateway's cap (segments/s) and receipts: the totals show their figures. */
	gatewayRate?: number | undefined;
	delivery?: DeliverySpec | undefined;
	/** SMPP mode (the SMSC's receipts): the URL as shown. */
	smpp?: string | undefined;
	/** The monitor period, simulated ms (recent rates span a few). */
	intervalMs?: number;
}

/** The dashboard as a run for the lifecycle: `q` quits, Ctrl+C interrupts, a render failure fails. */
export function dashboardRun(run: DashRun, view: DashView, io: Io): Run {
	let instance: Instance | undefined;
	let exited: Promise<unknown> = Promise.resolve();
	return {
		start(end) {
			instance = render(
				<App
					store={run.store}
					seed={view.seed}
					thresholds={view.thresholds}
					gatewayRate={view.gatewayRate}
					hasReceipts={hasReceipts(view)}
					intervalMs={view.intervalMs}
					onExit={code => end(code === 130 ? 'signal' : 'quit')}
				/>,
				{exitOnCtrlC: false, patchConsole: false, maxFps: 10},
			);
			// Asked for at once: an unmount (ours, or Ink's on a render error) settles it.
			exited = instance.waitUntilExit();
			exited.then(
				() => end('quit'),
				(error: unknown) => {
					io.err(`sms-dash: the dashboard failed: ${error instanceof Error ? error.message : String(error)}\n`);
					end('failed');
				},
			);
			run.store.getState().actions.start();
		},
		async finish(ending) {
			run.store.getState().actions.stop();
			if (instance !== undefined) {
				// An empty last frame erases the dashboard: the summary takes its place.
				instance.rerender(<></>);
				instance.unmount();
				await exited.catch(() => undefined);
			}

			const summary = run.finish();
			await run.close?.();
			// A closed terminal has no room for it: --report still has the summary.
			if (!io.isOutGone) io.out(summaryText(summary, {isQuit: ending === 'quit'}) + '\n');
			for (const error of run.writeErrors) io.err(`sms-dash: ${error}\n`);
			return verdictOf(summary, run.writeErrors);
		},
	};
}
