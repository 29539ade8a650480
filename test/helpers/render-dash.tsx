// The one way UI tests render the dashboard: a real run (engine + store via createRun)
// from a Settings object, <App> in ink-testing-library with a faked terminal size, and
// a flush after the render and after every key (ink-testing-library#11).
import {render} from 'ink-testing-library';
import {afterEach, beforeEach, vi} from 'vitest';
import type {DeliverySpec, SenderSpec} from '../../source/engine/types.js';
import {createRun, type InProcessRun} from '../../source/runs/in-process.js';
import type {Settings} from '../../source/settings.js';
import type {DashStore} from '../../source/store.js';
import {parseThreshold} from '../../source/thresholds.js';
import {App} from '../../source/ui/app.js';
import {createTheme, type Theme} from '../../source/ui/theme.js';
import {testSettings} from './settings.js';

/** Escape sequences, named once. */
export const KEY = {
	up: '\u001B[A',
	down: '\u001B[B',
	pageUp: '\u001B[5~',
	pageDown: '\u001B[6~',
	home: '\u001B[H',
	end: '\u001B[F',
	esc: '\u001B',
	ctrlC: '\u0003',
	space: ' ',
} as const;

/**
 * Lets React and Ink catch up. Twice under fake timers: an update that does not come from
 * a key (a resize, a store publish) is rendered from a timer that the first pass schedules.
 */
export const flush = async (): Promise<void> => {
	if (vi.isFakeTimers()) {
		await vi.advanceTimersByTimeAsync(0);
		await vi.advanceTimersByTimeAsync(0);
	} else {
		await new Promise<void>(resolve => setImmediate(() => setTimeout(resolve, 0)));
	}
};

export const defaultSpec: SenderSpec = {meanMs: 100, failureRate: 0.1, distribution: 'gamma'};

export interface DashOptions {
	messages?: number;
	/** How many senders of `spec` (default 3), or the specs themselves. */
	senders?: number | SenderSpec[];
	spec?: Partial<SenderSpec>;
	seed?: number;
	speed?: number;
	intervalMs?: number;
	retries?: number;
	/** Threshold rules as a user types them ("p95<250ms"). */
	thresholds?: string[];
	exitOnDone?: boolean;
	columns?: number;
	rows?: number;
	/** Start the clock (default false: a still picture of the start). */
	start?: boolean;
	/** Colours from this environment (default: none set, so colours on). */
	env?: Record<string, string | undefined>;
	/** The delivery model's run keys (--gateway-rate, --delivery). */
	gatewayRate?: number;
	delivery?: DeliverySpec;
}

export function makeSettings(options: DashOptions = {}): Settings {
	const spec = {...defaultSpec, ...options.spec};
	const senders =
		typeof options.senders === 'object' ? options.senders : Array.from({length: options.senders ?? 3}, () => ({...spec}));
	return testSettings({
		messages: options.messages ?? 1000,
		senders,
		retries: options.retries ?? 0,
		seed: options.seed ?? 1,
		intervalMs: options.intervalMs ?? 1000,
		speed: options.speed ?? 1,
		headless: false,
		json: false,
		exitOnDone: options.exitOnDone ?? false,
		thresholds: (options.thresholds ?? []).map(expr => parseThreshold(expr)),
		...(options.gatewayRate === undefined ? {} : {gatewayRate: options.gatewayRate}),
		...(options.delivery === undefined ? {} : {delivery: options.delivery}),
	});
}

export interface Dash {
	/** The latest frame, as the terminal shows it. */
	frame(): string;
	/** Everything written to the terminal, in order. */
	writes(): readonly string[];
	/** Types keys one at a time, flushing after each. */
	press(...keys: string[]): Promise<void>;
	/** Lets `ms` of (fake) wall time pass. */
	advance(ms: number): Promise<void>;
	/** Changes the terminal's size as a real resize does. */
	resize(columns: number, rows: number): Promise<void>;
	store: DashStore;
	run: InProcessRun;
	settings: Settings;
	theme: Theme;
	/** Calls of App's onExit (quit 0, interrupt 130). */
	exits: number[];
	unmount(): void;
}

/** Needs vi.useFakeTimers() first (the driver's clock is the fake one). */
export async function renderDash(options: DashOptions = {}): Promise<Dash> {
	const settings = makeSettings(options);
	const run = createRun(settings, {trackSenders: true});
	const theme = createTheme(options.env ?? {});
	const exits: number[] = [];
	const ink = render(
		<App
			store={run.store}
			seed={settings.seed}
			thresholds={settings.thresholds}
			gatewayRate={settings.gatewayRate}
			hasReceipts={settings.delivery !== undefined}
			intervalMs={settings.intervalMs}
			theme={theme}
			onExit={code => exits.push(code)}
		/>,
	);
	// ink-testing-library's stdout is 100 columns and has no rows: give it a real size.
	const size = {columns: options.columns ?? 80, rows: options.rows ?? 24};
	Object.defineProperty(ink.stdout, 'columns', {get: () => size.columns, configurable: true});
	Object.defineProperty(ink.stdout, 'rows', {get: () => size.rows, configurable: true});
	ink.stdout.emit('resize');
	if (options.start) run.store.getState().actions.start();
	await flush();
	return {
		frame: () => ink.lastFrame() ?? '',
		writes: () => ink.frames,
		async press(...keys) {
			for (const key of keys) {
				ink.stdin.write(key);
				await flush();
			}
		},
		async advance(ms) {
			await vi.advanceTimersByTimeAsync(ms);
			await flush();
		},
		async resize(columns, rows) {
			size.columns = columns;
			size.rows = rows;
			ink.stdout.emit('resize');
			await flush();
		},
		store: run.store,
		run,
		settings,
		theme,
		exits,
		unmount() {
			run.store.getState().actions.stop();
			ink.unmount();
			ink.cleanup();
		},
	};
}

/** Lines of a frame, for height checks. */
export function lines(frame: string): string[] {
	return frame.split('\n');
}

/**
 * For a test file or a describe block: fake timers around each test, and an `open(...)` that
 * renders with `render` and unmounts what it rendered after the test.
 */
export function openPerTest<Args extends unknown[], Rendered extends {unmount(): void}>(
	render: (...args: Args) => Promise<Rendered>,
): (...args: Args) => Promise<Rendered> {
	let rendered: Rendered | undefined;
	beforeEach(() => {
		vi.useFakeTimers();
	});

	afterEach(() => {
		rendered?.unmount();
		rendered = undefined;
		vi.useRealTimers();
	});

	return async (...args) => {
		rendered = await render(...args);
		return rendered;
	};
}

/** openPerTest for the dashboard: `open(options)` renders `base` under `options`. */
export function dashPerTest(base: DashOptions = {}): (options?: DashOptions) => Promise<Dash> {
	return openPerTest(async (options: DashOptions = {}) => renderDash({...base, ...options}));
}
