import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {applyAction} from '../../source/engine/actions.js';
import {createEngine, defaultQueueCapacity, type Engine, type EngineOptions} from '../../source/engine/engine.js';
import {messageText} from '../../source/engine/message.js';
import {
	distributions,
	type Action,
	type Distribution,
	type Outcome,
	type RunSettings,
	type SenderSpec,
} from '../../source/engine/types.js';
import {recordOutcomes as record} from '../helpers/outcomes.js';

// ---- helpers ----

const spec = (over: Partial<SenderSpec> = {}): SenderSpec => ({meanMs: 100, failureRate: 0.1, distribution: 'gamma', ...over});

const settingsOf = (over: Partial<RunSettings> = {}): RunSettings => ({
	messages: 300,
	senders: [spec(), spec(), spec()],
	retries: 0,
	seed: 42,
	intervalMs: 1000,
	...over,
});

/** The engine's books balance: conservation, and the per-sender figures add up to the totals. */
function checkBooks(engine: Engine, bound?: {capacity: number; maxRunning: number}): void {
	const s = engine.snapshot();
	const broken: string[] = [];
	const check = (ok: boolean, what: string) => {
		if (!ok) broken.push(what);
	};

	check(s.produced === s.queued + s.inFlight + s.sent + s.failed, 'produced = queued + inFlight + sent + failed');
	check(s.pending === s.total - s.produced && s.pending >= 0, 'pending = total - produced >= 0');
	check(s.isDone === (s.produced === s.total && s.queued === 0 && s.inFlight === 0), 'isDone');
	const sum = (pick: (x: (typeof s.senders)[number]) => number) => s.senders.reduce((a, x) => a + pick(x), 0);
	check(sum(x => x.inFlight) === s.inFlight, 'senders in flight add up');
	check(sum(x => x.sent) === s.sent, 'senders sent add up');
	check(sum(x => x.failed) === s.failed, 'senders failed add up');
	check(sum(x => x.attempts) === s.attempts, 'senders attempts add up');
	check(s.senders.filter(x => x.state === 'resting').length === s.resting, 'resting senders');
	check(s.attempts >= s.sent + s.failed, 'attempts >= finished');
	for (const x of s.senders) {
		check(x.inFlight === (x.state === 'sending' ? 1 : 0), `sender ${x.id} in flight matches its state`);
		check(x.state !== 'resting' || x.restLeftMs >= 0, `sender ${x.id} rest countdown`);
	}

	// Memory stays flat: the producer only tops the queue up to its capacity; what
	// exceeds it came back from a sender, which held it before.
	if (bound !== undefined) check(s.queued + s.inFlight <= bound.capacity + bound.maxRunning, 'queued + inFlight <= capacity + senders');
	if (broken.length > 0) expect({broken, snapshot: {...s, senders: s.senders.length}}).toEqual({broken: []});
}

/** Runs to the end in steps of `stepMs`, checking the books after every step. */
function runInSteps(engine: Engine, stepMs: number, bound?: {capacity: number; maxRunning: number}): void {
	let t = engine.simMs;
	let guard = 0;
	while (engine.nextEventAt() !== undefined) {
		t += stepMs;
		engine.runUntil(t);
		checkBooks(engine, bound);
		if (++guard > 1e6) throw new Error('the run does not end');
	}
}

function expectEveryIdOnce(outcomes: readonly Outcome[], total: number): void {
	expect(outcomes.length).toBe(total);
	expect(new Set(outcomes.map(o => o.id)).size).toBe(total);
	expect(outcomes.every(o => Number.isInteger(o.id) && o.id >= 1 && o.id <= total)).toBe(true);
}

/** What every finished message must look like, whatever happened during the run. */
function checkOutcomes(engine: Engine, outcomes: readonly Outcome[], retries: number): void {
	const t = engine.totals();
	const broken = new Set<string>();
	let previous = 0;
	for (const o of outcomes) {
		if (o.attempts < 1 || o.attempts > retries + 1) broken.add('1 <= attempts <= retries + 1');
		// A failed message used every attempt it had.
		if (o.outcome === 'failed' && o.attempts !== retries + 1) broken.add('failed after every attempt');
		if (!(o.timeMs >= 0)) broken.add('timeMs >= 0');
		if (!(o.e2eMs >= o.timeMs - 1e-9)) broken.add('e2eMs >= timeMs');
		if (!(o.simMs >= previous)) broken.add('outcomes in order of finishing');
		if (!/^\d{10}$/.test(o.phone)) broken.add('phone has 10 digits');
		previous = o.simMs;
	}

	expect([...broken]).toEqual([]);
	expect(outcomes.filter(o => o.outcome === 'sent').length).toBe(t.sent);
	expect(outcomes.filter(o => o.outcome === 'failed').length).toBe(t.failed);
	// Attempts of a removed sender's unfinished try are not counted, so the totals add up.
	expect(outcomes.reduce((a, o) => a + o.attempts, 0)).toBe(t.attempts);
	if (outcomes.length > 0) expect(t.lastOutcomeMs).toBe(outcomes.at(-1)!.simMs);
}

function runToEnd(settings: RunSettings, options?: EngineOptions): {engine: Engine; outcomes: Outcome[]} {
	const engine = createEngine(settings, options);
	const outcomes = record(engine);
	engine.runUntil(Infinity);
	return {engine, outcomes};
}

/** Binomial(n, p) count within 4 standard deviations of n·p. */
function expectBinomial(count: number, trials: number, p: number): void {
	const sd = Math.sqrt(trials * p * (1 - p));
	expect(Math.abs(count - trials * p)).toBeLessThanOrEqual(4 * sd);
}

// ---- tests ----

describe('Engine', () => {
	describe('conservation', () => {
		it.each(distributions)('%s: holds after every small step, and every message ends once', distribution => {
			const settings = settingsOf({
				messages: 400,
				retries: 1,
				senders: [spec({distribution, failureRate: 0.2}), spec({distribution, meanMs: 40, failureRate: 0.3}), spec({distribution, meanMs: 250})],
			});
			const engine = createEngine(settings, {queueCapacity: 25});
			const outcomes = record(engine);
			checkBooks(engine);
			runInSteps(engine, 7, {capacity: 25, maxRunning: 3});
			const t = engine.totals();
			expect(t.isDone).toBe(true);
			expect(t.sent + t.failed).toBe(400);
			expect(t.attempts).toBeGreaterThanOrEqual(t.sent + t.failed);
			expect(t.queued).toBeLessThanOrEqual(25);
			expectEveryIdOnce(outcomes, 400);
			checkOutcomes(engine, outcomes, 1);
		});

		it('the producer makes messages lazily: never more than the queue holds plus what senders hold', () => {
			const engine = createEngine(settingsOf({messages: 100_000, senders: [spec(), spec()]}), {queueCapacity: 50});
			expect(engine.totals()).toMatchObject({produced: 52, queued: 50, inFlight: 2, pending: 100_000 - 52});
			for (let t = 500; t <= 5000; t += 500) {
				engine.runUntil(t);
				const s = engine.totals();
				expect(s.queued).toBeLessThanOrEqual(50);
				expect(s.produced - s.sent - s.failed).toBeLessThanOrEqual(52);
			}
		});

		it('the default queue holds 1000 messages', () => {
			const engine = createEngine(settingsOf({messages: 5000, senders: []}));
			expect(defaultQueueCapacity).toBe(1000);
			expect(engine.totals()).toMatchObject({produced: 1000, queued: 1000, pending: 4000});
		});
	});

	describe('outcomes', () => {
		it('failure rate 0.1, no retries: failed count is binomial', () => {
			const {engine, outcomes} = runToEnd(settingsOf({messages: 4000, seed: 7}));
			const t = engine.totals();
			expect(t.sent + t.failed).toBe(4000);
			expect(t.attempts).toBe(4000);
			expectBinomial(t.failed, 4000, 0.1);
			checkOutcomes(engine, outcomes, 0);
		});

		it('failure rate 0.1, one retry: a message fails with p², first attempts fail with p', () => {
			const {engine, outcomes} = runToEnd(settingsOf({messages: 4000, retries: 1, seed: 8}));
			const t = engine.totals();
			expectBinomial(t.failed, 4000, 0.01);
			expectBinomial(t.attempts - 4000, 4000, 0.1);
			checkOutcomes(engine, outcomes, 1);
		});

		it('failure rate 0.3, two retries: failed attempts are binomial over all attempts', () => {
			const {engine} = runToEnd(
				settingsOf({messages: 3000, retries: 2, seed: 9, senders: [spec({failureRate: 0.3}), spec({failureRate: 0.3})]}),
			);
			const t = engine.totals();
			expectBinomial(t.attempts - t.sent, t.attempts, 0.3);
			expectBinomial(t.failed, 3000, 0.3 ** 3);
		});

		it('failure rate 1 with retries 2: every message fails after 3 attempts, and the run ends', () => {
			const {engine, outcomes} = runToEnd(settingsOf({messages: 200, retries: 2, senders: [spec({failureRate: 1}), spec({failureRate: 1})]}));
			const t = engine.totals();
			expect(t).toMatchObject({sent: 0, failed: 200, attempts: 600, isDone: true});
			expect(outcomes.every(o => o.outcome === 'failed' && o.attempts === 3)).toBe(true);
			expect(engine.nextEventAt()).toBeUndefined();
		});

		it('failure rate 0: every message is sent on its first attempt', () => {
			const {engine, outcomes} = runToEnd(settingsOf({messages: 500, retries: 3, senders: [spec({failureRate: 0})]}));
			expect(engine.totals()).toMatchObject({sent: 500, failed: 0, attempts: 500});
			expect(outcomes.every(o => o.outcome === 'sent' && o.attempts === 1)).toBe(true);
		});

		it.each(distributions)('%s with mean 0: everything ends at time 0', distribution => {
			const {engine, outcomes} = runToEnd(
				settingsOf({messages: 150, retries: 2, senders: [spec({distribution, meanMs: 0, failureRate: 0.5}), spec({distribution, meanMs: 0})]}),
			);
			expect(engine.totals().isDone).toBe(true);
			expectEveryIdOnce(outcomes, 150);
			expect(outcomes.every(o => o.timeMs === 0 && o.simMs === 0)).toBe(true);
			expect(engine.totals().lastOutcomeMs).toBe(0);
		});

		it('one message', () => {
			const {engine, outcomes} = runToEnd(settingsOf({messages: 1}));
			expect(outcomes.map(o => o.id)).toEqual([1]);
			expect(engine.totals()).toMatchObject({produced: 1, pending: 0, isDone: true});
		});

		it('zero messages: done from the start, nothing scheduled', () => {
			const engine = createEngine(settingsOf({messages: 0}));
			expect(engine.totals()).toMatchObject({produced: 0, isDone: true});
			expect(engine.nextEventAt()).toBeUndefined();
		});

		it('constant times are exact: one attempt per mean, time counts every attempt', () => {
			const {outcomes} = runToEnd(
				settingsOf({messages: 60, retries: 3, senders: [spec({distribution: 'constant', meanMs: 100, failureRate: 0.5})]}),
			);
			let clock = 0;
			for (const o of outcomes) {
				expect(o.timeMs).toBeCloseTo(o.attempts * 100, 6);
				clock += o.attempts * 100;
				expect(o.simMs).toBeCloseTo(clock, 6);
			}

			expect(outcomes.some(o => o.attempts > 1)).toBe(true);
		});

		it('end-to-end time runs from production, which happens when the queue has room', () => {
			const {outcomes} = runToEnd(
				settingsOf({messages: 10, senders: [spec({distribution: 'constant', meanMs: 100, failureRate: 0})]}),
				{queueCapacity: 2},
			);
			// Messages 1..3 are made at 0 (two queued, then one more when the sender takes #1);
			// #k (k ≥ 3) is made when #k−2 is picked up, at (k−3)·100, and finishes at k·100.
			expect(outcomes.map(o => [o.id, o.simMs, o.timeMs, o.e2eMs])).toEqual(
				Array.from({length: 10}, (_, i) => {
					const k = i + 1;
					return [k, k * 100, 100, k < 3 ? k * 100 : 300];
				}),
			);
		});

		it('phone numbers are 10 digits (leading zeros kept) and texts 1..100 printable characters', () => {
			const {outcomes} = runToEnd(settingsOf({messages: 2000, seed: 3}));
			expect(outcomes.every(o => /^\d{10}$/.test(o.phone))).toBe(true);
			expect(new Set(outcomes.map(o => o.phone)).size).toBeGreaterThan(1990);
			expect(outcomes.some(o => o.phone.startsWith('0'))).toBe(true);
			for (let seed = 0; seed < 200; seed++) {
				const length = 1 + (seed % 100);
				const text = messageText(seed * 2_654_435_761, length);
				expect(text).toHaveLength(length);
				expect(text).toMatch(/^[\x20-\x7E]+$/);
				expect(messageText(seed * 2_654_435_761, length)).toBe(text);
			}
		});

		it('snapshot figures match the outcomes: averages and percentiles', () => {
			const {engine, outcomes} = runToEnd(settingsOf({messages: 2000, retries: 1, seed: 11}));
			const s = engine.snapshot();
			const times = outcomes.map(o => o.timeMs).sort((a, b) => a - b);
			const mean = (xs: readonly number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
			expect(s.avgTimeMs).toBeCloseTo(mean(times), 6);
			expect(s.avgE2eMs).toBeCloseTo(mean(outcomes.map(o => o.e2eMs)), 6);
			for (const [q, value] of [
				[0.5, s.p50Ms],
				[0.95, s.p95Ms],
				[0.99, s.p99Ms],
			] as const) {
				const exact = times[Math.ceil(q * times.length) - 1]!;
				expect(Math.abs(value! - exact)).toBeLessThanOrEqual(exact * 0.01);
			}

			for (const sender of s.senders) {
				const own = outcomes.filter(o => o.sender === sender.id);
				expect(sender.sent + sender.failed).toBe(own.length);
				expect(sender.avgTimeMs).toBeCloseTo(mean(own.map(o => o.timeMs)), 6);
				expect(sender.observedMeanMs).toBeGreaterThan(80);
				expect(sender.observedMeanMs).toBeLessThan(120);
			}
		});

		it('before any outcome the averages and percentiles are undefined, never NaN', () => {
			const s = createEngine(settingsOf({senders: []})).snapshot();
			expect([s.avgTimeMs, s.avgE2eMs, s.p50Ms, s.p95Ms, s.p99Ms]).toEqual([undefined, undefined, undefined, undefined, undefined]);
		});

		it('max-wait shows in the observed mean', () => {
			const {engine} = runToEnd(
				settingsOf({messages: 1000, senders: [spec({distribution: 'exponential', meanMs: 100, maxWaitMs: 50})]}),
			);
			const sender = engine.snapshot().senders[0]!;
			expect(sender.observedMeanMs).toBeLessThanOrEqual(50);
			// E[min(X, 50)] for exponential mean 100 is 100·(1 − e^−0.5) ≈ 39.3.
			expect(sender.observedMeanMs).toBeGreaterThan(36);
			expect(sender.observedMeanMs).toBeLessThan(43);
		});

		it('an unchanged sender keeps its snapshot object; a changed one gets a new one', () => {
			const engine = createEngine(
				settingsOf({senders: [spec({distribution: 'constant', meanMs: 100}), spec({distribution: 'constant', meanMs: 1000})]}),
			);
			engine.runUntil(150);
			const a = engine.snapshot();
			const b = engine.snapshot();
			expect(b.senders[0]).toBe(a.senders[0]);
			expect(b.senders[1]).toBe(a.senders[1]);
			engine.runUntil(250);
			const c = engine.snapshot();
			expect(c.senders[0]).not.toBe(a.senders[0]);
			expect(c.senders[1]).toBe(a.senders[1]);
		});
	});

	describe('senders', () => {
		it('zero senders: the queue fills, nothing finishes; adding a sender finishes the run', () => {
			const engine = createEngine(settingsOf({messages: 3000, senders: []}), {queueCapacity: 100});
			const outcomes = record(engine);
			expect(engine.nextEventAt()).toBeUndefined();
			engine.runUntil(1e9);
			expect(engine.totals()).toMatchObject({produced: 100, queued: 100, inFlight: 0, sent: 0, failed: 0, isDone: false, simMs: 1e9});
			expect(engine.nextEventAt()).toBeUndefined();
			expect(engine.addSender(spec())).toBe(1);
			expect(engine.nextEventAt()).toBeGreaterThanOrEqual(1e9);
			runInSteps(engine, 5000, {capacity: 100, maxRunning: 1});
			expect(engine.totals().isDone).toBe(true);
			expectEveryIdOnce(outcomes, 3000);
			expect(outcomes.every(o => o.sender === 1 && o.simMs >= 1e9)).toBe(true);
		});

		it('removing a sender mid-flight puts its message back at the front; another finishes it', () => {
			const engine = createEngine(
				settingsOf({
					messages: 10,
					senders: [spec({distribution: 'constant', meanMs: 100, failureRate: 0}), spec({distribution: 'constant', meanMs: 100, failureRate: 0})],
				}),
			);
			const outcomes = record(engine);
			engine.runUntil(50);
			expect(engine.totals()).toMatchObject({inFlight: 2, queued: 8});
			expect(engine.removeSender(1)).toBe(true);
			expect(engine.totals()).toMatchObject({inFlight: 1, queued: 9});
			checkBooks(engine);
			engine.runUntil(Infinity);
			expectEveryIdOnce(outcomes, 10);
			expect(outcomes.every(o => o.sender === 2)).toBe(true);
			// #2 ends at 100, then sender 2 takes #1 from the front; its time counts from the first pickup.
			expect(outcomes.slice(0, 2).map(o => [o.id, o.simMs, o.timeMs])).toEqual([
				[2, 100, 100],
				[1, 200, 200],
			]);
			const removed = engine.snapshot().senders[0]!;
			expect(removed).toMatchObject({id: 1, state: 'removed', inFlight: 0, attempts: 0, sent: 0});
		});

		it.each([false, true])('senders that have only waited have no object until needed, and the run is the same as if every one had one (snapshots taken: %s)', isSnapshotting => {
			// Run A makes a sender's object when it first has something to do (or a snapshot reads
			// it); run B makes each at its start. Tunes, removals and more messages reach waiting senders.
			const run = (makesEverySender: boolean) => {
				const engine = createEngine(
					settingsOf({messages: 20, retries: 1, senders: Array.from({length: 300}, (_, i) => spec({meanMs: 50 + (i % 5), failureRate: 0.2}))}),
					{queueCapacity: 5, makesEverySender},
				);
				const outcomes = record(engine);
				const steps: Array<[number, (e: Engine) => unknown]> = [
					[10, e => e.tuneSender(250, {window: 3, failureRate: 0})],
					[20, e => e.removeSender(260)],
					[30, e => e.produceMore(200)],
					[400, e => e.removeSender(2)],
					[500, e => e.addSender(spec({meanMs: 5}))],
					[600, e => e.produceMore(600)],
				];
				for (const [t, act] of steps) {
					engine.runUntil(t);
					if (isSnapshotting) engine.snapshot();
					act(engine);
				}

				engine.runUntil(Infinity);
				return {outcomes, snapshot: engine.snapshot(), ids: engine.senderIds()};
			};

			const lazy = run(false);
			const made = run(true);
			expect(made.snapshot.senders).toHaveLength(301);
			expect(lazy.outcomes).toEqual(made.outcomes);
			expect(lazy.snapshot).toEqual(made.snapshot);
			expect(lazy.ids).toEqual(made.ids);
			expect(lazy.outcomes).toHaveLength(820);
			expect(new Set(lazy.outcomes.map(o => o.sender)).size).toBeGreaterThan(200);
			expect(lazy.snapshot.senders.find(s => s.id === 250)).toMatchObject({spec: {window: 3, failureRate: 0}});
			expect(lazy.snapshot.senders.find(s => s.id === 260)).toMatchObject({state: 'removed', sent: 0});
		});

		it("each of 2,100 senders keeps its own times (their rows span three blocks of SenderRows)", () => {
			const senders = Array.from({length: 2100}, (_, i) => spec({distribution: 'constant', meanMs: 1 + (i % 7), failureRate: 0}));
			const engine = createEngine(settingsOf({messages: 6300, senders}));
			engine.runUntil(Infinity);
			const wrong = engine.snapshot().senders.filter((s, i) => s.sent === 0 || s.avgTimeMs !== 1 + (i % 7) || s.observedMeanMs !== 1 + (i % 7));
			expect(wrong).toEqual([]);
		});

		it("a removed sender's answers still on the clock reach nobody, though another sender took its message and submits it again", () => {
			// Sender 1 (window 3, 100 ms) has three segments of #1 in flight when it is removed at 50;
			// sender 2 (window 1, 40 ms) takes #1 back: its segments are answered at 90, 130 and 170,
			// and 1's three answers at 100 come while 2 holds the message.
			const engine = createEngine(
				settingsOf({
					messages: 1,
					text: 'x'.repeat(400),
					senders: [spec({distribution: 'constant', meanMs: 100, failureRate: 0, window: 3})],
				}),
			);
			const outcomes = record(engine);
			engine.runUntil(50);
			expect(engine.snapshot().senders[0]).toMatchObject({windowUsed: 3, inFlight: 1});
			expect(engine.removeSender(1)).toBe(true);
			engine.addSender(spec({distribution: 'constant', meanMs: 40, failureRate: 0}));
			engine.runUntil(Infinity);
			expect(outcomes.map(o => [o.id, o.sender, o.simMs, o.attempts, o.segments])).toEqual([[1, 2, 170, 1, 3]]);
			const [first, second] = engine.snapshot().senders;
			expect(first).toMatchObject({state: 'removed', attempts: 0, sent: 0, segments: 0});
			expect(second).toMatchObject({attempts: 1, sent: 1, segments: 3, windowUsed: 0});
			expect(engine.snapshot()).toMatchObject({sent: 1, segments: 3, inFlight: 0, isDone: true});
		});

		it('over 9,000 senders (their submits in buckets of time, each next one read ahead), some removed mid-flight: nothing lost, each message once', () => {
			const engine = createEngine(settingsOf({messages: 30_000, retries: 1, senders: Array.from({length: 9000}, () => spec({failureRate: 0.2}))}));
			const outcomes = record(engine);
			engine.runUntil(50);
			for (let id = 1; id <= 9000; id += 97) expect(engine.removeSender(id)).toBe(true);
			checkBooks(engine);
			engine.runUntil(Infinity);
			checkBooks(engine);
			expectEveryIdOnce(outcomes, 30_000);
			expect(outcomes.some(o => (o.sender - 1) % 97 === 0 && o.simMs > 50)).toBe(false);
		});

		it('no sender at the start, two added later: each keeps its times (their buffers were sized for none)', () => {
			// Fewer than 64 messages each: a sender keeps each time, not a histogram (sender-times.ts).
			const engine = createEngine(settingsOf({messages: 100, senders: [], retries: 1, seed: 3}));
			engine.runUntil(10);
			engine.addSender(spec({distribution: 'lognormal'}));
			engine.addSender(spec({meanMs: 50, window: 3}));
			engine.runUntil(Infinity);
			const senders = engine.snapshot().senders;
			expect(senders.map(s => s.sent + s.failed).reduce((a, b) => a + b)).toBe(100);
			expect(senders.map(s => Number.isFinite(s.p95Ms))).toEqual([true, true]);
			expect(senders[0]!.p95Ms).toBeGreaterThan(senders[0]!.avgTimeMs!);
		});

		it('3,000 senders with windows of 100,000 and a billion messages to send: the run starts (its buffers grow as it fills them)', () => {
			const engine = createEngine(settingsOf({messages: 1e9, senders: Array.from({length: 3000}, () => spec({window: 100_000, rate: 1}))}));
			engine.runUntil(10);
			// Each took one message at 0 (its rate cap spaces the next a second later); the queue refilled.
			const {inFlight, sent, failed, queued} = engine.snapshot();
			expect({taken: inFlight + sent + failed, queued}).toEqual({taken: 3000, queued: 1000});
		});

		it.each(distributions)('%s: removing senders at random moments loses nothing', distribution => {
			const engine = createEngine(
				settingsOf({messages: 300, retries: 1, senders: Array.from({length: 6}, () => spec({distribution, failureRate: 0.2}))}),
				{queueCapacity: 20},
			);
			const outcomes = record(engine);
			for (const [t, id] of [
				[130, 2],
				[131, 5],
				[700, 1],
				[1500, 6],
				[1500, 3],
			] as const) {
				engine.runUntil(t);
				expect(engine.removeSender(id)).toBe(true);
				checkBooks(engine, {capacity: 20, maxRunning: 6});
			}

			runInSteps(engine, 50, {capacity: 20, maxRunning: 6});
			expectEveryIdOnce(outcomes, 300);
			checkOutcomes(engine, outcomes, 1);
			expect(engine.senderIds()).toEqual([4]);
		});

		it('all senders removed mid-flight, then one added: the run still finishes', () => {
			const engine = createEngine(settingsOf({messages: 200}), {queueCapacity: 10});
			const outcomes = record(engine);
			engine.runUntil(120);
			const before = engine.totals();
			for (const id of engine.senderIds()) engine.removeSender(id);
			const after = engine.totals();
			expect(after.inFlight).toBe(0);
			expect(after.queued).toBe(before.queued + before.inFlight);
			expect(after.isDone).toBe(false);
			expect(engine.nextEventAt()).toBeUndefined();
			checkBooks(engine);
			engine.runUntil(5000);
			expect(engine.totals().sent + engine.totals().failed).toBe(before.sent + before.failed);
			engine.addSender(spec({meanMs: 10}));
			runInSteps(engine, 100, {capacity: 10, maxRunning: 3});
			expectEveryIdOnce(outcomes, 200);
			expect(outcomes.filter(o => o.simMs > 5000).every(o => o.sender === 4)).toBe(true);
		});

		it('removing an idle sender, then producing more: the remaining sender takes it all', () => {
			const engine = createEngine(settingsOf({messages: 4, senders: [spec({meanMs: 10}), spec({meanMs: 10})]}));
			const outcomes = record(engine);
			engine.runUntil(Infinity);
			expect(engine.removeSender(1)).toBe(true);
			engine.produceMore(50);
			engine.runUntil(Infinity);
			expectEveryIdOnce(outcomes, 54);
			expect(outcomes.slice(4).every(o => o.sender === 2)).toBe(true);
		});

		it('unknown or removed ids change nothing but are recorded, so a replay skips them too', () => {
			const engine = createEngine(settingsOf());
			const before = engine.snapshot();
			expect(engine.removeSender(99)).toBe(false);
			expect(engine.tuneSender(99, {meanMs: 1})).toBe(false);
			expect(engine.snapshot()).toEqual(before);
			expect(engine.removeSender(2)).toBe(true);
			expect(engine.removeSender(2)).toBe(false);
			expect(engine.tuneSender(2, {meanMs: 1})).toBe(false);
			expect(engine.actions).toEqual([
				{simMs: 0, remove: 99},
				{simMs: 0, tune: {sender: 99, meanMs: 1}},
				{simMs: 0, remove: 2},
				{simMs: 0, remove: 2},
				{simMs: 0, tune: {sender: 2, meanMs: 1}},
			]);
			expect(engine.senderIds()).toEqual([1, 3]);
			expect(engine.snapshot().senders.find(s => s.id === 2)!.spec.meanMs).toBe(100);
		});

		it('a new sender gets the next id, never a removed one’s', () => {
			const engine = createEngine(settingsOf());
			engine.removeSender(3);
			expect(engine.addSender(spec())).toBe(4);
			expect(engine.senderIds()).toEqual([1, 2, 4]);
		});

		it('tune: the attempt under way keeps its time, the next ones use the new settings', () => {
			const engine = createEngine(
				settingsOf({messages: 5, senders: [spec({distribution: 'constant', meanMs: 100, failureRate: 0})]}),
			);
			const outcomes = record(engine);
			engine.runUntil(50);
			expect(engine.tuneSender(1, {meanMs: 10})).toBe(true);
			engine.runUntil(Infinity);
			expect(outcomes.map(o => o.simMs)).toEqual([100, 110, 120, 130, 140]);
			expect(engine.snapshot().senders[0]!.spec.meanMs).toBe(10);
		});

		it('tune: a failure rate of 1 fails every attempt that ends after it', () => {
			const engine = createEngine(settingsOf({messages: 300, senders: [spec({failureRate: 0}), spec({failureRate: 0})]}));
			const outcomes = record(engine);
			engine.runUntil(1000);
			engine.tuneSender(2, {failureRate: 1});
			engine.runUntil(Infinity);
			const late = outcomes.filter(o => o.simMs > 1000);
			expect(late.filter(o => o.sender === 2).every(o => o.outcome === 'failed')).toBe(true);
			expect(late.filter(o => o.sender === 1).every(o => o.outcome === 'sent')).toBe(true);
			expect(late.some(o => o.sender === 2)).toBe(true);
		});

		it('a tune that leaves uniform wider than its mean never moves the clock backwards', () => {
			// Config checks spread against mean only when a tune names both; the engine must cope.
			const engine = createEngine(
				settingsOf({messages: 80, senders: [spec({distribution: 'uniform', meanMs: 100, spreadMs: 80, failureRate: 0})]}),
			);
			const outcomes = record(engine);
			engine.runUntil(150);
			engine.tuneSender(1, {meanMs: 10});
			let clock = engine.simMs;
			while (engine.nextEventAt() !== undefined) {
				engine.runUntil(Infinity, 1);
				expect(engine.simMs).toBeGreaterThanOrEqual(clock);
				clock = engine.simMs;
			}

			expectEveryIdOnce(outcomes, 80);
			expect(outcomes.every(o => o.timeMs >= 0)).toBe(true);
		});

		it('produceMore after done: the run goes on with the next ids', () => {
			const engine = createEngine(settingsOf({messages: 50}));
			const outcomes = record(engine);
			engine.runUntil(Infinity);
			expect(engine.totals().isDone).toBe(true);
			const doneAt = engine.totals().lastOutcomeMs;
			engine.runUntil(doneAt + 500);
			engine.produceMore(25);
			expect(engine.totals()).toMatchObject({total: 75, isDone: false});
			engine.runUntil(Infinity);
			expect(engine.totals()).toMatchObject({total: 75, produced: 75, isDone: true});
			expectEveryIdOnce(outcomes, 75);
			expect(outcomes.slice(50).every(o => o.id > 50 && o.simMs > doneAt + 500)).toBe(true);
			expect(engine.actions).toEqual([{simMs: doneAt + 500, more: 25}]);
		});

		it('produceMore of 0 or less does nothing', () => {
			const engine = createEngine(settingsOf({messages: 5}));
			engine.produceMore(0);
			engine.produceMore(-3);
			expect(engine.totals().total).toBe(5);
			expect(engine.actions).toEqual([]);
		});
	});

	describe('failover', () => {
		it('exact timeline: the failing sender rests, the message waits at the front of the queue', () => {
			const engine = createEngine(
				settingsOf({
					messages: 3,
					retries: 1,
					senders: [spec({distribution: 'constant', meanMs: 10, failureRate: 1, failoverMs: 1000})],
				}),
			);
			const outcomes = record(engine);
			engine.runUntil(10);
			expect(engine.totals()).toMatchObject({queued: 3, inFlight: 0, resting: 1});
			expect(engine.snapshot().senders[0]).toMatchObject({state: 'resting', restLeftMs: 1000, rests: 1});
			engine.runUntil(600);
			expect(engine.snapshot().senders[0]).toMatchObject({state: 'resting', restLeftMs: 410});
			checkBooks(engine);
			engine.runUntil(Infinity);
			expect(outcomes.map(o => [o.id, o.outcome, o.attempts, o.timeMs, o.simMs])).toEqual([
				[1, 'failed', 2, 1020, 1020],
				[2, 'failed', 2, 1020, 3040],
				[3, 'failed', 2, 1020, 5060],
			]);
			expect(engine.snapshot().senders[0]).toMatchObject({state: 'idle', rests: 6, restedMs: 6000, attempts: 6});
			expect(engine.totals()).toMatchObject({resting: 0, isDone: true});
		});

		it('a failing sender rests while a healthy one finishes its messages', () => {
			const engine = createEngine(
				settingsOf({
					messages: 100,
					retries: 3,
					senders: [
						spec({distribution: 'constant', meanMs: 10, failureRate: 1, failoverMs: 500}),
						spec({distribution: 'constant', meanMs: 100, failureRate: 0}),
					],
				}),
				{queueCapacity: 10},
			);
			const outcomes = record(engine);
			let sawResting = false;
			let t = 0;
			while (engine.nextEventAt() !== undefined) {
				engine.runUntil((t += 37));
				checkBooks(engine, {capacity: 10, maxRunning: 2});
				const first = engine.snapshot().senders[0]!;
				if (first.state === 'resting') {
					sawResting = true;
					expect(first.restLeftMs).toBeGreaterThan(0);
					expect(first.restLeftMs).toBeLessThanOrEqual(500);
				}
			}

			expect(sawResting).toBe(true);
			expectEveryIdOnce(outcomes, 100);
			checkOutcomes(engine, outcomes, 3);
			expect(outcomes.every(o => o.outcome === 'sent' && o.sender === 2)).toBe(true);
			const tried = outcomes.filter(o => o.attempts === 2);
			expect(tried.length).toBeGreaterThan(0);
			// Their time runs from the first pickup, the wait in the queue included.
			expect(tried.every(o => o.timeMs > 100)).toBe(true);
			const failing = engine.snapshot().senders[0]!;
			expect(failing).toMatchObject({sent: 0, failed: 0});
			expect(failing.rests).toBe(failing.attempts);
			expect(failing.rests).toBeGreaterThan(0);
		});

		it('with every sender resting the run still ends', () => {
			const engine = createEngine(
				settingsOf({messages: 60, retries: 2, senders: [1, 2, 3].map(() => spec({failureRate: 1, failoverMs: 200}))}),
			);
			const outcomes = record(engine);
			let allResting = false;
			let t = 0;
			while (engine.nextEventAt() !== undefined) {
				engine.runUntil((t += 20));
				checkBooks(engine);
				if (engine.totals().resting === 3) allResting = true;
			}

			expect(allResting).toBe(true);
			expect(engine.totals()).toMatchObject({isDone: true, failed: 60, attempts: 180, resting: 0});
			expectEveryIdOnce(outcomes, 60);
		});

		it('removing a resting sender ends its rest', () => {
			const engine = createEngine(
				settingsOf({messages: 5, senders: [spec({distribution: 'constant', meanMs: 10, failureRate: 1, failoverMs: 1000})]}),
			);
			engine.runUntil(500);
			expect(engine.totals().resting).toBe(1);
			engine.removeSender(1);
			expect(engine.totals().resting).toBe(0);
			expect(engine.nextEventAt()).toBeUndefined();
			expect(engine.snapshot().senders[0]).toMatchObject({state: 'removed', restedMs: 490});
			checkBooks(engine);
		});
	});

	describe('determinism', () => {
		const settings = settingsOf({
			messages: 800,
			retries: 2,
			senders: [spec({distribution: 'normal'}), spec({distribution: 'exponential', failureRate: 0.3, failoverMs: 50}), spec({distribution: 'lognormal'})],
		});

		it('the same seed gives the same outcomes and the same snapshot', () => {
			const a = runToEnd(settings);
			const b = runToEnd(settings);
			expect(b.outcomes).toEqual(a.outcomes);
			expect(b.engine.snapshot()).toEqual(a.engine.snapshot());
		});

		it('another seed gives other outcomes', () => {
			const a = runToEnd(settings);
			const b = runToEnd({...settings, seed: 43});
			expect(b.outcomes.map(o => o.simMs)).not.toEqual(a.outcomes.map(o => o.simMs));
			expect(b.outcomes.map(o => o.phone)).not.toEqual(a.outcomes.map(o => o.phone));
		});

		it('runUntil in any steps, with any event budget, gives the same outcomes as one call', () => {
			const small = {...settings, messages: 200};
			const baseline = runToEnd(small, {queueCapacity: 30});
			fc.assert(
				fc.property(
					fc.array(fc.record({stepMs: fc.oneof(fc.double({min: 0.5, max: 5, noNaN: true}), fc.double({min: 5, max: 400, noNaN: true})), maxEvents: fc.option(fc.integer({min: 1, max: 5}))}), {
						minLength: 1,
						maxLength: 30,
					}),
					steps => {
						const engine = createEngine(small, {queueCapacity: 30});
						const outcomes = record(engine);
						let t = 0;
						let clock = 0;
						for (let i = 0; engine.nextEventAt() !== undefined; i++) {
							const step = steps[i % steps.length]!;
							t += step.stepMs;
							const done = engine.runUntil(t, step.maxEvents ?? undefined);
							if (step.maxEvents !== null) expect(done).toBeLessThanOrEqual(step.maxEvents);
							expect(engine.simMs).toBeGreaterThanOrEqual(clock);
							clock = engine.simMs;
							if (i > 1e6) throw new Error('no progress');
						}

						expect(outcomes).toEqual(baseline.outcomes);
					},
				),
				{numRuns: 15},
			);
		});

		it('runUntil stops at the event budget with the clock at the last event', () => {
			const engine = createEngine(settings);
			const first = engine.nextEventAt()!;
			expect(engine.runUntil(1e9, 1)).toBe(1);
			expect(engine.simMs).toBe(first);
			expect(engine.runUntil(1e9, 0)).toBe(0);
			expect(engine.simMs).toBe(first);
			expect(engine.runUntil(first - 1)).toBe(0);
			expect(engine.simMs).toBe(first);
		});
	});

	describe('actions', () => {
		it('records add, remove, tune and more with the simulated time, in script form', () => {
			const engine = createEngine(settingsOf());
			engine.runUntil(250);
			engine.addSender(spec({meanMs: 50, failoverMs: 10}));
			engine.runUntil(500.5);
			engine.tuneSender(4, {failureRate: 0.5});
			engine.removeSender(1);
			engine.runUntil(900);
			engine.produceMore(7);
			expect(engine.actions).toEqual([
				{simMs: 250, add: spec({meanMs: 50, failoverMs: 10})},
				{simMs: 500.5, tune: {sender: 4, failureRate: 0.5}},
				{simMs: 500.5, remove: 1},
				{simMs: 900, more: 7},
			]);
		});

		it('a recorded add is a copy: changing the spec passed in changes neither the record nor the sender', () => {
			const engine = createEngine(settingsOf({senders: []}));
			const given = spec({meanMs: 50});
			engine.addSender(given);
			given.meanMs = 1;
			expect(engine.actions[0]).toMatchObject({add: {meanMs: 50}});
			expect(engine.snapshot().senders[0]!.spec.meanMs).toBe(50);
		});

		it('applyAction reports a sender that is gone', () => {
			const engine = createEngine(settingsOf());
			expect(applyAction(engine, {remove: 9})).toBe(false);
			expect(applyAction(engine, {tune: {sender: 9, meanMs: 3}})).toBe(false);
			expect(applyAction(engine, {tune: {sender: 2, meanMs: 3}})).toBe(true);
			expect(engine.snapshot().senders[1]!.spec.meanMs).toBe(3);
			expect(applyAction(engine, {more: 4})).toBe(true);
			expect(applyAction(engine, {add: spec()})).toBe(true);
			expect(engine.actions.map(a => Object.keys(a)[1])).toEqual(['remove', 'tune', 'tune', 'more', 'add']);
		});
	});

	// ---- property tests: random schedules of runtime changes ----

	const specArb: fc.Arbitrary<SenderSpec> = fc
		.record({
			distribution: fc.constantFrom<Distribution>(...distributions),
			meanMs: fc.oneof(fc.constant(0), fc.integer({min: 1, max: 200})),
			failureRate: fc.oneof(fc.constant(0), fc.constant(1), fc.double({min: 0, max: 1, noNaN: true})),
			// 0, or a sane width: a spread ~1e-300 of the mean overflows gamma's shape (absurd input).
			spreadFactor: fc.option(fc.oneof(fc.constant(0), fc.double({min: 0.01, max: 1, noNaN: true})), {nil: undefined}),
			maxWaitMs: fc.option(fc.integer({min: 0, max: 300}), {nil: undefined}),
			failoverMs: fc.option(fc.integer({min: 1, max: 300}), {nil: undefined}),
		})
		.map(({spreadFactor, maxWaitMs, failoverMs, ...rest}) => {
			const out: SenderSpec = {...rest};
			if (spreadFactor !== undefined && rest.distribution !== 'constant' && rest.distribution !== 'exponential') {
				out.spreadMs = spreadFactor * rest.meanMs;
			}

			if (maxWaitMs !== undefined) out.maxWaitMs = maxWaitMs;
			if (failoverMs !== undefined) out.failoverMs = failoverMs;
			return out;
		});

	const patchArb: fc.Arbitrary<Partial<SenderSpec>> = fc.oneof(
		fc.record({failureRate: fc.double({min: 0, max: 1, noNaN: true})}),
		fc.record({meanMs: fc.integer({min: 0, max: 300})}),
		fc.record({distribution: fc.constantFrom<Distribution>(...distributions)}),
		fc.record({failoverMs: fc.integer({min: 0, max: 200})}),
		fc.record({maxWaitMs: fc.integer({min: 0, max: 100})}),
	);

	type Step = {run: number; maxEvents: number | undefined} | {action: 'add'; spec: SenderSpec} | {action: 'remove'; pick: number} | {action: 'tune'; pick: number; patch: Partial<SenderSpec>} | {action: 'more'; count: number};

	const stepArb: fc.Arbitrary<Step> = fc.oneof(
		{weight: 4, arbitrary: fc.record({run: fc.double({min: 0, max: 300, noNaN: true}), maxEvents: fc.option(fc.integer({min: 1, max: 20}), {nil: undefined})})},
		{weight: 1, arbitrary: fc.record({action: fc.constant('add' as const), spec: specArb})},
		{weight: 1, arbitrary: fc.record({action: fc.constant('remove' as const), pick: fc.nat()})},
		{weight: 1, arbitrary: fc.record({action: fc.constant('tune' as const), pick: fc.nat(), patch: patchArb})},
		{weight: 1, arbitrary: fc.record({action: fc.constant('more' as const), count: fc.integer({min: 1, max: 40})})},
	);

	const runArb = fc.record({
		messages: fc.integer({min: 0, max: 120}),
		senders: fc.array(specArb, {maxLength: 4}),
		retries: fc.integer({min: 0, max: 3}),
		seed: fc.integer({min: 0, max: 2 ** 31}),
		capacity: fc.option(fc.integer({min: 1, max: 15}), {nil: undefined}),
	});

	/** Turns a step into an action against the senders running now (pick wraps around, sometimes past the end). */
	function actionOf(engine: Engine, step: Exclude<Step, {run: number}>): Action {
		const ids = engine.senderIds();
		const idAt = (pick: number) => (ids.length === 0 ? 1 + pick % 5 : pick % (ids.length + 1) === ids.length ? 999 : ids[pick % (ids.length + 1)]!);
		switch (step.action) {
			case 'add': {
				return {add: step.spec};
			}

			case 'remove': {
				return {remove: idAt(step.pick)};
			}

			case 'tune': {
				return {tune: {sender: idAt(step.pick), ...step.patch}};
			}

			case 'more': {
				return {more: step.count};
			}
		}
	}

	it('random schedules: conservation and no double finish after every step, every message ends once', () => {
		fc.assert(
			fc.property(runArb, fc.array(stepArb, {maxLength: 40}), (run, steps) => {
				const capacity = run.capacity ?? defaultQueueCapacity;
				const engine = createEngine(
					{messages: run.messages, senders: run.senders, retries: run.retries, seed: run.seed, intervalMs: 1000},
					{queueCapacity: capacity},
				);
				const outcomes = record(engine);
				const bound = {capacity, maxRunning: run.senders.length};
				let t = 0;
				checkBooks(engine, bound);
				for (const step of steps) {
					if ('run' in step) {
						t += step.run;
						engine.runUntil(t, step.maxEvents);
					} else {
						applyAction(engine, actionOf(engine, step));
						bound.maxRunning = Math.max(bound.maxRunning, engine.senderIds().length);
					}

					checkBooks(engine, bound);
				}

				engine.runUntil(Infinity);
				if (!engine.isDone) {
					// Only a run without senders may be left unfinished.
					expect(engine.senderIds()).toEqual([]);
					expect(engine.nextEventAt()).toBeUndefined();
					engine.addSender(spec({meanMs: 5}));
					bound.maxRunning = Math.max(bound.maxRunning, 1);
					engine.runUntil(Infinity);
				}

				checkBooks(engine, bound);
				const total = engine.totals().total;
				expect(engine.totals()).toMatchObject({isDone: true, produced: total});
				expectEveryIdOnce(outcomes, total);
				checkOutcomes(engine, outcomes, run.retries);
			}),
			{numRuns: 150},
		);
	});

	it('replay: the recorded actions, applied at their times, give the same run', () => {
		const timedStepArb = fc.record({atMs: fc.double({min: 0, max: 3000, noNaN: true}), step: stepArb.filter(s => !('run' in s))});
		fc.assert(
			fc.property(runArb, fc.array(timedStepArb, {maxLength: 25}), (run, timed) => {
				const settings: RunSettings = {messages: run.messages, senders: run.senders, retries: run.retries, seed: run.seed, intervalMs: 1000};
				const options = {queueCapacity: run.capacity ?? defaultQueueCapacity};
				const a = createEngine(settings, options);
				const aOut = record(a);
				// Whether each recorded action found its sender (one that did not is recorded too).
				const applied: boolean[] = [];
				for (const {atMs, step} of [...timed].sort((x, y) => x.atMs - y.atMs)) {
					a.runUntil(atMs);
					const recorded = a.actions.length;
					const isApplied = applyAction(a, actionOf(a, step as Exclude<Step, {run: number}>));
					if (a.actions.length > recorded) applied.push(isApplied);
				}

				a.runUntil(Infinity);
				expect(applied).toHaveLength(a.actions.length);

				const b = createEngine(settings, options);
				const bOut = record(b);
				for (const [index, {simMs, ...action}] of a.actions.entries()) {
					b.runUntil(simMs);
					expect(b.simMs).toBe(simMs);
					expect(applyAction(b, action as Action)).toBe(applied[index]);
				}

				b.runUntil(Infinity);
				expect(bOut).toEqual(aOut);
				expect(b.actions).toEqual(a.actions);
				// The clock itself may stand further on in A (it ran to the times of steps that recorded nothing).
				expect({...b.snapshot(), simMs: 0}).toEqual({...a.snapshot(), simMs: 0});
			}),
			{numRuns: 200},
		);
	});
});
