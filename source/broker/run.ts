// A broker run's wiring, as runs/in-process.ts does it in-process: BrokerSimulation + the
// same driver, store, --log, summary and --report, on the wall clock. The one difference at
// the end: close() is asynchronous (it lets go of Redis), after finish().
import {headlessRun} from '../headless.js';
import {createLifecycle, type Edges} from '../lifecycle.js';
import type {RunOptions} from '../runs/in-process.js';
import {wireWallClockRun, type WallClockRun} from '../runs/wall-clock.js';
import type {Settings} from '../settings.js';
import {createBrokerSimulation, type BrokerOptions, type BrokerSimulation, type BrokerSimulationOptions} from './simulation.js';

/** close(), after finish(), lets go of Redis (bounded, also when Redis is gone). */
export type BrokerRun = WallClockRun<BrokerSimulation>;

/**
 * Connects and starts producing; the store's clock starts on `actions.start()`.
 * @throws {BrokerError} an unreachable Redis (within ~3 s), a bad URL, --speed other than 1
 */
export async function createBrokerRun(
	settings: Settings,
	broker: BrokerOptions,
	options: RunOptions & Pick<BrokerSimulationOptions, 'onNotice' | 'capacity' | 'onNoWorkers' | 'waitingNoticeMs'> = {},
): Promise<BrokerRun> {
	// Notices become the store's notes (the dashboard's note line, headless `note` lines,
	// the summary's notes); the ones from before the store exists are carried over.
	let toStore: ((text: string) => void) | undefined;
	const engine = await createBrokerSimulation(settings, broker, {
		capacity: options.capacity,
		waitForWorkersMs: settings.waitForWorkersMs,
		onNoWorkers: options.onNoWorkers,
		waitingNoticeMs: options.waitingNoticeMs,
		onNotice(text) {
			options.onNotice?.(text);
			toStore?.(text);
		},
	});
	return wireWallClockRun(engine, settings, options, note => (toStore = note));
}

/** Where headless broker mode writes; process.stdout by default. */
export interface HeadlessIo {
	write(text: string): void;
}

/**
 * `sms-dash --broker URL --headless` on its own (benchmarks, tests): progress lines, notices
 * (as `note` lines) and the summary, as in-process headless mode prints them, through the
 * one lifecycle. Resolves with the exit code (0 done, 3 a threshold crossed, 130 interrupted).
 * @throws {BrokerError} before anything is printed, when the run cannot start
 */
export async function runBrokerHeadless(
	settings: Settings,
	broker: BrokerOptions,
	io?: HeadlessIo,
	{waitingNoticeMs}: Pick<BrokerSimulationOptions, 'waitingNoticeMs'> = {},
): Promise<number> {
	const quiet = {on: () => undefined, off: () => undefined};
	const edges: Edges = {
		on: (signal, listener) => process.on(signal, listener),
		off: (signal, listener) => process.off(signal, listener),
		stdout: io === undefined ? process.stdout : {...quiet, write: (text: string) => io.write(text)},
		stderr: process.stderr,
	};
	const lifecycle = createLifecycle(edges);
	let noWorkers: string | undefined;
	let run;
	try {
		const html = settings.htmlPath === undefined ? undefined : (await import('../report/html.js')).createRunHtml;
		run = await createBrokerRun(settings, broker, {
			onDone: () => lifecycle.end('done'),
			onWriteError: () => lifecycle.end('broken'),
			onAbort: () => lifecycle.end('abort'),
			html,
			waitingNoticeMs,
			onNoWorkers(line) {
				noWorkers = line;
				lifecycle.end('failed');
			},
		});
	} catch (error) {
		lifecycle.dispose();
		throw error;
	}

	const code = await lifecycle.drive(headlessRun(run, settings.json, lifecycle.io, settings));
	if (noWorkers !== undefined) lifecycle.io.err(`sms-dash: ${noWorkers}\n`);
	return code;
}
