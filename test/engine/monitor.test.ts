import {describe, expect, it} from 'vitest';
import {createEngine} from '../../source/engine/engine.js';
import {Monitor, sparklineLength, windowTicks, type Progress} from '../../source/engine/monitor.js';
import type {RunSettings, SenderSpec} from '../../source/engine/types.js';

const spec = (over: Partial<SenderSpec> = {}): SenderSpec => ({meanMs: 100, failureRate: 0.1, distribution: 'gamma', ...over});
const settingsOf = (over: Partial<RunSettings> = {}): RunSettings => ({
	messages: 2000,
	senders: [spec(), spec(), spec()],
	retries: 0,
	seed: 5,
	intervalMs: 1000,
	...over,
});

const numbers = (p: Progress) => Object.entries(p).filter(([, v]) => typeof v === 'number') as Array<[string, number]>;

function expectNoNaN(p: Progress): void {
	expect(numbers(p).filter(([, v]) => !Number.isFinite(v))).toEqual([]);
}

describe('Monitor', () => {
	it('at time 0 with nothing finished: rates and ETA are undefined, never NaN', () => {
		const engine = createEngine(settingsOf());
		const p = new Monitor(engine).sample(0);
		expect(p).toMatchObject({simMs: 0, sent: 0, failed: 0, isDone: false});
		expect([p.throughput, p.recentThroughput, p.etaMs, p.avgTimeMs, p.avgE2eMs]).toEqual([undefined, undefined, undefined, undefined, undefined]);
		expectNoNaN(p);
	});

	it('with no senders: nothing finishes, throughput is 0, ETA unknown, never NaN', () => {
		const engine = createEngine(settingsOf({senders: []}));
		const monitor = new Monitor(engine);
		monitor.sample(0);
		for (let t = 1000; t <= 15_000; t += 1000) {
			engine.runUntil(t);
			const p = monitor.sample(t);
			expect(p.throughput).toBe(0);
			expect(p.recentThroughput).toBe(0);
			expect(p.etaMs).toBeUndefined();
			expect(p.avgTimeMs).toBeUndefined();
			expectNoNaN(p);
		}
	});

	it('throughput is finished messages per simulated second since the start', () => {
		const engine = createEngine(settingsOf());
		const monitor = new Monitor(engine);
		monitor.sample(0);
		for (let t = 1000; t <= 20_000; t += 1000) {
			engine.runUntil(t);
			const totals = engine.totals();
			const p = monitor.sample(t);
			expect(p.throughput).toBeCloseTo(((totals.sent + totals.failed) * 1000) / t, 9);
			expect(p).toMatchObject({
				simMs: t,
				produced: totals.produced,
				queued: totals.queued,
				inFlight: totals.inFlight,
				sent: totals.sent,
				failed: totals.failed,
				attempts: totals.attempts,
				pending: totals.pending,
			});
		}

		// 3 gamma senders with mean 100 ms finish about 30 a second.
		expect(monitor.sample(20_000).throughput).toBeGreaterThan(25);
		expect(monitor.sample(20_000).throughput).toBeLessThan(35);
	});

	it('the recent rate covers the last few ticks, and the ETA divides what is left by it', () => {
		// Two phases: fast senders, then all but one removed, so the recent rate must drop.
		const engine = createEngine(settingsOf({messages: 5000, senders: Array.from({length: 10}, () => spec({meanMs: 50}))}));
		const monitor = new Monitor(engine);
		const history: Array<{t: number; finished: number}> = [{t: 0, finished: 0}];
		monitor.sample(0);
		let p: Progress | undefined;
		for (let t = 500; t <= 20_000; t += 500) {
			if (t === 6000) for (const id of engine.senderIds().slice(1)) engine.removeSender(id);
			engine.runUntil(t);
			const totals = engine.totals();
			const finished = totals.sent + totals.failed;
			history.push({t, finished});
			p = monitor.sample(t);
			const first = history[Math.max(0, history.length - 1 - windowTicks)]!;
			const recent = ((finished - first.finished) * 1000) / (t - first.t);
			expect(p.recentThroughput).toBeCloseTo(recent, 9);
			expect(p.etaMs).toBeCloseTo(((totals.total - finished) * 1000) / recent, 6);
		}

		// One sender at 50 ms is about 20 a second; the run's average is far higher.
		expect(p!.recentThroughput).toBeGreaterThan(15);
		expect(p!.recentThroughput).toBeLessThan(25);
		expect(p!.throughput).toBeGreaterThan(40);
	});

	it('ETA is 0 once every message is finished', () => {
		const engine = createEngine(settingsOf({messages: 50}));
		const monitor = new Monitor(engine);
		monitor.sample(0);
		engine.runUntil(Infinity);
		const p = monitor.sample(engine.totals().lastOutcomeMs);
		expect(p).toMatchObject({etaMs: 0, isDone: true, sent: expect.any(Number)});
		expect(p.sent + p.failed).toBe(50);
		expectNoNaN(p);
	});

	it('a run finished at time 0 (mean 0) reads without NaN', () => {
		const engine = createEngine(settingsOf({messages: 20, senders: [spec({meanMs: 0})]}));
		const monitor = new Monitor(engine);
		monitor.sample(0);
		engine.runUntil(Infinity);
		const p = monitor.sample(0);
		expect(p).toMatchObject({etaMs: 0, isDone: true, throughput: undefined, recentThroughput: undefined});
		expectNoNaN(p);
	});

	it('sparklines: per-sender sent per second in each tick, the last few kept', () => {
		const engine = createEngine(settingsOf({messages: 100_000, senders: [spec({meanMs: 50}), spec({meanMs: 200})]}));
		const monitor = new Monitor(engine, true);
		monitor.sample(0);
		const sentBy = () => engine.snapshot().senders.map(s => s.sent);
		let before = sentBy();
		const expected: number[][] = [[], []];
		for (let t = 1000; t <= 30_000; t += 1000) {
			engine.runUntil(t);
			monitor.sample(t);
			const now = sentBy();
			for (let i = 0; i < 2; i++) expected[i]!.push(now[i]! - before[i]!);
			before = now;
		}

		expect(monitor.sparkline(1)).toEqual(expected[0]!.slice(-sparklineLength));
		expect(monitor.sparkline(2)).toEqual(expected[1]!.slice(-sparklineLength));
		expect(monitor.sparkline(1)).toHaveLength(sparklineLength);
		// About 20 and 5 a second.
		const mean = (xs: readonly number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
		expect(mean(monitor.sparkline(1))).toBeGreaterThan(15);
		expect(mean(monitor.sparkline(2))).toBeLessThan(7);
		expect(monitor.sparkline(99)).toEqual([]);
	});

	it('sparklines count sent only: a sender that fails every message draws no bars', () => {
		const engine = createEngine(settingsOf({messages: 100_000, senders: [spec({meanMs: 50, failureRate: 1}), spec({meanMs: 50, failureRate: 0})]}));
		const monitor = new Monitor(engine, true);
		monitor.sample(0);
		for (let t = 1000; t <= 5000; t += 1000) {
			engine.runUntil(t);
			monitor.sample(t);
		}

		expect(engine.snapshot().senders[0]!.failed).toBeGreaterThan(50);
		expect(monitor.sparkline(1)).toEqual([0, 0, 0, 0, 0]);
		expect(Math.min(...monitor.sparkline(2))).toBeGreaterThan(10);
	});

	it('sparklines are per second even when ticks are not one second apart', () => {
		const engine = createEngine(settingsOf({messages: 100_000, senders: [spec({distribution: 'constant', meanMs: 100, failureRate: 0})]}));
		const monitor = new Monitor(engine, true);
		monitor.sample(0);
		engine.runUntil(250.5);
		monitor.sample(250.5);
		engine.runUntil(2250.5);
		monitor.sample(2250.5);
		// 2 messages in the first 250.5 ms, then 20 in 2 s: 10 a second.
		expect(monitor.sparkline(1)).toEqual([(2 * 1000) / 250.5, 10]);
	});

	it('without trackSenders no sparkline is kept', () => {
		const engine = createEngine(settingsOf());
		const monitor = new Monitor(engine);
		monitor.sample(0);
		engine.runUntil(1000);
		monitor.sample(1000);
		expect(monitor.sparkline(1)).toEqual([]);
	});
});
