import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {Driver, type DriverOptions, wallClock} from '../source/driver.js';
import {createEngine, type Engine} from '../source/engine/engine.js';
import {describeAction} from '../source/engine/actions.js';
import type {Progress} from '../source/engine/monitor.js';
import type {Outcome, RunSettings, SenderSpec, TimedAction} from '../source/engine/types.js';

const spec = (over: Partial<SenderSpec> = {}): SenderSpec => ({meanMs: 100, failureRate: 0.1, distribution: 'gamma', ...over});

const settingsOf = (over: Partial<RunSettings> = {}): RunSettings => ({
	messages: 120,
	senders: [spec(), spec({distribution: 'exponential', failureRate: 0.3, failoverMs: 150}), spec({distribution: 'uniform', meanMs: 60})],
	retries: 1,
	seed: 42,
	intervalMs: 500,
	...over,
});

interface Run {
	engine: Engine;
	driver: Driver;
	outcomes: Outcome[];
	/** Fake wall time (ms since start) at which each outcome was reported. */
	outcomeWallMs: number[];
	ticks: Progress[];
	calls: {done: number; stall: number; publish: number; skips: string[]; doneWallMs: number | undefined};
}

function setUp(settings: RunSettings, options: Partial<Omit<DriverOptions, 'engine'>> = {}): Run {
	const engine = createEngine(settings);
	const outcomes: Outcome[] = [];
	const outcomeWallMs: number[] = [];
	const ticks: Progress[] = [];
	const calls: Run['calls'] = {done: 0, stall: 0, publish: 0, skips: [], doneWallMs: undefined};
	const startedAt = performance.now();
	engine.onFinish = o => {
		outcomes.push(o);
		outcomeWallMs.push(performance.now() - startedAt);
	};

	const driver = new Driver({
		engine,
		speed: 1,
		intervalMs: settings.intervalMs,
		onTick: p => ticks.push(p),
		onDone() {
			calls.done++;
			calls.doneWallMs = performance.now() - startedAt;
		},
		onStall: () => calls.stall++,
		onPublish: () => calls.publish++,
		onSkip: action => calls.skips.push(`${action.simMs}: ${describeAction(action)}`),
		...options,
	});
	return {engine, driver, outcomes, outcomeWallMs, ticks, calls};
}

/** Advances fake time in steps until the driver is finished. @returns fake ms waited */
async function untilFinished(driver: Driver, stepMs = 1000, limitMs = 10_000_000): Promise<number> {
	let waited = 0;
	while (!driver.isFinished) {
		if (waited >= limitMs) throw new Error(`not finished after ${limitMs} ms`);
		await vi.advanceTimersByTimeAsync(stepMs);
		waited += stepMs;
	}

	return waited;
}

async function runAt(speed: number, settings = settingsOf(), options: Partial<Omit<DriverOptions, 'engine'>> = {}): Promise<Run> {
	const run = setUp(settings, {speed, ...options});
	run.driver.start();
	await untilFinished(run.driver);
	return run;
}

beforeEach(() => {
	vi.useFakeTimers();
});

afterEach(() => {
	vi.restoreAllMocks();
	vi.useRealTimers();
});

describe('fake timers (what these tests rely on)', () => {
	it('vitest 4 fakes Date, performance, process.hrtime (the driver\'s clock), setTimeout and setImmediate by default', async () => {
		const wall = performance.now();
		const driverWall = wallClock.now();
		const date = Date.now();
		let immediate = false;
		let timeout = false;
		setImmediate(() => (immediate = true));
		setTimeout(() => (timeout = true), 100);
		expect(vi.getTimerCount()).toBe(2);
		await vi.advanceTimersByTimeAsync(0);
		expect(immediate).toBe(true);
		expect(timeout).toBe(false);
		await vi.advanceTimersByTimeAsync(100);
		expect(timeout).toBe(true);
		expect(performance.now() - wall).toBe(100);
		expect(wallClock.now() - driverWall).toBe(100);
		expect(Date.now() - date).toBe(100);
	});
});

describe('Driver', () => {
	it('gives the same outcomes and the same ticks at speed 1, 10 and max', async () => {
		const max = await runAt(Infinity);
		const one = await runAt(1);
		const ten = await runAt(10);
		expect(max.outcomes).toHaveLength(120);
		expect(one.outcomes).toEqual(max.outcomes);
		expect(ten.outcomes).toEqual(max.outcomes);
		expect(one.ticks).toEqual(max.ticks);
		expect(ten.ticks).toEqual(max.ticks);
		expect(one.engine.snapshot().senders).toEqual(max.engine.snapshot().senders);
		for (const run of [max, one, ten]) expect(run.calls.done).toBe(1);
	});

	it('ticks at every interval, then a final reading at the last outcome', async () => {
		const run = await runAt(Infinity);
		const last = run.engine.totals().lastOutcomeMs;
		const times = run.ticks.map(p => p.simMs);
		const regular = Math.floor(last / 500);
		expect(times).toEqual([...Array.from({length: regular}, (_, i) => (i + 1) * 500), last]);
		expect(run.ticks.slice(0, -1).every(p => !p.isDone)).toBe(true);
		expect(run.ticks.at(-1)).toMatchObject({isDone: true, etaMs: 0, queued: 0, inFlight: 0});
		expect(run.ticks.at(-1)!.sent + run.ticks.at(-1)!.failed).toBe(120);
		expect(run.driver.progress).toBe(run.ticks.at(-1));

		// Each reading is the engine's state at that simulated time.
		const replica = createEngine(settingsOf());
		for (const tick of run.ticks) {
			replica.runUntil(tick.simMs);
			const t = replica.totals();
			expect([tick.produced, tick.queued, tick.inFlight, tick.sent, tick.failed, tick.attempts]).toEqual([
				t.produced,
				t.queued,
				t.inFlight,
				t.sent,
				t.failed,
				t.attempts,
			]);
		}
	});

	it('speed 1 keeps pace: each outcome shows at the wall time of its simulated time', async () => {
		const run = await runAt(1);
		const last = run.engine.totals().lastOutcomeMs;
		expect(last).toBeGreaterThan(2000);
		run.outcomes.forEach((o, i) => {
			// Never early; late by at most the timer's 1 ms granularity.
			expect(run.outcomeWallMs[i]).toBeGreaterThanOrEqual(o.simMs - 1e-6);
			expect(run.outcomeWallMs[i]).toBeLessThanOrEqual(o.simMs + 2);
		});
		expect(run.calls.doneWallMs).toBeGreaterThanOrEqual(last);
		expect(run.calls.doneWallMs).toBeLessThanOrEqual(last + 2);
		expect(run.driver.wallElapsedMs).toBe(run.calls.doneWallMs);
	});

	it('speed 10 finishes ten times sooner', async () => {
		const run = await runAt(10);
		const last = run.engine.totals().lastOutcomeMs;
		run.outcomes.forEach((o, i) => {
			expect(run.outcomeWallMs[i]).toBeGreaterThanOrEqual(o.simMs / 10 - 1e-6);
			expect(run.outcomeWallMs[i]).toBeLessThanOrEqual(o.simMs / 10 + 2);
		});
		expect(run.driver.wallElapsedMs).toBeGreaterThanOrEqual(last / 10);
		expect(run.driver.wallElapsedMs).toBeLessThanOrEqual(last / 10 + 2);
	});

	it('the clock is never ahead of the wall, and nothing due is left undone (speed 1)', async () => {
		const run = setUp(settingsOf({messages: 400}), {speed: 1});
		run.driver.start();
		for (let wall = 250; wall <= 3000; wall += 250) {
			await vi.advanceTimersByTimeAsync(250);
			expect(run.engine.simMs).toBeLessThanOrEqual(wall);
			expect(run.outcomes.every(o => o.simMs <= wall)).toBe(true);
			// Every event due before now (less the timer's 1 ms granularity) has run.
			expect(run.engine.nextEventAt()).toBeGreaterThan(wall - 1);
		}

		run.driver.stop();
	});

	it('keeps one timer for the whole simulation, however many senders', async () => {
		const run = setUp(settingsOf({messages: 400, senders: Array.from({length: 25}, () => spec())}), {speed: 1});
		run.driver.start();
		for (let i = 0; i < 20; i++) {
			await vi.advanceTimersByTimeAsync(37);
			expect(vi.getTimerCount()).toBeLessThanOrEqual(1);
		}

		run.driver.stop();
	});

	it('pause stops the clock; resume goes on from there, with the same outcomes', async () => {
		const baseline = await runAt(1);
		const run = setUp(settingsOf(), {speed: 1});
		run.driver.start();
		await vi.advanceTimersByTimeAsync(1000);
		run.driver.pause();
		expect(run.driver.isPaused).toBe(true);
		expect(vi.getTimerCount()).toBe(0);
		const simAtPause = run.engine.simMs;
		const finishedAtPause = run.outcomes.length;
		const ticksAtPause = run.ticks.length;
		expect(finishedAtPause).toBeGreaterThan(0);
		await vi.advanceTimersByTimeAsync(5000);
		expect(run.engine.simMs).toBe(simAtPause);
		expect(run.outcomes).toHaveLength(finishedAtPause);
		expect(run.ticks).toHaveLength(ticksAtPause);
		run.driver.pause();
		run.driver.resume();
		expect(run.driver.isPaused).toBe(false);
		// Resumed from where it stood: 100 ms on, not 5 s.
		await vi.advanceTimersByTimeAsync(100);
		expect(run.engine.simMs).toBeLessThanOrEqual(simAtPause + 100);
		expect(run.engine.nextEventAt()).toBeGreaterThan(simAtPause + 99);
		expect(run.outcomes.at(-1)!.simMs).toBeLessThanOrEqual(simAtPause + 100);
		expect(run.outcomes.length).toBeGreaterThan(finishedAtPause);
		await untilFinished(run.driver);
		expect(run.outcomes).toEqual(baseline.outcomes);
		expect(run.ticks).toEqual(baseline.ticks);
		const last = run.engine.totals().lastOutcomeMs;
		expect(run.driver.wallElapsedMs).toBeGreaterThanOrEqual(last + 5000);
		expect(run.driver.wallElapsedMs).toBeLessThanOrEqual(last + 5002);
	});

	it('changing speed mid-run changes nothing but the pace', async () => {
		const baseline = await runAt(Infinity);
		const run = setUp(settingsOf(), {speed: 1});
		run.driver.start();
		await vi.advanceTimersByTimeAsync(700);
		run.driver.setSpeed(100);
		expect(run.driver.speed).toBe(100);
		await vi.advanceTimersByTimeAsync(10);
		run.driver.setSpeed(0.5);
		await vi.advanceTimersByTimeAsync(300);
		run.driver.setSpeed(Infinity);
		await untilFinished(run.driver);
		expect(run.outcomes).toEqual(baseline.outcomes);
		expect(run.ticks).toEqual(baseline.ticks);
	});

	describe('scripts', () => {
		const script: TimedAction[] = [
			{simMs: 0, tune: {sender: 3, meanMs: 30}},
			{simMs: 333.25, add: spec({meanMs: 20, failureRate: 0})},
			{simMs: 1000, tune: {sender: 1, failureRate: 1}},
			{simMs: 1000, remove: 99},
			{simMs: 1500, remove: 2},
			{simMs: 1777.5, more: 40},
		];

		it.each([1, 7, Infinity])('speed %d: every action happens at its exact simulated time', async speed => {
			const run = await runAt(speed, settingsOf({retries: 0}), {script});
			// The one that finds no sender is recorded too: a replay skips it at the same moment.
			expect(run.engine.actions).toEqual(script);
			expect(run.calls.skips).toEqual(['1000: remove sender 99']);
			expect(run.outcomes).toHaveLength(160);
			const added = run.outcomes.filter(o => o.sender === 4);
			expect(added.length).toBeGreaterThan(0);
			expect(added.every(o => o.simMs > 333.25 && o.outcome === 'sent')).toBe(true);
			expect(run.outcomes.filter(o => o.sender === 1 && o.simMs > 1000).every(o => o.outcome === 'failed')).toBe(true);
			expect(run.outcomes.filter(o => o.sender === 2).every(o => o.simMs <= 1500)).toBe(true);
		});

		it('the outcomes and ticks of a scripted run are the same at every speed', async () => {
			const max = await runAt(Infinity, settingsOf(), {script});
			const one = await runAt(1, settingsOf(), {script});
			expect(one.outcomes).toEqual(max.outcomes);
			expect(one.ticks).toEqual(max.ticks);
			expect(one.engine.actions).toEqual(max.engine.actions);
		});

		it('the run waits for actions still to come after the last message', async () => {
			const late: TimedAction[] = [
				{simMs: 20_000, tune: {sender: 1, meanMs: 10}},
				{simMs: 30_000, more: 5},
				{simMs: 40_000, add: spec()},
			];
			const run = await runAt(Infinity, settingsOf(), {script: late});
			expect(run.calls.done).toBe(1);
			expect(run.engine.actions.map(a => a.simMs)).toEqual([20_000, 30_000, 40_000]);
			expect(run.outcomes).toHaveLength(125);
			expect(run.outcomes.slice(120).every(o => o.simMs > 30_000)).toBe(true);
			// Readings never go back in time, the final one included.
			const times = run.ticks.map(p => p.simMs);
			expect(times).toEqual([...times].sort((a, b) => a - b));
			expect(new Set(times).size).toBe(times.length);
			expect(run.ticks.at(-1)!.isDone).toBe(true);
		});

		it('a far-off action: one reading for the idle stretch, the same at every speed; a near one keeps every reading', async () => {
			const far: TimedAction[] = [{simMs: 3_600_000, more: 5}];
			const max = await runAt(Infinity, settingsOf(), {script: far});
			const one = await runAt(1, settingsOf(), {script: far});
			expect(one.ticks).toEqual(max.ticks);
			expect(one.outcomes).toEqual(max.outcomes);
			expect(max.outcomes).toHaveLength(125);
			const idle = max.ticks.filter(p => p.simMs > 60_000 && p.simMs < 3_600_000);
			expect(idle.length).toBeLessThanOrEqual(2);
			expect(max.ticks.length).toBeLessThan(200);
			// Some 400 idle intervals (under the limit of 1,000): every one is read.
			const near = await runAt(Infinity, settingsOf(), {script: [{simMs: 200_000, more: 5}]});
			expect(near.ticks.filter(p => p.simMs > 100_000 && p.simMs < 200_000).length).toBe(199);
		});
	});

	it('a send that takes an hour, read every millisecond: no reading for the idle stretch, the same at every speed', async () => {
		const slow = settingsOf({messages: 2, senders: [spec({meanMs: 3_600_000, distribution: 'constant', failureRate: 0})], intervalMs: 1});
		const max = await runAt(Infinity, slow);
		const fast = await runAt(1_000_000, slow);
		expect(fast.ticks).toEqual(max.ticks);
		expect(max.outcomes.map(o => o.simMs)).toEqual([3_600_000, 7_200_000]);
		// Some 1,000 readings before each send is answered, not 3.6 million.
		expect(max.ticks.length).toBeLessThan(2500);
		const times = max.ticks.map(p => p.simMs);
		expect(times).toEqual([...times].sort((a, b) => a - b));
	});

	describe('stall', () => {
		it('no senders, unpaced: reports the stall once, waits without a timer, goes on after wake()', async () => {
			const run = setUp(settingsOf({senders: []}), {speed: Infinity});
			run.driver.start();
			await vi.advanceTimersByTimeAsync(0);
			expect(run.calls.stall).toBe(1);
			expect(run.driver.isFinished).toBe(false);
			expect(vi.getTimerCount()).toBe(0);
			await vi.advanceTimersByTimeAsync(10_000);
			expect(run.calls.stall).toBe(1);
			run.engine.addSender(spec());
			run.driver.wake();
			await untilFinished(run.driver);
			expect(run.outcomes).toHaveLength(120);
			expect(run.calls.done).toBe(1);
		});

		it('no senders, paced: reports the stall once while the monitor keeps ticking', async () => {
			const run = setUp(settingsOf({senders: [], intervalMs: 1000}), {speed: 1, intervalMs: 1000});
			run.driver.start();
			await vi.advanceTimersByTimeAsync(5000);
			expect(run.calls.stall).toBe(1);
			expect(run.ticks.map(p => p.simMs)).toEqual([1000, 2000, 3000, 4000, 5000]);
			expect(run.ticks.every(p => p.sent + p.failed === 0 && p.etaMs === undefined)).toBe(true);
			run.engine.addSender(spec());
			run.driver.wake();
			await untilFinished(run.driver);
			expect(run.outcomes).toHaveLength(120);
			expect(run.outcomes.every(o => o.simMs > 5000)).toBe(true);
		});

		it('a script that removes every sender stalls the run', async () => {
			const run = setUp(settingsOf(), {
				speed: Infinity,
				script: [1, 2, 3].map(id => ({simMs: 800, remove: id})),
			});
			run.driver.start();
			await vi.advanceTimersByTimeAsync(0);
			expect(run.calls.stall).toBe(1);
			expect(run.engine.totals().inFlight).toBe(0);
			expect(run.engine.totals().queued).toBeGreaterThan(0);
		});

		it('a stall is reported again after it was cleared and comes back', async () => {
			const run = setUp(settingsOf({senders: []}), {speed: 1});
			run.driver.start();
			await vi.advanceTimersByTimeAsync(100);
			expect(run.calls.stall).toBe(1);
			const id = run.engine.addSender(spec());
			run.driver.wake();
			await vi.advanceTimersByTimeAsync(500);
			expect(run.outcomes.length).toBeGreaterThan(0);
			expect(run.calls.stall).toBe(1);
			run.engine.removeSender(id);
			run.driver.wake();
			await vi.advanceTimersByTimeAsync(100);
			expect(run.calls.stall).toBe(2);
			run.driver.stop();
		});
	});

	describe('after the end', () => {
		it('new work and a wake() run again, with readings going on from the last one', async () => {
			for (const speed of [1, Infinity]) {
				const run = await runAt(speed);
				expect(run.calls.done).toBe(1);
				const ticksAtEnd = run.ticks.length;
				run.engine.produceMore(5);
				run.driver.wake();
				await untilFinished(run.driver);
				expect(run.calls.done).toBe(2);
				expect(run.outcomes.map(o => o.id).sort((a, b) => a - b)).toEqual(Array.from({length: 125}, (_, i) => i + 1));
				expect(run.ticks.length).toBeGreaterThan(ticksAtEnd);
				const times = run.ticks.map(p => p.simMs);
				expect(times).toEqual([...times].sort((a, b) => a - b));
				expect(run.ticks.at(-1)).toMatchObject({simMs: run.engine.totals().lastOutcomeMs, isDone: true});
				expect(vi.getTimerCount()).toBe(0);
			}
		});

		it('a wake() with nothing new to do changes nothing', async () => {
			const run = await runAt(Infinity);
			run.driver.wake();
			await vi.advanceTimersByTimeAsync(1000);
			expect(run.driver.isFinished).toBe(true);
			expect(run.calls.done).toBe(1);
			expect(vi.getTimerCount()).toBe(0);
		});
	});

	describe('stop', () => {
		it('clears its timer, stops the clock and freezes the wall time; idempotent', async () => {
			const run = setUp(settingsOf(), {speed: 1});
			run.driver.start();
			await vi.advanceTimersByTimeAsync(1500);
			expect(vi.getTimerCount()).toBe(1);
			run.driver.stop();
			expect(vi.getTimerCount()).toBe(0);
			const sim = run.engine.simMs;
			const wall = run.driver.wallElapsedMs;
			expect(wall).toBe(1500);
			await vi.advanceTimersByTimeAsync(5000);
			expect(run.engine.simMs).toBe(sim);
			expect(run.driver.wallElapsedMs).toBe(wall);
			run.driver.stop();
			expect(run.driver.isRunning).toBe(false);
			expect(run.calls.done).toBe(0);
		});

		it('stopping an unpaced run between slices clears its setImmediate', async () => {
			const run = setUp(settingsOf(), {speed: Infinity});
			run.driver.start();
			expect(vi.getTimerCount()).toBe(1);
			run.driver.stop();
			expect(vi.getTimerCount()).toBe(0);
			await vi.advanceTimersByTimeAsync(100);
			expect(run.outcomes).toHaveLength(0);
		});

		it('a finished run leaves no timer', async () => {
			const run = await runAt(1);
			expect(run.driver.isRunning).toBe(false);
			expect(vi.getTimerCount()).toBe(0);
		});
	});

	describe('publishing', () => {
		it('paced: at most ~20 publishes a wall second however many events, and one at the end', async () => {
			const run = setUp(settingsOf({messages: 3000, senders: Array.from({length: 20}, () => spec({meanMs: 50}))}), {speed: 50});
			const publishedAt: number[] = [];
			const driver = new Driver({
				engine: run.engine,
				speed: 50,
				intervalMs: 500,
				onPublish: () => publishedAt.push(performance.now()),
				onTick: p => run.ticks.push(p),
			});
			const start = performance.now();
			driver.start();
			const waited = await untilFinished(driver, 500);
			const gaps = publishedAt.slice(1, -1).map((t, i) => t - publishedAt[i]!);
			expect(gaps.every(g => g >= 50)).toBe(true);
			expect(publishedAt.length).toBeLessThanOrEqual((20 * waited) / 1000 + 2);
			// It does publish while running (not only at the end).
			expect(publishedAt.length).toBeGreaterThan((10 * (publishedAt.at(-1)! - start)) / 1000);
			expect(publishedAt.length).toBeLessThan(run.outcomes.length / 10);
		});

		it('unpaced: runs in slices, yields between them, publishes at most ~20 times a wall second', async () => {
			const settings = settingsOf({messages: 20_000, intervalMs: 1000, senders: Array.from({length: 8}, () => spec({meanMs: 20}))});
			const baseline = await runAt(Infinity, settings);

			// Give the CPU a cost: every finished message takes 50 µs of (fake) wall time.
			const fakeNow = wallClock.now.bind(wallClock);
			let cpuMs = 0;
			vi.spyOn(wallClock, 'now').mockImplementation(() => fakeNow() + cpuMs);
			const run = setUp(settings, {speed: Infinity});
			const onFinish = run.engine.onFinish!;
			run.engine.onFinish = o => {
				cpuMs += 0.05;
				onFinish(o);
			};

			const publishedAt: number[] = [];
			const driver = new Driver({
				engine: run.engine,
				speed: Infinity,
				intervalMs: 1000,
				onPublish: () => publishedAt.push(wallClock.now()),
				onTick: p => run.ticks.push(p),
			});
			const start = wallClock.now();
			driver.start();
			await vi.advanceTimersByTimeAsync(0);
			// One slice ran, then it yielded to the event loop.
			expect(driver.isFinished).toBe(false);
			expect(run.outcomes.length).toBeGreaterThan(0);
			expect(run.outcomes.length).toBeLessThan(20_000);
			await untilFinished(driver, 1);
			const wallMs = wallClock.now() - start;
			expect(wallMs).toBeGreaterThan(900);
			expect(publishedAt.length).toBeGreaterThan(5);
			expect(publishedAt.length).toBeLessThanOrEqual((20 * wallMs) / 1000 + 2);
			const gaps = publishedAt.slice(1, -1).map((t, i) => t - publishedAt[i]!);
			expect(gaps.every(g => g >= 50)).toBe(true);
			// Slicing changes nothing in the run.
			expect(run.outcomes).toEqual(baseline.outcomes);
			expect(run.ticks).toEqual(baseline.ticks);
		});

		it('publishes once more when the run ends, after the final reading', async () => {
			const order: string[] = [];
			const engine = createEngine(settingsOf());
			const driver = new Driver({
				engine,
				speed: Infinity,
				intervalMs: 500,
				onTick: p => order.push(p.isDone ? 'final tick' : 'tick'),
				onPublish: () => order.push('publish'),
				onDone: () => order.push('done'),
			});
			driver.start();
			await untilFinished(driver);
			expect(order.slice(-3)).toEqual(['final tick', 'publish', 'done']);
		});
	});
});
