// An SMPP run's wiring, as broker/run.ts does it for a broker: SmppSimulation + the same
// driver, store, --log, summary, --report and --html, on the wall clock; close() unbinds
// every bind after finish().
import type {RunOptions} from '../runs/in-process.js';
import {wireWallClockRun, type WallClockRun} from '../runs/wall-clock.js';
import type {Settings} from '../settings.js';
import {SmppSimulation, type SmppOptions} from './simulation.js';

/** close(), after finish(), unbinds and closes every bind (bounded). */
export type SmppRun = WallClockRun<SmppSimulation>;

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
	return wireWallClockRun(engine, settings, options, note => (toStore = note));
}
