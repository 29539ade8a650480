// A run on real workers or a real gateway (broker and SMPP modes): the driver's clock held at
// speed 1, where a pause cannot stop time and instead asks the simulation to stop taking
// messages; and the wiring both modes share (files, store, finish, an asynchronous close).
import type {Driver} from '../driver.js';
import type {Simulation} from '../engine/simulation.js';
import type {Settings} from '../settings.js';
import type {RunControls} from '../store.js';
import {createDrivenStore, finisher, openRunFiles, storeOptionsOf, type RunFiles, type RunOptions, type StoreRun} from './in-process.js';

/** A simulation whose senders are elsewhere: notices from before the store, and a close that lets go of them. */
export interface WallClockSimulation extends Simulation {
	readonly notices: readonly string[];
	close(): Promise<void>;
}

export interface WallClockRun<E extends WallClockSimulation> extends StoreRun {
	engine: E;
	/** After finish(): lets go of what the simulation holds (Redis, binds); bounded. Idempotent. */
	close(): Promise<void>;
}

/**
 * The store, driver, --log, summary, --report and --html of an open simulation, on the wall
 * clock. `notes` is given where later notices go (the store's notes); those from before it
 * existed are carried over. Closes the simulation when an output cannot be opened.
 */
export async function wireWallClockRun<E extends WallClockSimulation>(
	engine: E,
	settings: Settings,
	options: RunOptions,
	notes: (note: (text: string) => void) => void,
): Promise<WallClockRun<E>> {
	let files: RunFiles;
	try {
		files = openRunFiles(settings, options.onWriteError, options.html?.(engine.timeHistogram, engine.reachHistogram));
	} catch (error) {
		await engine.close();
		throw error;
	}

	let abortedBy: string | undefined;
	let toStore: ((text: string) => void) | undefined;
	if (settings.logPath !== undefined) engine.onFinish = outcome => files.logOutcome(outcome);
	const {driver, store} = createDrivenStore(engine, {
		...storeOptionsOf(settings, options, files, expr => (abortedBy = expr)),
		// Real time only (--speed other than 1 was refused).
		speed: 1,
		controls: (driver, simulation) => wallClockControls(driver, simulation, text => toStore?.(text)),
	});
	for (const text of engine.notices) store.note(text);
	toStore = text => store.note(text);
	notes(toStore);

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

/** `note` says when the simulation refused a pause or resume (Redis gone). */
export function wallClockControls(driver: Driver, simulation: Simulation, note: (text: string) => void): RunControls {
	let isTakingPaused = false;
	const setTaking = (isPaused: boolean) => {
		if (simulation.setPaused === undefined || isPaused === isTakingPaused) return;
		isTakingPaused = isPaused;
		simulation.setPaused(isPaused).catch((error: unknown) => {
			note(`${(simulation.simMs / 1000).toFixed(1)}s: ${isPaused ? 'pause' : 'resume'} failed: ${error instanceof Error ? error.message : String(error)}`);
		});
	};

	return {
		get speed() {
			return driver.speed;
		},
		get wallElapsedMs() {
			return driver.wallElapsedMs;
		},
		get isPaused() {
			return isTakingPaused;
		},
		get isStalled() {
			return driver.isStalled;
		},
		get isFinished() {
			return driver.isFinished;
		},
		get progress() {
			return driver.progress;
		},
		canChangeSpeed: false,
		start: () => driver.start(),
		stop: () => driver.stop(),
		pause: () => setTaking(true),
		resume: () => setTaking(false),
		setSpeed() {
			// The wall clock goes at its own speed.
		},
		wake: () => driver.wake(),
		sparkline: senderId => driver.sparkline(senderId),
	};
}
