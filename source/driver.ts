// The driver owns time: the only module that reads the wall clock or sets timers.
// It runs the engine to deadlines on the simulated clock (speed × wall time, or as
// fast as the CPU allows), stops at every monitor tick and scripted action, and
// hands ticks on in batches. Engine calls are the same at every speed.
import {applyAction} from './engine/actions.js';
import type {Simulation} from './engine/simulation.js';
import {Monitor, type Progress} from './engine/monitor.js';
import type {TimedAction} from './engine/types.js';

export interface DriverOptions {
	engine: Simulation;
	/** Simulated seconds per wall second; Infinity runs unpaced. */
	speed: number;
	intervalMs: number;
	/** Runtime changes to apply at their simulated times, sorted by time. */
	script?: readonly TimedAction[];
	/** Keep per-sender throughput history (the dashboard's sparklines). */
	trackSenders?: boolean;
	/** Every monitor reading, in order; the last one is at the final outcome. */
	onTick?: (progress: Progress) => void;
	/** Throttled: at most once per `publishEveryMs` of wall time, and at the end. */
	onPublish?: () => void;
	/** A scripted action named a sender that is gone. */
	onSkip?: (action: TimedAction) => void;
	/** Every message is finished and no scripted action is left. */
	onDone?: () => void;
	/** Nothing is scheduled and messages wait: no sender can ever take them. */
	onStall?: () => void;
	publishEveryMs?: number;
}

/**
 * The wall clock, in ms (monotonic; only differences are read). process.hrtime, not
 * performance.now: Node loads its performance API (perf_hooks) as `performance` is first
 * read, ~2 ms of a headless run's start-up. Tests give the CPU a cost through it.
 */
export const wallClock = {
	now(): number {
		const [seconds, nanoseconds] = process.hrtime();
		return seconds * 1000 + nanoseconds / 1e6;
	},
};

/** Events run between two looks at the wall clock. */
const chunkEvents = 4096;
/** The most idle readings shown in a row before the clock skips to the next scripted action. */
const maxIdleTicks = 1000;
/** Wall time one unpaced slice may take before the event loop gets a turn. */
const sliceMs = 12;

export class Driver {
	readonly monitor: Monitor;
	/** The latest monitor reading. */
	progress: Progress;
	isPaused = false;
	isRunning = false;
	isFinished = false;
	private speedValue: number;
	private nextTickMs: number;
	private scriptIndex = 0;
	private simAt0 = 0;
	private wallAt0 = 0;
	private wallStart = 0;
	private wallEnd: number | undefined;
	private lastPublish = -Infinity;
	private hasNews = false;
	private lastTickMs = -1;
	private isStallReported = false;
	private timer: ReturnType<typeof setTimeout> | undefined;
	private immediate: ReturnType<typeof setImmediate> | undefined;

	constructor(private readonly options: DriverOptions) {
		this.speedValue = options.speed;
		this.monitor = new Monitor(options.engine, options.trackSenders);
		this.nextTickMs = options.intervalMs;
		this.progress = this.monitor.sample(0);
	}

	/** Messages wait and nothing is scheduled or scripted: no sender can ever take them. */
	get isStalled(): boolean {
		const {engine, script = []} = this.options;
		return !engine.isDone && engine.nextEventAt() === undefined && this.scriptIndex >= script.length;
	}

	get speed(): number {
		return this.speedValue;
	}

	/** The simulated clock goes at any speed (the store's RunControls). */
	get canChangeSpeed(): boolean {
		return true;
	}

	sparkline(senderId: number): readonly number[] {
		return this.monitor.sparkline(senderId);
	}

	/** Wall ms since the simulation started (simulated 0), frozen at the end. */
	get wallElapsedMs(): number {
		if (!this.isRunning && this.wallEnd === undefined) return 0;
		return (this.wallEnd ?? wallClock.now()) - this.wallStart;
	}

	start(): void {
		if (this.isRunning || this.isFinished) return;
		this.isRunning = true;
		this.wallStart = wallClock.now();
		this.anchor();
		this.schedule(0);
	}

	/** Stops for good; idempotent. Clears the one timer. */
	stop(): void {
		if (!this.isRunning) return;
		this.isRunning = false;
		this.wallEnd = wallClock.now();
		this.clearTimers();
	}

	pause(): void {
		if (this.isPaused) return;
		this.isPaused = true;
		this.clearTimers();
	}

	resume(): void {
		if (!this.isPaused) return;
		this.isPaused = false;
		this.anchor();
		this.wake();
	}

	setSpeed(speed: number): void {
		this.speedValue = speed;
		this.anchor();
		this.wake();
	}

	/** Something changed outside (a key): run again if the loop was waiting. */
	wake(): void {
		if (this.isFinished && !this.options.engine.isDone) {
			// Work after the end (`n` on a finished dashboard, a replay going on): run again.
			this.isFinished = false;
			this.isRunning = true;
			this.wallEnd = undefined;
			this.anchor();
		}

		if (!this.isRunning || this.isPaused) return;
		this.clearTimers();
		this.schedule(0);
	}

	private anchor(): void {
		this.simAt0 = this.options.engine.simMs;
		this.wallAt0 = wallClock.now();
	}

	private clearTimers(): void {
		if (this.timer !== undefined) clearTimeout(this.timer);
		if (this.immediate !== undefined) clearImmediate(this.immediate);
		this.timer = undefined;
		this.immediate = undefined;
	}

	private schedule(delayMs: number): void {
		if (delayMs <= 0 && !Number.isFinite(this.speedValue)) {
			this.immediate = setImmediate(() => {
				this.immediate = undefined;
				this.step();
			});
		} else {
			this.timer = setTimeout(() => {
				this.timer = undefined;
				this.step();
			}, Math.max(0, delayMs));
		}
	}

	/** One wake-up: run to the deadline in chunks, then sleep until the next thing due. */
	private step(): void {
		if (!this.isRunning || this.isPaused) return;
		const {engine, script = []} = this.options;
		const isPaced = Number.isFinite(this.speedValue);
		const sliceEnd = wallClock.now() + sliceMs;
		for (;;) {
			const scriptAt = script[this.scriptIndex]?.simMs ?? Infinity;
			const {isStalled} = this;
			if (isStalled && !this.isStallReported) {
				this.isStallReported = true;
				this.publishIfDue(true);
				this.options.onStall?.();
				if (!this.isRunning) return;
			}

			this.isStallReported = isStalled;
			// Unpaced, a stalled clock has nothing to run to: wait for a wake().
			if (isStalled && !isPaced) return;
			const target = isPaced ? this.simAt0 + (wallClock.now() - this.wallAt0) * this.speedValue : Infinity;
			const stopAt = Math.min(target, this.nextTickMs, scriptAt);
			const events = engine.runUntil(stopAt, chunkEvents);
			const isCut = events >= chunkEvents && (engine.nextEventAt() ?? Infinity) <= stopAt;
			if (!isCut) {
				// Every event up to stopAt is done.
				if (engine.isDone && this.scriptIndex >= script.length) {
					this.end();
					return;
				}

				// The tick first: a key pressed live when a slice ended on a tick acted after
				// that tick's reading, and its replay must too.
				if (stopAt === this.nextTickMs) {
					this.tick(this.nextTickMs);
					this.nextTickMs += this.options.intervalMs;
					// A reading may end the run (--abort-on-fail).
					if (!this.isRunning) {
						this.publishIfDue(true);
						return;
					}

					this.skipIdleTicks(scriptAt);
				}

				if (stopAt === scriptAt) this.applyScript(scriptAt);

				if (stopAt === target) {
					this.publishIfDue();
					this.sleepUntilDue();
					return;
				}
			}

			if (wallClock.now() >= sliceEnd) {
				this.publishIfDue();
				this.schedule(0);
				return;
			}
		}
	}

	/**
	 * Nothing happens until the next event or scripted action, more than `maxIdleTicks`
	 * intervals off: the readings between would show the same figures, so the clock moves
	 * to the last tick before it (a run waiting for a change at 8000h, or for a send that
	 * takes hours read every millisecond, would print millions of lines). Decided on the
	 * simulated clock alone, so the readings are the same at every speed.
	 */
	private skipIdleTicks(scriptAt: number): void {
		const {engine, intervalMs} = this.options;
		const next = Math.min(engine.nextEventAt() ?? Infinity, scriptAt);
		if (!Number.isFinite(next)) return;
		const idleTicks = Math.floor((next - this.nextTickMs) / intervalMs);
		if (idleTicks > maxIdleTicks) this.nextTickMs += idleTicks * intervalMs;
	}

	/** Paced: one timer, set for the wall time the next event, tick or action is due. */
	private sleepUntilDue(): void {
		const {engine, script = []} = this.options;
		const next = Math.min(engine.nextEventAt() ?? Infinity, this.nextTickMs, script[this.scriptIndex]?.simMs ?? Infinity);
		const wallDue = this.wallAt0 + (next - this.simAt0) / this.speedValue;
		this.schedule(Math.min(wallDue - wallClock.now(), 1000));
	}

	private applyScript(atMs: number): void {
		const {engine, script = []} = this.options;
		while (this.scriptIndex < script.length && script[this.scriptIndex]!.simMs === atMs) {
			const action = script[this.scriptIndex++]!;
			if (!applyAction(engine, action)) this.options.onSkip?.(action);
		}

		this.hasNews = true;
	}

	private tick(atMs: number): void {
		this.progress = this.monitor.sample(atMs);
		this.lastTickMs = atMs;
		this.hasNews = true;
		this.options.onTick?.(this.progress);
	}

	/** The run is over: a last reading at the final outcome, a last publish. */
	private end(): void {
		const last = this.options.engine.totals().lastOutcomeMs;
		// After scripted actions that outlast the messages the last tick is later than the
		// last outcome, and already reads the final totals: readings never go back in time.
		if (last > this.lastTickMs) this.tick(last);
		this.stop();
		this.isFinished = true;
		this.publishIfDue(true);
		this.options.onDone?.();
	}

	private publishIfDue(force = false): void {
		const now = wallClock.now();
		if (!force && (!this.hasNews || now - this.lastPublish < (this.options.publishEveryMs ?? 50))) return;
		this.lastPublish = now;
		this.hasNews = false;
		this.options.onPublish?.();
	}
}
