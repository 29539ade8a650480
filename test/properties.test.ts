// Property tests at the store/driver level: random schedules of what a user (keys), a
// script or a broker can do while the clock runs under fake timers, at every speed. After
// every step the books balance; at the end every message finished exactly once, a removed
// sender's message included; and the seed plus the recorded actions replay the same
// outcomes on a fresh engine. A failing schedule shrinks to a short list of tagged records
// such as [{wait: 120}, {remove: 0}, {more: 3}].
import fc from 'fast-check';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {applyAction} from '../source/engine/actions.js';
import {createEngine, type Engine} from '../source/engine/engine.js';
import type {Progress} from '../source/engine/monitor.js';
import {distributions, type Action, type Distribution, type Outcome, type RunSettings, type SenderSpec, type Snapshot} from '../source/engine/types.js';
import {wallClock, type Driver} from '../source/driver.js';
import {createDrivenStore} from '../source/runs/in-process.js';
import {runningSenders, type DashStore} from '../source/store.js';

// ---- What can happen --------------------------------------------------------------------

/** One step of a schedule. Indexes pick among the running senders (wrapping around). */
type Command =
	/** Fake wall time passes. */
	| {wait: number}
	/** The next few timers fire, one at a time: an unpaced run does that many slices. */
	| {turns: number}
	/** A sender with its own settings (a script's add, `--sender`). */
	| {add: SenderSpec}
	/** `a` with the sender at this index selected (a copy of it, or the default spec when none). */
	| {copy: number}
	/** `x` on the sender at this index. */
	| {remove: number}
	/** `+` / `-` on the sender at this index. */
	| {mean: number; factor: number}
	/** `]` / `[` on the sender at this index. */
	| {rate: number; delta: number}
	/** A script's tune of the distribution (no key does that). */
	| {distribution: number; to: Distribution}
	/** `space`. */
	| {pause: true}
	/** The driver's speed set outright (Infinity = max), or `>` / `<`. */
	| {speed: number | 'faster' | 'slower'}
	/** `n`, or a script's more. */
	| {more: number};

interface Scenario {
	settings: RunSettings;
	/** Each listed sender starts this many times (a fleet stays short to print). @default 1 */
	copies?: number;
	speed: number;
	/** Fake wall ms each finished message costs, so unpaced runs end slices and yield. */
	cpuMsPerMessage: number;
	commands: Command[];
}

const defaultSpec: SenderSpec = {meanMs: 40, failureRate: 0.1, distribution: 'gamma'};

const specArb: fc.Arbitrary<SenderSpec> = fc
	.record({
		distribution: fc.constantFrom<Distribution>(...distributions),
		meanMs: fc.oneof(fc.constant(0), fc.integer({min: 1, max: 150})),
		failureRate: fc.oneof(fc.constantFrom(0, 1), fc.double({min: 0, max: 1, noNaN: true})),
		spreadShare: fc.option(fc.double({min: 0.05, max: 1, noNaN: true}), {nil: undefined}),
		maxWaitMs: fc.option(fc.integer({min: 0, max: 200}), {nil: undefined}),
		failoverMs: fc.option(fc.integer({min: 1, max: 300}), {nil: undefined}),
	})
	.map(({spreadShare, maxWaitMs, failoverMs, ...spec}) => ({
		...spec,
		...(spreadShare !== undefined && spec.distribution !== 'constant' && spec.distribution !== 'exponential' ? {spreadMs: spec.meanMs * spreadShare} : {}),
		...(maxWaitMs === undefined ? {} : {maxWaitMs}),
		...(failoverMs === undefined ? {} : {failoverMs}),
	}));

const pick = fc.nat({max: 7});

const commandArb: fc.Arbitrary<Command> = fc.oneof(
	{weight: 4, arbitrary: fc.oneof(fc.integer({min: 0, max: 60}), fc.integer({min: 100, max: 3000})).map(wait => ({wait}))},
	{weight: 2, arbitrary: fc.integer({min: 1, max: 5}).map(turns => ({turns}))},
	{weight: 1, arbitrary: specArb.map(add => ({add}))},
	{weight: 1, arbitrary: pick.map(copy => ({copy}))},
	{weight: 2, arbitrary: pick.map(remove => ({remove}))},
	{weight: 1, arbitrary: fc.record({mean: pick, factor: fc.constantFrom(0.8, 1.25, 0.1, 10)})},
	{weight: 1, arbitrary: fc.record({rate: pick, delta: fc.constantFrom(-0.05, 0.05, -1, 1)})},
	{weight: 1, arbitrary: fc.record({distribution: pick, to: fc.constantFrom<Distribution>(...distributions)})},
	{weight: 1, arbitrary: fc.constant({pause: true as const})},
	{weight: 1, arbitrary: fc.oneof(fc.constantFrom(0.25, 1, 7, 1000, Infinity), fc.constantFrom('faster' as const, 'slower' as const)).map(speed => ({speed}))},
	{weight: 1, arbitrary: fc.integer({min: 1, max: 60}).map(more => ({more}))},
);

const scenarioArb = (options: {maxMessages: number; maxCommands: number}): fc.Arbitrary<Scenario> =>
	fc.record({
		settings: fc.record({
			messages: fc.integer({min: 0, max: options.maxMessages}),
			senders: fc.array(specArb, {maxLength: 4}),
			retries: fc.integer({min: 0, max: 3}),
			seed: fc.integer({min: 0, max: 2 ** 32 - 1}),
			intervalMs: fc.constantFrom(50, 250, 1000),
		}),
		speed: fc.constantFrom(0.5, 1, 10, 1000, Infinity),
		cpuMsPerMessage: fc.constantFrom(0, 0.05, 4),
		commands: fc.array(commandArb, {maxLength: options.maxCommands, size: 'medium'}),
	});

// ---- One live run and what it saw ---------------------------------------------------------

interface World {
	settings: RunSettings;
	engine: Engine;
	store: DashStore;
	driver: Driver;
	outcomes: Outcome[];
	/** Broken promises seen inside callbacks (a throw there would escape the property). */
	broken: Set<string>;
	/** When each removed sender went, in simulated ms. */
	removedAt: Map<number, number>;
	/** Messages a sender held when it was removed. */
	heldByRemoved: number[];
}

/** The engine does not say which message a sender holds; the test looks inside, read only. */
function heldMessage(engine: Engine, senderId: number): number | undefined {
	const inside = engine as unknown as {senders: Array<{id: number; message?: {id: number}}>};
	return inside.senders.find(s => s.id === senderId)?.message?.id;
}

/** The promises a snapshot keeps, as a list of the ones it breaks. */
function bookErrors(s: Snapshot): string[] {
	const errors: string[] = [];
	const check = (ok: boolean, what: string) => {
		if (!ok) errors.push(what);
	};

	check(s.produced === s.queued + s.inFlight + s.sent + s.failed, 'produced = queued + inFlight + sent + failed');
	check(s.pending === s.total - s.produced && s.pending >= 0, 'pending = total - produced >= 0');
	check(s.attempts >= s.sent + s.failed, 'attempts >= sent + failed');
	const sum = (field: 'sent' | 'failed' | 'attempts' | 'inFlight') => s.senders.reduce((total, x) => total + x[field], 0);
	check(sum('sent') === s.sent, 'sent = sum over senders (removed ones too)');
	check(sum('failed') === s.failed, 'failed = sum over senders (removed ones too)');
	check(sum('attempts') === s.attempts, 'attempts = sum over senders (removed ones too)');
	check(sum('inFlight') === s.inFlight, 'inFlight = sum over senders');
	check(s.senders.filter(x => x.state === 'resting').length === s.resting, 'resting = resting senders');
	check(s.senders.every(x => x.state !== 'removed' || x.inFlight === 0), 'a removed sender holds nothing');
	check(s.isDone === (s.produced === s.total && s.queued === 0 && s.inFlight === 0), 'isDone = nothing left');
	return errors;
}

function progressErrors(p: Progress): string[] {
	return p.produced === p.queued + p.inFlight + p.sent + p.failed ? [] : ['progress: produced = queued + inFlight + sent + failed'];
}

function startWorld(scenario: Scenario): World {
	const copies = scenario.copies ?? 1;
	const settings = {...scenario.settings, senders: scenario.settings.senders.flatMap(spec => Array.from({length: copies}, () => ({...spec})))};
	const engine = createEngine(settings);
	const world: World = {settings, engine, store: undefined!, driver: undefined!, outcomes: [], broken: new Set(), removedAt: new Map(), heldByRemoved: []};
	const finished = new Set<number>();
	let cpuMs = 0;
	const fakeNow = wallClock.now.bind(wallClock);
	vi.spyOn(wallClock, 'now').mockImplementation(() => fakeNow() + cpuMs);
	engine.onFinish = outcome => {
		cpuMs += scenario.cpuMsPerMessage;
		if (finished.has(outcome.id)) world.broken.add(`message ${outcome.id} finished twice`);
		finished.add(outcome.id);
		const removed = world.removedAt.get(outcome.sender);
		if (removed !== undefined) world.broken.add(`sender ${outcome.sender}, removed at ${removed}, finished message ${outcome.id} at ${outcome.simMs}`);
		world.outcomes.push(outcome);
	};

	({store: world.store, driver: world.driver} = createDrivenStore(engine, {speed: scenario.speed, intervalMs: settings.intervalMs, defaultSpec}));
	world.store.subscribe(state => {
		for (const error of bookErrors(state.snap)) world.broken.add(`published snapshot: ${error}`);
		for (const tick of state.ticks) for (const error of progressErrors(tick)) world.broken.add(error);
	});
	world.store.getState().actions.start();
	return world;
}

/** The sender at `index` among the running ones (wrapping), selected as the keys would. */
function selectAt(world: World, index: number): number | undefined {
	const {actions, snap} = world.store.getState();
	const running = runningSenders(snap);
	if (running.length === 0) return undefined;
	actions.select(index % running.length);
	return running[index % running.length]!.id;
}

/** A change from outside the keys (a script, a broker): straight on the engine, then shown. */
function change(world: World, action: Action): void {
	applyAction(world.engine, action);
	world.store.getState().publish();
	world.driver.wake();
}

async function step(world: World, command: Command): Promise<void> {
	const {store, engine, driver} = world;
	const {actions} = store.getState();
	if ('wait' in command) {
		const before = {simMs: engine.simMs, finished: world.outcomes.length, isPaused: driver.isPaused};
		await vi.advanceTimersByTimeAsync(command.wait);
		if (before.isPaused && (engine.simMs !== before.simMs || world.outcomes.length !== before.finished)) world.broken.add('the clock moved while paused');
	} else if ('turns' in command) {
		for (let i = 0; i < command.turns; i++) await vi.advanceTimersToNextTimerAsync();
	} else if ('add' in command) {
		change(world, {add: command.add});
	} else if ('copy' in command) {
		selectAt(world, command.copy);
		actions.addSender();
	} else if ('remove' in command) {
		const id = selectAt(world, command.remove);
		if (id === undefined) return;
		const held = heldMessage(engine, id);
		actions.removeSelected();
		// Unless it finished the very instant it was removed (before the removal), it must finish elsewhere.
		if (held !== undefined && !world.outcomes.some(o => o.id === held)) world.heldByRemoved.push(held);
		world.removedAt.set(id, engine.simMs);
	} else if ('mean' in command) {
		if (selectAt(world, command.mean) !== undefined) actions.scaleMean(command.factor);
	} else if ('rate' in command) {
		if (selectAt(world, command.rate) !== undefined) actions.changeFailureRate(command.delta);
	} else if ('distribution' in command) {
		const id = selectAt(world, command.distribution);
		if (id !== undefined) change(world, {tune: {sender: id, distribution: command.to}});
	} else if ('pause' in command) {
		actions.togglePause();
	} else if ('speed' in command) {
		if (command.speed === 'faster') actions.faster();
		else if (command.speed === 'slower') actions.slower();
		else driver.setSpeed(command.speed);
	} else {
		actions.produceMore(command.more);
	}
}

/** Resumes, goes to max speed, adds a sender if none is left, and runs to the end. */
async function runOut(world: World): Promise<void> {
	const {store, engine, driver} = world;
	if (driver.isPaused) store.getState().actions.togglePause();
	driver.setSpeed(Infinity);
	if (engine.senderIds().length === 0) change(world, {add: {meanMs: 5, failureRate: 0, distribution: 'constant'}});
	for (let turns = 0; !(engine.isDone && driver.isFinished); turns++) {
		if (turns > 10_000) throw new Error('the run does not end');
		await vi.advanceTimersByTimeAsync(50);
	}
}

/** Everything a finished run promises, as a list of the promises it breaks. */
function endErrors(world: World): string[] {
	const {engine, outcomes, settings} = world;
	const t = engine.totals();
	const errors = [...world.broken, ...bookErrors(engine.snapshot())];
	const check = (ok: boolean, what: string) => {
		if (!ok) errors.push(what);
	};

	check(t.isDone && t.produced === t.total, 'every message asked for was made and finished');
	check(outcomes.length === t.total, `${outcomes.length} outcomes for ${t.total} messages`);
	const ids = new Set(outcomes.map(o => o.id));
	check(ids.size === outcomes.length && outcomes.every(o => o.id >= 1 && o.id <= t.total), 'every id 1..total finished once');
	for (const held of world.heldByRemoved) check(ids.has(held), `message ${held}, held by a removed sender, never finished`);
	check(outcomes.reduce((sum, o) => sum + o.attempts, 0) === t.attempts, 'attempts = sum of the outcomes’ attempts');
	check(outcomes.every(o => o.attempts >= 1 && o.attempts <= settings.retries + 1), '1 <= attempts <= retries + 1');
	check(outcomes.every(o => o.outcome === 'sent' || o.attempts === settings.retries + 1), 'a failed message used every attempt');
	check(outcomes.every((o, i) => i === 0 || o.simMs >= outcomes[i - 1]!.simMs), 'outcomes in order of finishing');
	check(outcomes.filter(o => o.outcome === 'sent').length === t.sent, 'sent = sent outcomes');
	return errors;
}

/** The seed and the recorded actions, applied at their simulated times on a fresh engine. */
function replay(world: World): Outcome[] {
	const engine = createEngine(world.settings);
	const outcomes: Outcome[] = [];
	engine.onFinish = outcome => outcomes.push(outcome);
	for (const {simMs, ...action} of world.engine.actions) {
		engine.runUntil(simMs);
		applyAction(engine, action as Action);
	}

	engine.runUntil(Infinity);
	return outcomes;
}

async function checkScenario(scenario: Scenario): Promise<void> {
	const world = startWorld(scenario);
	try {
		for (const command of scenario.commands) {
			await step(world, command);
			const errors = [...world.broken, ...bookErrors(world.engine.snapshot())];
			expect(errors, `after ${JSON.stringify(command)}`).toEqual([]);
		}

		await runOut(world);
		expect(endErrors(world)).toEqual([]);
		expect(replay(world)).toEqual(world.outcomes);
	} finally {
		world.store.getState().actions.stop();
		vi.restoreAllMocks();
		vi.clearAllTimers();
	}
}

beforeEach(() => {
	vi.useFakeTimers();
});

afterEach(() => {
	vi.restoreAllMocks();
	vi.useRealTimers();
});

describe('random schedules at the store and driver', () => {
	it('small runs: the books balance after every step, every message ends once, the actions replay', async () => {
		await fc.assert(fc.asyncProperty(scenarioArb({maxMessages: 150, maxCommands: 40}), checkScenario), {numRuns: 2500});
		// About 20 s on 2 cores, 30 s once under a loaded CI run: more than the default timeout.
	}, 120_000);

	it('bursts: thousands of messages finishing at the same instants, changed between the driver’s slices', async () => {
		// Constant times, a max-wait cut and mean 0 make many events due at one simulated
		// time; a slice of the unpaced driver can end in the middle of such an instant.
		const burstSpec = fc.record({
			meanMs: fc.constantFrom(0, 1, 10),
			failureRate: fc.constantFrom(0, 0.2, 1),
			distribution: fc.constantFrom<Distribution>('constant', 'uniform', 'exponential'),
			maxWaitMs: fc.constantFrom(1, 5),
		});
		const burstArb = fc.record({
			settings: fc.record({
				messages: fc.integer({min: 4000, max: 9000}),
				senders: fc.array(burstSpec, {minLength: 1, maxLength: 3}),
				retries: fc.integer({min: 0, max: 3}),
				seed: fc.integer({min: 0, max: 2 ** 32 - 1}),
				intervalMs: fc.constantFrom(250, 1000, 60_000),
			}),
			copies: fc.integer({min: 1, max: 40}),
			speed: fc.constant(Infinity),
			cpuMsPerMessage: fc.constantFrom(0.01, 0.1),
			commands: fc.array(
				fc.oneof(
					fc.constantFrom<Command>({turns: 1}, {turns: 1}, {turns: 3}, {wait: 1}, {pause: true}, {more: 500}),
					pick.map((copy): Command => ({copy})),
					pick.map((remove): Command => ({remove})),
					fc.record({rate: pick, delta: fc.constantFrom(-1, 1)}),
				),
				{maxLength: 12},
			),
		});
		await fc.assert(fc.asyncProperty(burstArb, checkScenario), {numRuns: 60});
	});

	it('one zero-time instant longer than any slice: the driver yields inside it, and changes there still replay', async () => {
		const instantArb: fc.Arbitrary<Scenario> = fc.record({
			settings: fc.record({
				messages: fc.integer({min: 70_000, max: 90_000}),
				senders: fc.constant<SenderSpec[]>([{meanMs: 0, failureRate: 0.1, distribution: 'gamma'}]),
				retries: fc.integer({min: 0, max: 1}),
				seed: fc.integer({min: 0, max: 2 ** 32 - 1}),
				intervalMs: fc.constant(1000),
			}),
			copies: fc.integer({min: 1, max: 3}),
			speed: fc.constantFrom(1, Infinity),
			cpuMsPerMessage: fc.constant(0.01),
			commands: fc.array(
				fc.oneof(
					fc.constantFrom<Command>({turns: 1}, {turns: 2}, {more: 1000}, {pause: true}),
					pick.map((copy): Command => ({copy})),
					pick.map((remove): Command => ({remove})),
				),
				{minLength: 1, maxLength: 6},
			),
		});
		await fc.assert(fc.asyncProperty(instantArb, checkScenario), {numRuns: 8});
	});
});
