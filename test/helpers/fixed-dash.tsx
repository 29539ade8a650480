// The dashboard over snapshots a test writes: a Simulation that returns whatever snapshot it
// is given and records every tune, under the real store and <App>. For figures the engine
// does not fill yet, and for exact frames of chosen numbers.
import {render} from 'ink-testing-library';
import type {Simulation} from '../../source/engine/simulation.js';
import {Histogram} from '../../source/engine/histogram.js';
import type {SenderSpec, Snapshot} from '../../source/engine/types.js';
import {createDashStore, type DashStore, type RunControls} from '../../source/store.js';
import {App} from '../../source/ui/app.js';
import {createTheme} from '../../source/ui/theme.js';
import {flush} from './render-dash.js';
import {readingOf} from './snapshots.js';

/** A Simulation whose snapshot is set by the test; tunes are recorded and applied to it. */
export class FixedSimulation implements Simulation {
	readonly actions = [];
	onFinish = undefined;
	readonly timeHistogram = new Histogram();
	readonly reachHistogram = new Histogram();
	readonly tunes: Array<{id: number; patch: Partial<SenderSpec>}> = [];
	/** An SMPP run's: the SMSC answers the binds' submits. */
	sendsFromSmsc?: boolean;

	constructor(public snap: Snapshot) {}

	get simMs(): number {
		return this.snap.simMs;
	}

	get isDone(): boolean {
		return this.snap.isDone;
	}

	runUntil(): number {
		return 0;
	}

	nextEventAt(): number | undefined {
		return undefined;
	}

	addSender(): number {
		return 0;
	}

	readonly removed: number[] = [];

	removeSender(id: number): boolean {
		this.removed.push(id);
		return false;
	}

	tuneSender(id: number, patch: Partial<SenderSpec>): boolean {
		this.tunes.push({id, patch});
		this.snap = {...this.snap, senders: this.snap.senders.map(s => (s.id === id ? {...s, spec: {...s.spec, ...patch}} : s))};
		return true;
	}

	produceMore(): void {
		// Nothing to produce: the snapshot is the test's.
	}

	totals() {
		return this.snap;
	}

	snapshot(): Snapshot {
		return this.snap;
	}

	spread() {
		const none = {minMs: undefined, p50Ms: undefined, p90Ms: undefined, p95Ms: undefined, p99Ms: undefined, maxMs: undefined};
		return {time: none, e2e: none} as unknown as ReturnType<Simulation['spread']>;
	}

	forEachSender(): void {
		// No sparklines.
	}
}

function stillControls(canChangeSpeed = true): RunControls {
	return {
		speed: 1,
		wallElapsedMs: 0,
		isPaused: false,
		isStalled: false,
		isFinished: false,
		progress: readingOf(0),
		canChangeSpeed,
		start() {},
		stop() {},
		pause() {},
		resume() {},
		setSpeed() {},
		wake() {},
		sparkline: () => [],
	};
}

export interface FixedDashOptions {
	columns?: number;
	rows?: number;
	gatewayRate?: number;
	hasReceipts?: boolean;
	intervalMs?: number;
	/** A broker run's clock: the wall's, no speed keys. */
	isWallClock?: boolean;
	/** An SMPP run's (a wall clock, and the SMSC decides how the binds' submits go). */
	isSmpp?: boolean;
}

export interface FixedDash {
	frame(): string;
	press(...keys: string[]): Promise<void>;
	/** Shows this snapshot next, as a publish does. */
	show(snap: Snapshot): Promise<void>;
	simulation: FixedSimulation;
	store: DashStore;
	unmount(): void;
}

/** Needs vi.useFakeTimers() first (flushes advance the fake clock). */
export async function renderFixed(snap: Snapshot, options: FixedDashOptions = {}): Promise<FixedDash> {
	const simulation = new FixedSimulation(snap);
	if (options.isSmpp === true) simulation.sendsFromSmsc = true;
	const store = createDashStore({simulation, controls: stillControls(options.isWallClock !== true && options.isSmpp !== true), defaultSpec: {meanMs: 100, failureRate: 0.1, distribution: 'gamma'}});
	const ink = render(
		<App
			store={store}
			seed={1}
			theme={createTheme({})}
			gatewayRate={options.gatewayRate}
			hasReceipts={options.hasReceipts}
			intervalMs={options.intervalMs}
		/>,
	);
	const size = {columns: options.columns ?? 80, rows: options.rows ?? 24};
	Object.defineProperty(ink.stdout, 'columns', {get: () => size.columns, configurable: true});
	Object.defineProperty(ink.stdout, 'rows', {get: () => size.rows, configurable: true});
	ink.stdout.emit('resize');
	await flush();
	return {
		frame: () => ink.lastFrame() ?? '',
		async press(...keys) {
			for (const key of keys) {
				ink.stdin.write(key);
				await flush();
			}
		},
		async show(next) {
			simulation.snap = next;
			store.getState().publish();
			await flush();
		},
		simulation,
		store,
		unmount() {
			ink.unmount();
			ink.cleanup();
		},
	};
}
