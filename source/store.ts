// The one place the UI and headless read from: a vanilla zustand store holding the
// latest engine snapshot (published in batches, never per message) and the actions
// that change the run. Actions publish at once, so a key press shows immediately.
import {createStore, type StoreApi} from 'zustand/vanilla';
import {Driver} from './driver.js';
import {describeAction} from './engine/actions.js';
import type {Simulation} from './engine/simulation.js';
import type {Progress} from './engine/monitor.js';
import type {SenderSnapshot, SenderSpec, Snapshot, TimedAction} from './engine/types.js';

export interface RunState {
	isPaused: boolean;
	/** Every message asked for is finished (more can still be added). */
	isDone: boolean;
	/** Messages wait and nothing is scheduled: no sender is left to take them. */
	isStalled: boolean;
	speed: number;
	wallElapsedMs: number;
	/** The clock is the wall clock (broker mode): no speed change, no pause. */
	isRealTimeOnly: boolean;
}

export interface UiState {
	/** Index into the running senders. */
	selected: number;
	isHelpOpen: boolean;
}

export interface DashActions {
	start(): void;
	/** Stops the clock for good (quit, signal); idempotent. */
	stop(): void;
	addSender(): void;
	removeSelected(): void;
	select(index: number): void;
	selectBy(delta: number): void;
	/** factor < 1 shortens the selected sender's mean send time. */
	scaleMean(factor: number): void;
	changeFailureRate(delta: number): void;
	produceMore(count?: number): void;
	faster(): void;
	slower(): void;
	togglePause(): void;
	toggleHelp(): void;
	closeHelp(): void;
}

export interface DashState {
	snap: Snapshot;
	/** The latest monitor reading (refreshed every interval). */
	progress: Progress;
	/** Monitor readings since the previous publish, oldest first (headless prints each). */
	ticks: Progress[];
	run: RunState;
	ui: UiState;
	/** Things the user should know that are not figures (skipped script actions). */
	notes: string[];
	publish(): void;
	actions: DashActions;
}

export interface DashStoreOptions {
	speed: number;
	intervalMs: number;
	script?: readonly TimedAction[];
	/** Per-sender sparklines (dashboard only). */
	trackSenders?: boolean;
	/** A sender spec for `a` when no sender is left to copy. */
	defaultSpec: SenderSpec;
	/** The clock is the wall clock (broker mode): speed keys and pause do nothing. */
	isRealTimeOnly?: boolean;
	/** Least wall time between two publishes. @default 50 */
	publishEveryMs?: number;
	/** Messages `n` adds. @default 1000 */
	moreCount?: number;
	onDone?: () => void;
	onStall?: () => void;
}

export type DashStore = StoreApi<DashState> & {
	driver: Driver;
	/** Adds a note from the simulation itself (a broker's "worker joined"), shown at once. */
	note(text: string): void;
};

/** Speeds `>` and `<` step through; Infinity is "max". */
export const speedSteps = [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 1000, Infinity];

export function nextSpeed(speed: number, direction: 1 | -1): number {
	if (direction > 0) return speedSteps.find(s => s > speed) ?? Infinity;
	return speedSteps.findLast(s => s < speed) ?? speedSteps[0]!;
}

/** The note a scripted action that found no sender leaves in the summary. */
export function skipNote(action: TimedAction): string {
	return `${(action.simMs / 1000).toFixed(3)}s: skipped ${describeAction(action)}: no such sender`;
}

const runningBySnap = new WeakMap<Snapshot, readonly SenderSnapshot[]>();

/**
 * The senders still running, in the order they were added. Kept per snapshot: the store's
 * selectors ask for it several times a publish, and a snapshot can hold thousands.
 */
export function runningSenders(snap: Snapshot): readonly SenderSnapshot[] {
	let running = runningBySnap.get(snap);
	if (running === undefined) {
		running = snap.senders.filter(s => s.state !== 'removed');
		runningBySnap.set(snap, running);
	}

	return running;
}

export function createDashStore(engine: Simulation, options: DashStoreOptions): DashStore {
	let pendingTicks: Progress[] = [];
	const notes: string[] = [];
	// eslint-disable-next-line prefer-const -- the driver's callbacks need the store
	let store: StoreApi<DashState>;
	const driver = new Driver({
		engine,
		speed: options.speed,
		intervalMs: options.intervalMs,
		script: options.script,
		trackSenders: options.trackSenders,
		publishEveryMs: options.publishEveryMs,
		onTick(progress) {
			pendingTicks.push(progress);
		},
		onPublish: () => store.getState().publish(),
		onSkip(action) {
			notes.push(skipNote(action));
		},
		onDone: () => options.onDone?.(),
		onStall: () => options.onStall?.(),
	});

	function addNote(text: string): void {
		notes.push(text);
		store.getState().publish();
	}

	/** Broker mode: the simulation is not taking messages (`togglePause` on a wall clock). */
	let isTakingPaused = false;
	const runState = (): RunState => ({
		isPaused: driver.isPaused || isTakingPaused,
		isDone: engine.isDone,
		isStalled: driver.isStalled,
		speed: driver.speed,
		wallElapsedMs: driver.wallElapsedMs,
		isRealTimeOnly: options.isRealTimeOnly ?? false,
	});

	store = createStore<DashState>()((set, get) => {
		const publish = () => {
			const ticks = pendingTicks;
			pendingTicks = [];
			const snap = engine.snapshot();
			const count = runningSenders(snap).length;
			const {ui} = get();
			const selected = Math.max(0, Math.min(ui.selected, count - 1));
			set({
				snap,
				progress: driver.progress,
				ticks,
				run: runState(),
				ui: selected === ui.selected ? ui : {...ui, selected},
				notes: notes.length === get().notes.length ? get().notes : [...notes],
			});
		};

		/** A change made by the user: show it now and let the clock see it. */
		const changed = () => {
			publish();
			driver.wake();
		};

		const selectedSender = (): SenderSnapshot | undefined => runningSenders(get().snap)[get().ui.selected];

		const tuneSelected = (patch: (spec: SenderSpec) => Partial<SenderSpec>) => {
			const sender = selectedSender();
			if (sender === undefined) return;
			engine.tuneSender(sender.id, patch(sender.spec));
			changed();
		};

		return {
			snap: engine.snapshot(),
			progress: driver.progress,
			ticks: [],
			run: runState(),
			ui: {selected: 0, isHelpOpen: false},
			notes: [],
			publish,
			actions: {
				start() {
					driver.start();
					publish();
				},
				stop() {
					driver.stop();
					publish();
				},
				addSender() {
					engine.addSender(selectedSender()?.spec ?? options.defaultSpec);
					changed();
				},
				removeSelected() {
					const sender = selectedSender();
					if (sender === undefined) return;
					engine.removeSender(sender.id);
					changed();
				},
				select(index) {
					const count = runningSenders(get().snap).length;
					const selected = Math.max(0, Math.min(index, count - 1));
					set(s => ({ui: {...s.ui, selected}}));
				},
				selectBy(delta) {
					get().actions.select(get().ui.selected + delta);
				},
				scaleMean(factor) {
					tuneSelected(spec => ({
						meanMs: round3(spec.meanMs * factor),
						...(spec.spreadMs === undefined ? {} : {spreadMs: round3(spec.spreadMs * factor)}),
					}));
				},
				changeFailureRate(delta) {
					tuneSelected(spec => ({failureRate: Math.round(Math.min(1, Math.max(0, spec.failureRate + delta)) * 100) / 100}));
				},
				produceMore(count = options.moreCount ?? 1000) {
					engine.produceMore(count);
					changed();
				},
				faster() {
					if (options.isRealTimeOnly) return;
					driver.setSpeed(nextSpeed(driver.speed, 1));
					publish();
				},
				slower() {
					if (options.isRealTimeOnly) return;
					driver.setSpeed(nextSpeed(driver.speed, -1));
					publish();
				},
				togglePause() {
					if (options.isRealTimeOnly) {
						// The wall clock goes on; the simulation stops taking messages instead.
						if (engine.setPaused === undefined) return;
						isTakingPaused = !isTakingPaused;
						const what = isTakingPaused ? 'pause' : 'resume';
						engine.setPaused(isTakingPaused).catch((error: unknown) => {
							addNote(`${(engine.simMs / 1000).toFixed(1)}s: ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
						});
					} else if (driver.isPaused) driver.resume();
					else driver.pause();
					publish();
				},
				toggleHelp() {
					set(s => ({ui: {...s.ui, isHelpOpen: !s.ui.isHelpOpen}}));
				},
				closeHelp() {
					set(s => ({ui: {...s.ui, isHelpOpen: false}}));
				},
			},
		};
	});

	return Object.assign(store, {driver, note: addNote});
}

function round3(value: number): number {
	return Math.round(value * 1000) / 1000;
}
