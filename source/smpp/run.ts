// An SMPP run's wiring, as broker/run.ts does it for a broker: SmppSimulation + the same
// driver, store, --log, summary, --report and --html, on the wall clock; close() unbinds
// every bind after finish().
import {createDrivenStore, finisher, openRunFiles, storeOptionsOf, type RunFiles, type RunOptions, type StoreRun} from '../runs/in-process.js';
import {wallClockControls} from '../runs/wall-clock.js';
import type {Settings} from '../settings.js';
import {SmppSimulation, type SmppOptions} from './simulation.js';

export interface SmppRun extends StoreRun {
	engine: SmppSimulation;
	/** After finish(): unbinds and closes every bind (bounded). Idempotent. */
	close(): Promise<void>;
}

/**
 * Binds every sender to the SMSC; the store's clock starts on `actions.start()`.
 * @throws {SmppError} a refused bind or an unreachable SMSC (within ~5 s), one line, no password
 */
export async function createSmppRun(settings: Settings, smpp: SmppOptions, options: RunOptions = {}): Promise<SmppRun> {
	let toStore: ((text: string) => void) | undefined;
	const engine = new SmppSimulation(settings, {
		...smpp,
		onNotice(text) {
			smpp.onNotice?.(text);
			toStore?.(text);
		},
	});
	await engine.open();
	let files: RunFiles;
	try {
		files = openRunFiles(settings, options.onWriteError, options.html?.(engine.timeHistogram, engine.reachHistogram));
	} catch (error) {
		await engine.close();
		throw error;
	}

	let abortedBy: string | undefined;
	if (settings.logPath !== undefined) engine.onFinish = outcome => files.logOutcome(outcome);
	const {driver, store} = createDrivenStore(engine, {
		...storeOptionsOf(settings, options, files, expr => (abortedBy = expr)),
		speed: 1,
		controls: (driver, simulation) => wallClockControls(driver, simulation, text => toStore?.(text)),
	});
	for (const text of engine.notices) store.note(text);
	toStore = text => store.note(text);
	let closing: Promise<void> | undefined;
	return {
		engine,
		store,
		writeErrors: files.writeErrors,
		finish: finisher(engine, driver, store, settings, files, () => abortedBy),
		close() {
			closing ??= engine.close();
			return closing;
		},
	};
}
