// The clock of a run on real workers (broker mode): the driver's, held at speed 1, where a
// pause cannot stop time and instead asks the simulation to stop taking messages.
import type {Driver} from '../driver.js';
import type {Simulation} from '../engine/simulation.js';
import type {RunControls} from '../store.js';

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
