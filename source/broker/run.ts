// A broker run's wiring, as run.ts does it in-process: BrokerSimulation + the same store,
// --log, summary and --report; plus the headless loop for `sms-dash --broker`. The one
// difference is the end: close() is asynchronous (it lets go of Redis), after finish().
import {printHeadless} from '../headless.js';
import type {Summary} from '../report.js';
import {exitCodeOf, finisher, openRunFiles, type RunFiles, type RunOptions} from '../run.js';
import type {Settings} from '../settings.js';
import {createDashStore, type DashStore} from '../store.js';
import {createBrokerSimulation, type BrokerOptions, type BrokerSimulation, type BrokerSimulationOptions} from './simulation.js';

export interface BrokerRun {
	engine: BrokerSimulation;
	store: DashStore;
	/** Stops the clock, completes the log and writes --report; returns the summary. Idempotent. */
	finish(): Summary;
	/** One line per output file that could not be written; the run then ends with exit 1. */
	readonly writeErrors: readonly string[];
	/** After finish(): lets go of Redis (bounded, also when Redis is gone). Idempotent. */
	close(): Promise<void>;
}

/**
 * Connects and starts producing; the store's driver starts the clock on `actions.start()`.
 * @throws {BrokerError} an unreachable Redis (within ~3 s), a bad URL, --speed other than 1
 */
export async function createBrokerRun(
	settings: Settings,
	broker: BrokerOptions,
	options: RunOptions & Pick<BrokerSimulationOptions, 'onNotice' | 'capacity'> = {},
): Promise<BrokerRun> {
	// Notices become the store's notes (the dashboard's note line, headless `note` lines,
	// the summary's notes); the ones from before the store exists are carried over.
	let toStore: ((text: string) => void) | undefined;
	const engine = await createBrokerSimulation(settings, broker, {
		capacity: options.capacity,
		onNotice(text) {
			options.onNotice?.(text);
			toStore?.(text);
		},
	});
	let files: RunFiles;
	try {
		files = openRunFiles(settings, options.onWriteError);
	} catch (error) {
		await engine.close();
		throw error;
	}

	if (settings.logPath !== undefined) engine.onFinish = outcome => files.logOutcome(outcome);
	const store = createDashStore(engine, {
		speed: 1,
		intervalMs: settings.intervalMs,
		script: settings.script,
		trackSenders: options.trackSenders,
		publishEveryMs: options.publishEveryMs,
		isRealTimeOnly: true,
		defaultSpec: settings.senders[0] ?? {meanMs: 100, failureRate: 0.1, distribution: 'gamma'},
		onDone: options.onDone,
		onStall: options.onStall,
	});
	for (const text of engine.notices) store.note(text);
	toStore = text => store.note(text);

	let closing: Promise<void> | undefined;
	return {
		engine,
		store,
		writeErrors: files.writeErrors,
		finish: finisher(engine, store, settings, files),
		close() {
			closing ??= engine.close();
			return closing;
		},
	};
}

const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Where headless broker mode writes; process.stdout by default. */
export interface HeadlessIo {
	write(text: string): void;
}

/**
 * `sms-dash --broker URL --headless`: progress lines, notices (as `note` lines) and the
 * summary, as in-process headless mode prints them. Resolves with the exit code (0 done,
 * 3 a threshold crossed, 130 interrupted).
 * @throws {BrokerError} before anything is printed, when the run cannot start
 */
export async function runBrokerHeadless(settings: Settings, broker: BrokerOptions, io?: HeadlessIo): Promise<number> {
	let isStdoutClosed = false;
	const write =
		io?.write ??
		((text: string) => {
			if (!isStdoutClosed) process.stdout.write(text);
		});
	const onStdoutError = (error: NodeJS.ErrnoException) => {
		if (error.code !== 'EPIPE') throw error;
		isStdoutClosed = true;
		end('pipe');
	};

	let end: (how: 'done' | 'signal' | 'pipe' | 'error') => void = () => undefined;
	// Notices print as the store's notes, through printHeadless.
	const run = await createBrokerRun(settings, broker, {onDone: () => end('done'), onWriteError: () => end('error')});
	return new Promise<number>(resolve => {
		const endPrinting = printHeadless(run, settings.json, write, text => process.stderr.write(text));
		let hasEnded = false;
		end = how => {
			if (hasEnded) return;
			hasEnded = true;
			const summary = endPrinting();
			void run.close().then(() => {
				for (const signal of signals) process.off(signal, onSignal);
				if (io === undefined) process.stdout.off('error', onStdoutError);
				if (run.writeErrors.length > 0) resolve(1);
				else resolve(how === 'pipe' ? 0 : exitCodeOf(summary, how === 'signal'));
			});
		};

		function onSignal() {
			end('signal');
		}

		if (io === undefined) process.stdout.on('error', onStdoutError);
		for (const signal of signals) process.on(signal, onSignal);
		run.store.getState().actions.start();
	});
}
