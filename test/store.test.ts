import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {Driver} from '../source/driver.js';
import {createEngine, type Engine} from '../source/engine/engine.js';
import type {Progress} from '../source/engine/monitor.js';
import type {Simulation} from '../source/engine/simulation.js';
import type {Outcome, RunSettings, SenderSpec} from '../source/engine/types.js';
import {createDrivenStore, type DrivenStoreOptions} from '../source/runs/in-process.js';
import {wallClockControls} from '../source/runs/wall-clock.js';
import {nextSpeed, runningSenders, speedSteps, type DashState, type DashStore} from '../source/store.js';
import {recordOutcomes} from './helpers/outcomes.js';

const spec = (over: Partial<SenderSpec> = {}): SenderSpec => ({meanMs: 100, failureRate: 0.1, distribution: 'gamma', ...over});
const defaultSpec = spec({meanMs: 77, failureRate: 0.05});

const settingsOf = (over: Partial<RunSettings> = {}): RunSettings => ({
	messages: 200,
	senders: [spec(), spec({meanMs: 50, failureRate: 0.2}), spec({distribution: 'exponential', failureRate: 0})],
	retries: 0,
	seed: 7,
	intervalMs: 1000,
	...over,
});

interface Setup {
	engine: Engine;
	store: DashStore;
	driver: Driver;
	outcomes: Outcome[];
	/** Every state the store published to subscribers, in order. */
	states: DashState[];
	get: () => DashState;
}

function setUp(settings = settingsOf(), options: Partial<DrivenStoreOptions> = {}): Setup {
	const engine = createEngine(settings);
	const outcomes = recordOutcomes(engine);

	const {store, driver} = createDrivenStore(engine, {speed: Infinity, intervalMs: settings.intervalMs, defaultSpec, ...options});
	const states: DashState[] = [];
	store.subscribe(state => states.push(state));
	return {engine, store, driver, outcomes, states, get: () => store.getState()};
}

async function untilDone(clock: {isFinished: boolean}, stepMs = 1000, limitMs = 1e7): Promise<number> {
	let waited = 0;
	while (!clock.isFinished) {
		if (waited >= limitMs) throw new Error('not done');
		await vi.advanceTimersByTimeAsync(stepMs);
		waited += stepMs;
	}

	return waited;
}

const running = (s: Setup) => runningSenders(s.get().snap);

beforeEach(() => {
	vi.useFakeTimers();
});

afterEach(() => {
	vi.useRealTimers();
});

describe('createDashStore', () => {
	it('starts with the engine’s first snapshot and a quiet UI', () => {
		const s = setUp();
		const state = s.get();
		expect(state.snap.senders.map(x => x.id)).toEqual([1, 2, 3]);
		expect(state.snap.total).toBe(200);
		expect(state.ui).toEqual({selected: 0, isHelpOpen: false});
		expect(state.run).toMatchObject({isPaused: false, isDone: false, isStalled: false, speed: Infinity});
		expect(state.ticks).toEqual([]);
		expect(state.notes).toEqual([]);
	});

	it('a note from the simulation (a broker notice) is published at once, after the ones before it', async () => {
		const s = setUp(settingsOf(), {script: [{simMs: 0, remove: 99}]});
		s.store.note('0.0s: senders #4, #5 joined (vm, pid 1)');
		expect(s.states.at(-1)!.notes).toEqual(['0.0s: senders #4, #5 joined (vm, pid 1)']);
		s.get().actions.start();
		await vi.advanceTimersByTimeAsync(1);
		s.store.note('0.1s: Redis is back after 1.0 s');
		expect(s.get().notes).toEqual([
			'0.0s: senders #4, #5 joined (vm, pid 1)',
			'0.000s: skipped remove sender 99: no such sender',
			'0.1s: Redis is back after 1.0 s',
		]);
	});

	it('without showsSenders (headless) each publish carries the totals and no sender; the summary still sees every sender', async () => {
		const s = setUp(settingsOf(), {showsSenders: false});
		s.get().actions.start();
		await untilDone(s.driver);
		expect(s.states.length).toBeGreaterThan(1);
		for (const state of s.states) expect(state.snap.senders).toEqual([]);
		expect(s.get().snap.sent + s.get().snap.failed).toBe(200);
		expect(s.engine.snapshot().senders.map(sender => sender.sent + sender.failed).reduce((a, b) => a + b, 0)).toBe(200);
	});

	it('two stores are independent (a factory, no module state)', () => {
		const a = setUp();
		const b = setUp();
		a.get().actions.addSender();
		a.get().actions.toggleHelp();
		expect(running(a)).toHaveLength(4);
		expect(running(b)).toHaveLength(3);
		expect(b.get().ui.isHelpOpen).toBe(false);
	});

	describe('addSender', () => {
		it('adds a copy of the selected sender, shows it at once, and it then sends', async () => {
			const s = setUp();
			s.get().actions.select(1);
			s.get().actions.addSender();
			// Published at once, before any time passes.
			expect(running(s).map(x => x.id)).toEqual([1, 2, 3, 4]);
			expect(running(s)[3]!.spec).toEqual(spec({meanMs: 50, failureRate: 0.2}));
			s.get().actions.start();
			await untilDone(s.driver);
			const added = s.get().snap.senders[3]!;
			expect(added.sent + added.failed).toBeGreaterThan(0);
			expect(s.outcomes.some(o => o.sender === 4)).toBe(true);
			expect(s.get().run.isDone).toBe(true);
		});

		it('with no sender left, adds the default spec', () => {
			const s = setUp(settingsOf({senders: []}));
			s.get().actions.addSender();
			expect(running(s).map(x => x.spec)).toEqual([defaultSpec]);
		});

		it('wakes a stalled unpaced run', async () => {
			const onStall = vi.fn();
			const onDone = vi.fn();
			const s = setUp(settingsOf({senders: []}), {onStall, onDone});
			s.get().actions.start();
			await vi.advanceTimersByTimeAsync(0);
			expect(onStall).toHaveBeenCalledTimes(1);
			expect(s.get().run.isStalled).toBe(true);
			s.get().actions.addSender();
			await vi.advanceTimersByTimeAsync(0);
			expect(onDone).toHaveBeenCalledTimes(1);
			expect(s.get().run).toMatchObject({isDone: true, isStalled: false});
			expect(s.outcomes).toHaveLength(200);
		});
	});

	describe('removeSelected', () => {
		it('removes the selected sender mid-run and loses no message', async () => {
			const s = setUp(settingsOf(), {speed: 1});
			s.get().actions.start();
			await vi.advanceTimersByTimeAsync(500);
			const before = s.engine.totals();
			expect(before.inFlight).toBe(3);
			s.get().actions.select(1);
			s.get().actions.removeSelected();
			expect(s.get().snap.senders[1]!.state).toBe('removed');
			expect(running(s).map(x => x.id)).toEqual([1, 3]);
			expect(s.get().snap.inFlight).toBe(2);
			expect(s.get().snap.queued).toBe(before.queued + 1);
			await untilDone(s.driver);
			expect(s.outcomes).toHaveLength(200);
			expect(new Set(s.outcomes.map(o => o.id)).size).toBe(200);
			expect(s.outcomes.filter(o => o.simMs > 500).every(o => o.sender !== 2)).toBe(true);
			expect(s.get().snap.sent + s.get().snap.failed).toBe(200);
		});

		it('keeps the selection on a running sender when the last one goes', () => {
			const s = setUp();
			s.get().actions.select(2);
			s.get().actions.removeSelected();
			expect(s.get().ui.selected).toBe(1);
			s.get().actions.removeSelected();
			s.get().actions.removeSelected();
			expect(running(s)).toEqual([]);
			expect(s.get().ui.selected).toBe(0);
			// Nothing left to remove: no change, nothing recorded.
			s.get().actions.removeSelected();
			expect(s.engine.actions.filter(a => 'remove' in a)).toHaveLength(3);
		});
	});

	describe('tuning the selected sender', () => {
		it('scaleMean changes the selected sender’s mean (and a spread it has), nothing else', () => {
			const s = setUp(settingsOf({senders: [spec(), spec({meanMs: 10, spreadMs: 4}), spec()]}));
			s.get().actions.select(1);
			s.get().actions.scaleMean(0.5);
			expect(running(s).map(x => x.spec.meanMs)).toEqual([100, 5, 100]);
			expect(running(s)[1]!.spec.spreadMs).toBe(2);
			s.get().actions.scaleMean(1 / 3);
			expect(running(s)[1]!.spec.meanMs).toBe(1.667);
			s.get().actions.select(0);
			s.get().actions.scaleMean(1.25);
			expect(running(s)[0]!.spec).toEqual(spec({meanMs: 125}));
			expect(running(s)[0]!.spec).not.toHaveProperty('spreadMs');
			expect(s.engine.actions).toEqual([
				{simMs: 0, tune: {sender: 2, meanMs: 5, spreadMs: 2}},
				{simMs: 0, tune: {sender: 2, meanMs: 1.667, spreadMs: 0.667}},
				{simMs: 0, tune: {sender: 1, meanMs: 125}},
			]);
		});

		it('when an SMSC decides send times and failures (SMPP mode), the mean and failure keys change nothing and record nothing', () => {
			const s = setUp();
			expect(s.get().run.canTuneSends).toBe(true);
			Object.assign(s.engine, {sendsFromSmsc: true});
			s.get().publish();
			expect(s.get().run.canTuneSends).toBe(false);
			const before = running(s).map(x => x.spec);
			s.get().actions.scaleMean(0.8);
			s.get().actions.changeFailureRate(0.05);
			expect(running(s).map(x => x.spec)).toEqual(before);
			expect(s.engine.actions).toEqual([]);
			// The window and rate keys still act: a bind has both.
			s.get().actions.changeWindow(1);
			expect(s.engine.actions).toEqual([{simMs: 0, tune: {sender: 1, window: 2}}]);
		});

		it('a shorter mean makes that sender faster', async () => {
			const s = setUp(settingsOf({messages: 3000, senders: [spec(), spec()]}));
			s.get().actions.select(1);
			s.get().actions.scaleMean(0.25);
			s.get().actions.start();
			await untilDone(s.driver);
			const [slow, fast] = s.get().snap.senders;
			expect(fast!.sent + fast!.failed).toBeGreaterThan(3 * (slow!.sent + slow!.failed));
			expect(fast!.observedMeanMs).toBeLessThan(30);
		});

		it('changeFailureRate steps by the delta, rounded, and clamps to 0..1', () => {
			const s = setUp();
			s.get().actions.changeFailureRate(0.2);
			expect(running(s)[0]!.spec.failureRate).toBe(0.3);
			s.get().actions.changeFailureRate(5);
			expect(running(s)[0]!.spec.failureRate).toBe(1);
			s.get().actions.changeFailureRate(0.1);
			expect(running(s)[0]!.spec.failureRate).toBe(1);
			s.get().actions.changeFailureRate(-0.05);
			expect(running(s)[0]!.spec.failureRate).toBe(0.95);
			s.get().actions.changeFailureRate(-5);
			expect(running(s)[0]!.spec.failureRate).toBe(0);
			expect(running(s)[1]!.spec.failureRate).toBe(0.2);
		});

		it('tuning with no sender does nothing', () => {
			const s = setUp(settingsOf({senders: []}));
			s.get().actions.scaleMean(2);
			s.get().actions.changeFailureRate(0.1);
			expect(s.engine.actions).toEqual([]);
		});
	});

	describe('selection', () => {
		it('select and selectBy clamp to the running senders', () => {
			const s = setUp();
			const {actions} = s.get();
			actions.selectBy(1);
			expect(s.get().ui.selected).toBe(1);
			actions.selectBy(10);
			expect(s.get().ui.selected).toBe(2);
			actions.selectBy(-1);
			expect(s.get().ui.selected).toBe(1);
			actions.selectBy(-10);
			expect(s.get().ui.selected).toBe(0);
			actions.select(99);
			expect(s.get().ui.selected).toBe(2);
			actions.select(-3);
			expect(s.get().ui.selected).toBe(0);
		});

		it('with no senders the selection stays 0', () => {
			const s = setUp(settingsOf({senders: []}));
			s.get().actions.selectBy(1);
			s.get().actions.selectBy(-1);
			expect(s.get().ui.selected).toBe(0);
		});
	});

	describe('the clock', () => {
		it('togglePause stops and restarts the simulated clock', async () => {
			const s = setUp(settingsOf(), {speed: 1});
			s.get().actions.start();
			await vi.advanceTimersByTimeAsync(600);
			s.get().actions.togglePause();
			expect(s.get().run.isPaused).toBe(true);
			const sim = s.engine.simMs;
			const finished = s.outcomes.length;
			await vi.advanceTimersByTimeAsync(3000);
			expect(s.engine.simMs).toBe(sim);
			expect(s.outcomes).toHaveLength(finished);
			s.get().actions.togglePause();
			expect(s.get().run.isPaused).toBe(false);
			await vi.advanceTimersByTimeAsync(1000);
			expect(s.outcomes.length).toBeGreaterThan(finished);
			await untilDone(s.driver);
			expect(s.outcomes).toHaveLength(200);
		});

		it('on a wall clock togglePause asks the simulation to stop taking messages; the clock goes on', async () => {
			let note: (text: string) => void = () => undefined;
			const s = setUp(settingsOf(), {speed: 1, controls: (driver, engine) => wallClockControls(driver, engine, text => note(text))});
			note = text => s.store.note(text);
			const calls: boolean[] = [];
			let isRefused = false;
			(s.engine as Simulation).setPaused = async isPaused => {
				calls.push(isPaused);
				if (isRefused) throw new Error('Connection is closed.');
			};

			s.get().actions.start();
			s.get().actions.togglePause();
			expect(s.get().run.isPaused).toBe(true);
			await vi.advanceTimersByTimeAsync(500);
			expect(s.engine.simMs).toBeGreaterThan(0);
			expect(s.get().run.speed).toBe(1);
			isRefused = true;
			s.get().actions.togglePause();
			expect(s.get().run.isPaused).toBe(false);
			await vi.advanceTimersByTimeAsync(1);
			expect(calls).toEqual([true, false]);
			expect(s.get().notes).toEqual([expect.stringMatching(/^0\.5s: resume failed: Connection is closed\.$/)]);
			s.get().actions.faster();
			expect(s.get().run.speed).toBe(1);
		});

		it('faster and slower step through speedSteps, ending at max and at the slowest', () => {
			const s = setUp(settingsOf(), {speed: 1});
			const seen: number[] = [];
			for (let i = 0; i < speedSteps.length + 2; i++) {
				s.get().actions.faster();
				seen.push(s.get().run.speed);
			}

			const up = speedSteps.slice(speedSteps.indexOf(1) + 1);
			expect(seen).toEqual([...up, ...new Array<number>(seen.length - up.length).fill(Infinity)]);
			expect(s.driver.speed).toBe(Infinity);
			const down: number[] = [];
			for (let i = 0; i < speedSteps.length + 1; i++) {
				s.get().actions.slower();
				down.push(s.get().run.speed);
			}

			expect(down).toEqual([...speedSteps.slice(0, -1).reverse(), 0.1, 0.1]);
		});

		it('nextSpeed goes to the neighbouring step from a speed between steps', () => {
			expect(nextSpeed(3, 1)).toBe(5);
			expect(nextSpeed(3, -1)).toBe(2);
			expect(nextSpeed(Infinity, -1)).toBe(1000);
			expect(nextSpeed(0.01, -1)).toBe(0.1);
		});

		it('a faster clock makes a paced run finish sooner', async () => {
			const slow = setUp(settingsOf(), {speed: 1});
			slow.get().actions.start();
			const slowWall = await untilDone(slow.driver, 100);
			const fast = setUp(settingsOf(), {speed: 1});
			fast.get().actions.faster();
			fast.get().actions.faster();
			fast.get().actions.faster();
			expect(fast.get().run.speed).toBe(10);
			fast.get().actions.start();
			const fastWall = await untilDone(fast.driver, 100);
			expect(fastWall).toBeLessThanOrEqual(slowWall / 10 + 100);
			expect(fast.outcomes).toEqual(slow.outcomes);
		});

		it('stop() clears the timer', async () => {
			const s = setUp(settingsOf(), {speed: 1});
			s.get().actions.start();
			await vi.advanceTimersByTimeAsync(300);
			expect(vi.getTimerCount()).toBe(1);
			s.get().actions.stop();
			expect(vi.getTimerCount()).toBe(0);
			expect(s.get().run.wallElapsedMs).toBe(300);
		});
	});

	it('help toggles, and closeHelp closes it', () => {
		const s = setUp();
		const {actions} = s.get();
		actions.toggleHelp();
		expect(s.get().ui.isHelpOpen).toBe(true);
		actions.toggleHelp();
		expect(s.get().ui.isHelpOpen).toBe(false);
		actions.toggleHelp();
		actions.closeHelp();
		expect(s.get().ui.isHelpOpen).toBe(false);
		actions.closeHelp();
		expect(s.get().ui.isHelpOpen).toBe(false);
	});

	it('produceMore adds the configured count (1000 by default)', () => {
		const s = setUp();
		s.get().actions.produceMore();
		expect(s.get().snap.total).toBe(1200);
		s.get().actions.produceMore(5);
		expect(s.get().snap.total).toBe(1205);
		const t = setUp(settingsOf(), {moreCount: 7});
		t.get().actions.produceMore();
		expect(t.get().snap.total).toBe(207);
	});

	it('the keys keep the limits the command line keeps: messages up to 1,000,000,000, senders up to 100,000, each noted once', () => {
		const s = setUp(settingsOf({messages: 999_999_500}));
		s.get().actions.produceMore();
		expect(s.get().snap.total).toBe(1_000_000_000);
		s.get().actions.produceMore();
		s.get().actions.produceMore();
		expect(s.get().snap.total).toBe(1_000_000_000);
		expect(s.get().notes.filter(note => note.includes('limit of 1,000,000,000 messages'))).toHaveLength(1);
		const t = setUp(settingsOf({senders: Array.from({length: 100_000}, () => spec())}));
		t.get().actions.addSender();
		t.get().actions.addSender();
		expect(t.engine.snapshot().senders).toHaveLength(100_000);
		expect(t.get().notes.filter(note => note.includes('limit of 100,000 senders'))).toHaveLength(1);
		expect(t.engine.actions).toEqual([]);
	});

	it('produceMore after the run is done runs the new messages (the dashboard stays after done)', async () => {
		const onDone = vi.fn();
		const s = setUp(settingsOf(), {speed: 1, onDone});
		s.get().actions.start();
		await vi.advanceTimersByTimeAsync(60_000);
		expect(onDone).toHaveBeenCalledTimes(1);
		expect(s.get().run.isDone).toBe(true);
		const doneAt = s.engine.totals().lastOutcomeMs;
		s.get().actions.produceMore(10);
		expect(s.get().run.isDone).toBe(false);
		expect(s.get().snap.total).toBe(210);
		await untilDone(s.driver);
		expect(s.outcomes).toHaveLength(210);
		expect(s.outcomes.slice(200).every(o => o.id > 200 && o.simMs > doneAt)).toBe(true);
		expect(s.get().run.isDone).toBe(true);
		expect(onDone).toHaveBeenCalledTimes(2);
		expect(vi.getTimerCount()).toBe(0);
	});

	it('after stop() (quit) nothing runs again, even with more messages', async () => {
		const s = setUp(settingsOf(), {speed: 1});
		s.get().actions.start();
		await vi.advanceTimersByTimeAsync(500);
		s.get().actions.stop();
		const finished = s.outcomes.length;
		s.get().actions.produceMore(10);
		s.get().actions.addSender();
		await vi.advanceTimersByTimeAsync(10_000);
		expect(s.outcomes).toHaveLength(finished);
		expect(vi.getTimerCount()).toBe(0);
	});

	it('skipped script actions become notes', async () => {
		const s = setUp(settingsOf(), {script: [{simMs: 1500, remove: 42}]});
		s.get().actions.start();
		await untilDone(s.driver);
		expect(s.get().notes).toEqual(['1.500s: skipped remove sender 42: no such sender']);
	});

	describe('publishing', () => {
		/** Ticks, each taken from the one publish that carried it. */
		function publishedTicks(states: readonly DashState[]): Progress[] {
			const ticks: Progress[] = [];
			let previous: Progress[] | undefined;
			for (const state of states) {
				if (state.ticks !== previous) ticks.push(...state.ticks);
				previous = state.ticks;
			}

			return ticks;
		}

		/** The monitor readings of the same run, straight from a driver. */
		async function referenceTicks(settings: RunSettings): Promise<Progress[]> {
			const ticks: Progress[] = [];
			const driver = new Driver({engine: createEngine(settings), speed: Infinity, intervalMs: settings.intervalMs, onTick: p => ticks.push(p)});
			driver.start();
			await untilDone(driver);
			return ticks;
		}

		it('unpaced: a long run publishes a few times, not per message or per tick; every tick arrives once', async () => {
			const settings = settingsOf({messages: 20_000, intervalMs: 10, senders: Array.from({length: 10}, () => spec({meanMs: 20}))});
			const s = setUp(settings, {speed: Infinity});
			const startWall = performance.now();
			s.get().actions.start();
			await untilDone(s.driver, 1);
			const wallSeconds = (performance.now() - startWall) / 1000;
			const expected = await referenceTicks(settings);
			expect(expected.length).toBeGreaterThan(1000);
			expect(s.states.length).toBeLessThanOrEqual(20 * wallSeconds + 3);
			expect(s.states.length).toBeLessThan(expected.length / 100);
			expect(publishedTicks(s.states)).toEqual(expected);
			expect(s.get().progress).toEqual(expected.at(-1));
			expect(s.get().snap.sent + s.get().snap.failed).toBe(20_000);
		});

		it('paced: at most ~20 publishes a wall second; every tick arrives once, in order', async () => {
			const settings = settingsOf({messages: 6000, intervalMs: 100, senders: Array.from({length: 20}, () => spec({meanMs: 30}))});
			const s = setUp(settings, {speed: 5});
			const publishedAt: number[] = [];
			s.store.subscribe(() => publishedAt.push(performance.now()));
			s.get().actions.start();
			const waited = await untilDone(s.driver, 250);
			const expected = await referenceTicks(settings);
			expect(waited).toBeGreaterThan(1000);
			expect(s.states.length).toBeLessThanOrEqual((20 * waited) / 1000 + 3);
			// It does publish along the way, about every 50 ms.
			expect(s.states.length).toBeGreaterThan((10 * waited) / 1000);
			const gaps = publishedAt.slice(2, -1).map((t, i) => t - publishedAt[i + 1]!);
			expect(Math.min(...gaps)).toBeGreaterThanOrEqual(50);
			expect(s.states.length).toBeLessThan(s.outcomes.length / 50);
			expect(publishedTicks(s.states)).toEqual(expected);
		});

		it('a key press publishes at once, even between throttled publishes', () => {
			const s = setUp();
			const count = s.states.length;
			s.get().actions.addSender();
			s.get().actions.removeSelected();
			s.get().actions.produceMore(1);
			expect(s.states.length).toBe(count + 3);
		});
	});
});
