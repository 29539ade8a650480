// The one place the UI and headless read from: a vanilla zustand store holding the
// latest engine snapshot (published in batches, never per message) and the actions
// that change the run. Actions publish at once, so a key press shows immediately.
// It is given the run's clock (RunControls) and builds nothing: mode differences live there.
import {createStore, type StoreApi} from 'zustand/vanilla';
import {describeAction} from './engine/actions.js';
import {formatCount} from './format.js';
import type {Simulation} from './engine/simulation.js';
import type {Progress} from './engine/monitor.js';
import {limits, type SenderSnapshot, type SenderSpec, type Snapshot, type TimedAction} from './engine/types.js';

export interface RunState {
	isPaused: boolean;
	/** Every message asked for is finished (more can still be added). */
	isDone: boolean;
	/** Messages wait and nothing is scheduled: no sender is left to take them. */
	isStalled: boolean;
	speed: number;
	wallElapsedMs: number;
	/** The speed keys act (false on the wall clock of broker mode). */
	canChangeSpeed: boolean;
	/** The keys for a sender's send time and failure rate act (false in SMPP mode: the SMSC decides them). */
	canTuneSends: boolean;
}

/**
 * What the store needs of the run's clock: the driver in-process (driver.ts), the wall
 * clock of a broker run (broker/run.ts). The mode's differences live here, not in the UI.
 */
export interface RunControls {
	readonly speed: number;
	/** Wall ms since the run started, frozen at its end. */
	readonly wallElapsedMs: number;
	readonly isPaused: boolean;
	/** Messages wait and nothing is scheduled: no sender is left to take them. */
	readonly isStalled: boolean;
	/** The run reached its end (more work, `n`, starts it again). */
	readonly isFinished: boolean;
	/** The latest monitor reading. */
	readonly progress: Progress;
	/** Speed changes act; false on a wall clock. */
	readonly canChangeSpeed: boolean;
	start(): void;
	/** Stops for good (quit, signal); idempotent. */
	stop(): void;
	pause(): void;
	resume(): void;
	setSpeed(speed: number): void;
	/** Something changed outside (a key): look again. */
	wake(): void;
	/** A sender's recent throughput, oldest first (empty when not tracked). */
	sparkline(senderId: number): readonly number[];
}

export interface UiState {
	/** Index into the listed senders (listedSenders). */
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
	/** The selected sender's window, one step smaller (-1) or larger (1) of windowSteps. */
	changeWindow(direction: 1 | -1): void;
	/** The selected sender's rate cap, one step lower (-1) or higher (1) of rateSteps; see nextRate. */
	changeRate(direction: 1 | -1): void;
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
	simulation: Simulation;
	controls: RunControls;
	/** A sender spec for `a` when no sender is left to copy. */
	defaultSpec: SenderSpec;
	/** Messages `n` adds. @default 1000 */
	moreCount?: number;
	/**
	 * Whether the face reads each snapshot's senders (the dashboard does; headless lines read
	 * the readings only, and 100,000 senders' snapshots a publish are not free). @default true
	 */
	showsSenders?: boolean;
}

export type DashStore = StoreApi<DashState> & {
	/** A sender's recent throughput (the dashboard's sparklines). */
	sparkline(senderId: number): readonly number[];
	/** A monitor reading, kept for the next publish (headless prints each). */
	tick(progress: Progress): void;
	/** Adds a note (a broker's "worker joined", a skipped scripted action); shown at once unless `isQuiet`. */
	note(text: string, isQuiet?: boolean): void;
};

/** Speeds `>` and `<` step through; Infinity is "max". */
export const speedSteps = [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 1000, Infinity];

export function nextSpeed(speed: number, direction: 1 | -1): number {
	if (direction > 0) return speedSteps.find(s => s > speed) ?? Infinity;
	return speedSteps.findLast(s => s < speed) ?? speedSteps[0]!;
}

/** Windows `w` and `W` step through (submits a sender may have unanswered). */
export const windowSteps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

/** Rate caps `r` and `R` step through (segments/s): the presets' 1, 3 and 100 among them. */
export const rateSteps = [1, 3, 10, 30, 100, 300, 1000, 3000, 10_000];

/** The next window of the steps from any window; never below 1, and kept above the last step. */
export function nextWindow(window: number, direction: 1 | -1): number {
	if (direction > 0) return windowSteps.find(w => w > window) ?? window;
	return windowSteps.findLast(w => w < window) ?? window;
}

/**
 * The next rate cap; undefined is no cap, above every step. Lower from no cap gives the
 * first step below what the sender can do now (window ÷ mean send time), so the cap bites.
 * Never below the first step nor above the last: a cap once set stays (a tune to "no cap"
 * would not survive the report's JSON, and --replay must rebuild every change).
 */
export function nextRate(spec: Pick<SenderSpec, 'rate' | 'window' | 'meanMs'>, direction: 1 | -1): number | undefined {
	const {rate} = spec;
	if (rate === undefined) {
		if (direction > 0) return undefined;
		const ceiling = ((spec.window ?? 1) * 1000) / spec.meanMs;
		return rateSteps.findLast(r => r < ceiling) ?? rateSteps[0]!;
	}

	if (direction > 0) return rateSteps.find(r => r > rate) ?? rate;
	return rateSteps.findLast(r => r < rate) ?? rate;
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

const listedBySnap = new WeakMap<Snapshot, readonly SenderSnapshot[]>();

/**
 * The senders the list shows, in the order they were added: the running ones and, in
 * broker mode, those whose worker is gone (a row that says so, its figures kept in view).
 * Kept per snapshot, as runningSenders is.
 */
export function listedSenders(snap: Snapshot): readonly SenderSnapshot[] {
	let listed = listedBySnap.get(snap);
	if (listed === undefined) {
		listed = snap.senders.some(s => s.isGone === true) ? snap.senders.filter(s => s.state !== 'removed' || s.isGone === true) : runningSenders(snap);
		listedBySnap.set(snap, listed);
	}

	return listed;
}

export function createDashStore({simulation: engine, controls, defaultSpec, moreCount = 1000, showsSenders = true}: DashStoreOptions): DashStore {
	let pendingTicks: Progress[] = [];
	const notes: string[] = [];
	// eslint-disable-next-line prefer-const -- note() needs the store
	let store: StoreApi<DashState>;

	function addNote(text: string, isQuiet = false): void {
		notes.push(text);
		if (!isQuiet) store.getState().publish();
	}

	// Each limit is noted once, however often its key is pressed.
	const limitsNoted = new Set<string>();
	const atLimit = (text: string): void => {
		if (limitsNoted.has(text)) return;
		limitsNoted.add(text);
		addNote(text);
	};

	const runState = (): RunState => ({
		isPaused: controls.isPaused,
		isDone: engine.isDone,
		isStalled: controls.isStalled,
		speed: controls.speed,
		wallElapsedMs: controls.wallElapsedMs,
		canChangeSpeed: controls.canChangeSpeed,
		canTuneSends: engine.sendsFromSmsc !== true,
	});

	store = createStore<DashState>()((set, get) => {
		const publish = () => {
			const ticks = pendingTicks;
			pendingTicks = [];
			const snap = engine.snapshot(showsSenders);
			const count = listedSenders(snap).length;
			const {ui} = get();
			const selected = Math.max(0, Math.min(ui.selected, count - 1));
			set({
				snap,
				progress: controls.progress,
				ticks,
				run: runState(),
				ui: selected === ui.selected ? ui : {...ui, selected},
				notes: notes.length === get().notes.length ? get().notes : [...notes],
			});
		};

		/** A change made by the user: show it now and let the clock see it. */
		const changed = () => {
			publish();
			controls.wake();
		};

		const selectedSender = (): SenderSnapshot | undefined => listedSenders(get().snap)[get().ui.selected];
		/** The selected sender, if the keys can change it (a gone one's worker cannot hear them). */
		const tunableSender = (): SenderSnapshot | undefined => {
			const sender = selectedSender();
			return sender?.isGone === true ? undefined : sender;
		};

		/**
		 * Tunes the selected sender, unless the patch leaves it as it is (`[` at 0%, `w` at the
		 * smallest window): then nothing is recorded as an action (issue 20).
		 */
		const tuneSelected = (patch: (spec: SenderSpec) => Partial<SenderSpec>) => {
			const sender = tunableSender();
			if (sender === undefined) return;
			const change = patch(sender.spec);
			const keys = Object.keys(change) as Array<keyof SenderSpec>;
			if (keys.every(key => change[key] === sender.spec[key])) return;
			engine.tuneSender(sender.id, change);
			changed();
		};

		return {
			snap: engine.snapshot(showsSenders),
			progress: controls.progress,
			ticks: [],
			run: runState(),
			ui: {selected: 0, isHelpOpen: false},
			notes: [],
			publish,
			actions: {
				start() {
					controls.start();
					publish();
				},
				stop() {
					controls.stop();
					publish();
				},
				addSender() {
					// The keys keep the limits the command line and a script keep.
					if (engine.snapshot().senders.length >= limits.senders) return atLimit(`the limit of ${formatCount(limits.senders)} senders is reached: no more can be added`);
					engine.addSender(selectedSender()?.spec ?? defaultSpec);
					changed();
				},
				removeSelected() {
					const sender = tunableSender();
					if (sender === undefined) return;
					engine.removeSender(sender.id);
					changed();
				},
				select(index) {
					const count = listedSenders(get().snap).length;
					const selected = Math.max(0, Math.min(index, count - 1));
					set(s => ({ui: {...s.ui, selected}}));
				},
				selectBy(delta) {
					get().actions.select(get().ui.selected + delta);
				},
				scaleMean(factor) {
					if (engine.sendsFromSmsc === true) return;
					tuneSelected(spec => ({
						meanMs: round3(spec.meanMs * factor),
						...(spec.spreadMs === undefined ? {} : {spreadMs: round3(spec.spreadMs * factor)}),
					}));
				},
				changeFailureRate(delta) {
					if (engine.sendsFromSmsc === true) return;
					tuneSelected(spec => ({failureRate: Math.round(Math.min(1, Math.max(0, spec.failureRate + delta)) * 100) / 100}));
				},
				changeWindow(direction) {
					tuneSelected(spec => {
						const window = nextWindow(spec.window ?? 1, direction);
						return window === (spec.window ?? 1) ? {} : {window};
					});
				},
				changeRate(direction) {
					tuneSelected(spec => ({rate: nextRate(spec, direction)}));
				},
				produceMore(count = moreCount) {
					const {produced, pending} = engine.totals();
					const allowed = Math.min(count, limits.messages - produced - pending);
					if (allowed <= 0) return atLimit(`the limit of ${formatCount(limits.messages)} messages is reached: no more can be produced`);
					engine.produceMore(allowed);
					changed();
				},
				faster() {
					if (!controls.canChangeSpeed) return;
					controls.setSpeed(nextSpeed(controls.speed, 1));
					publish();
				},
				slower() {
					if (!controls.canChangeSpeed) return;
					controls.setSpeed(nextSpeed(controls.speed, -1));
					publish();
				},
				togglePause() {
					// Once done there is nothing to pause: a silent pause would hold the work `n` adds.
					if (engine.isDone && !controls.isPaused) return;
					if (controls.isPaused) controls.resume();
					else controls.pause();
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

	return Object.assign(store, {
		sparkline: (senderId: number) => controls.sparkline(senderId),
		tick(progress: Progress) {
			pendingTicks.push(progress);
		},
		note: addNote,
	});
}

function round3(value: number): number {
	return Math.round(value * 1000) / 1000;
}
