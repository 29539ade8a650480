// The real-delivery model on the simulated clock: windows, rate caps, the gateway's cap,
// segments, invalid numbers, receipts and reach. Constant send times make the arithmetic
// exact; random schedules check that nothing is ever lost with every key on.
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {applyAction} from '../../source/engine/actions.js';
import {createEngine, type Engine} from '../../source/engine/engine.js';
import {isInvalidNumber} from '../../source/engine/message.js';
import {segmentCount} from '../../source/engine/segments.js';
import type {Action, DeliverySettings, RunSettings, SenderSpec} from '../../source/engine/types.js';
import {recordOutcomes} from '../helpers/outcomes.js';

const constant = (meanMs: number, more: Partial<SenderSpec> = {}): SenderSpec => ({meanMs, failureRate: 0, distribution: 'constant', ...more});

function run(settings: Partial<RunSettings> & {senders: SenderSpec[]}, options: {reachRank?: number} = {}) {
	const engine = createEngine({messages: 1000, retries: 0, seed: 1, intervalMs: 1000, ...settings}, options);
	const outcomes = recordOutcomes(engine);
	engine.runUntil(Infinity);
	return {engine, outcomes, snap: engine.snapshot()};
}

describe('windows and rate caps (constant send times: exact)', () => {
	it.each([1, 10, 100])('window %i at 20 ms: window ÷ send time per second', window => {
		const {snap} = run({messages: 1000, senders: [constant(20, {window})]});
		// 1,000 submits, `window` at a time, 20 ms each.
		expect(snap.lastOutcomeMs).toBeCloseTo((1000 / window) * 20, 6);
		expect(snap.sent).toBe(1000);
		const atMost = snap.senders[0]!;
		expect(atMost.windowUsed).toBe(0);
	});

	it('a rate cap of r submits/s spaces them 1/r apart, whatever the window', () => {
		const {snap} = run({messages: 500, senders: [constant(10, {window: 10, rate: 50})]});
		// Submits at 0, 20, …, 499 × 20 ms; the last answered 10 ms later.
		expect(snap.lastOutcomeMs).toBeCloseTo(499 * 20 + 10, 6);
	});

	it('the window binds when window ÷ send time is below the rate', () => {
		const {snap} = run({messages: 400, senders: [constant(100, {window: 2, rate: 1000})]});
		// Pairs of submits 1 ms apart (the rate's spacing), a pair every 100 ms.
		expect(snap.lastOutcomeMs).toBeCloseTo(200 * 100 + 1, 6);
	});

	it('a sender holds up to its window of messages at once, and never more submits than its window', () => {
		const engine = createEngine({messages: 100, retries: 0, seed: 1, intervalMs: 1000, senders: [constant(50, {window: 7})]});
		engine.runUntil(10);
		const sender = engine.snapshot().senders[0]!;
		expect(sender.windowUsed).toBe(7);
		expect(sender.inFlight).toBe(7);
		expect(engine.snapshot().inFlight).toBe(7);
	});
});

describe('segments', () => {
	const long = 'a'.repeat(400);

	it('an s-segment message is s submits: s times the send time through a window of 1, s segments counted', () => {
		const s = segmentCount(long);
		const {snap, outcomes} = run({messages: 50, text: long, senders: [constant(100)]});
		expect(snap.lastOutcomeMs).toBeCloseTo(50 * s * 100, 6);
		expect(snap.segments).toBe(50 * s);
		expect(snap.attempts).toBe(50);
		expect(outcomes.every(o => o.segments === s)).toBe(true);
	});

	it('no text: one segment a message, as before', () => {
		const {snap} = run({messages: 30, senders: [constant(10)]});
		expect(snap.segments).toBe(30);
	});

	it('price is per accepted segment', () => {
		const {snap} = run({messages: 40, text: long, senders: [constant(10, {price: 0.25})]});
		expect(snap.cost).toBeCloseTo(40 * segmentCount(long) * 0.25, 9);
	});
});

describe('the gateway cap', () => {
	it('g segments/s over the run, whatever the senders could do; throttled submits are no attempts and no failures', () => {
		// 5 senders × window 10 / 100 ms = 500/s of capacity against a gateway of 100/s.
		const senders = Array.from({length: 5}, () => constant(100, {window: 10}));
		const {snap} = run({messages: 2000, gatewayRate: 100, backoffMs: 200, senders});
		expect(snap.sent).toBe(2000);
		expect(snap.failed).toBe(0);
		expect(snap.attempts).toBe(2000);
		expect(snap.throttled).toBeGreaterThan(0);
		// A full bucket of 100 at the start, then 100 a second: 2,000 take 19 s and a bit.
		const rate = (snap.sent * 1000) / snap.lastOutcomeMs;
		expect(rate).toBeGreaterThan(100);
		expect(rate).toBeLessThan(2000 / 19);
		expect(snap.senders.reduce((sum, s) => sum + s.throttled, 0)).toBe(snap.throttled);
	});

	it('below the cap nothing is throttled', () => {
		const {snap} = run({messages: 500, gatewayRate: 1000, senders: [constant(100, {window: 10})]});
		expect(snap.throttled).toBe(0);
		expect(snap.lastOutcomeMs).toBeCloseTo(50 * 100, 6);
	});

	it('a throttled sender waits its backoff and submits the segment again first: the time it takes shows the backoff', () => {
		// 1 token a second; each submit answered after 10 ms; the bucket starts with 1.
		const {snap} = run({messages: 3, gatewayRate: 1, backoffMs: 1000, senders: [constant(10)]});
		expect(snap.sent).toBe(3);
		// Message 1 at 0; message 2 throttled at 10, again at 1,020 (a token since 1,000); message 3 throttled at 1,030, again at 2,040.
		expect(snap.lastOutcomeMs).toBeCloseTo(2050, 6);
		expect(snap.throttled).toBe(2);
	});
});

describe('invalid numbers', () => {
	it('fail on their first attempt, with no retry, whatever the failure rate and retries', () => {
		const {snap, outcomes} = run({messages: 2000, invalid: 0.2, retries: 3, senders: [constant(10, {failureRate: 0})]});
		const invalid = outcomes.filter(o => o.reason === 'invalid');
		expect(invalid.length).toBe(snap.failedInvalid);
		expect(snap.failedInvalid).toBe(snap.failed);
		expect(snap.failedInvalid / 2000).toBeGreaterThan(0.17);
		expect(snap.failedInvalid / 2000).toBeLessThan(0.23);
		expect(invalid.every(o => o.attempts === 1 && o.outcome === 'failed')).toBe(true);
		expect(invalid.every(o => isInvalidNumber(Number(o.phone), 0.2))).toBe(true);
		expect(outcomes.filter(o => o.outcome === 'sent').every(o => !isInvalidNumber(Number(o.phone), 0.2))).toBe(true);
	});

	it('are the same numbers on every sender (decided by the number alone)', () => {
		const a = run({messages: 500, invalid: 0.3, senders: [constant(10)]}).outcomes;
		const b = run({messages: 500, invalid: 0.3, senders: [constant(30, {window: 5}), constant(7)]}).outcomes;
		const invalidIds = (outcomes: typeof a) => outcomes.filter(o => o.reason === 'invalid').map(o => o.id).sort((x, y) => x - y);
		expect(invalidIds(b)).toEqual(invalidIds(a));
	});

	it('temporary errors say so', () => {
		const {outcomes} = run({messages: 200, senders: [constant(10, {failureRate: 1})]});
		expect(outcomes.every(o => o.reason === 'error')).toBe(true);
	});
});

describe('receipts and reach', () => {
	const delivery = (meanMs: number, undelivered = 0): DeliverySettings['delivery'] => ({meanMs, distribution: 'constant', undelivered});

	it('without receipts, reach is acceptance: p50 of 10 messages at 100 ms each is the 5th acceptance', () => {
		const {snap} = run({messages: 10, senders: [constant(100)]}, {reachRank: 10});
		expect(snap.reachP50Ms).toBeCloseTo(500, -1);
		expect(snap.reached).toBe(10);
		expect(snap.delivered).toBe(0);
	});

	it('receipts come the delivery delay after acceptance; the run waits for them; the rank moment is exact', () => {
		const {engine, snap, outcomes} = run({messages: 10, delivery: delivery(8000), senders: [constant(100)]}, {reachRank: 10});
		expect(snap.delivered).toBe(10);
		expect(snap.lastOutcomeMs).toBe(9000);
		expect(engine.reachRankAtMs).toBe(9000);
		expect(snap.reachP50Ms! / 8500).toBeCloseTo(1, 1);
		const first = outcomes.find(o => o.id === 1)!;
		expect(first).toMatchObject({outcome: 'sent', delivery: 'delivered', reachMs: 8100, simMs: 8100, timeMs: 100});
	});

	it('an undelivered message expires at the validity; a percentile never reached is undefined', () => {
		const {snap, outcomes, engine} = run({messages: 10, delivery: delivery(1000, 1), validityMs: 60_000, senders: [constant(100)]}, {reachRank: 1});
		expect(snap).toMatchObject({sent: 10, delivered: 0, undelivered: 10, reached: 0, isDone: true});
		expect(snap.reachP50Ms).toBeUndefined();
		expect(engine.reachRankAtMs).toBeUndefined();
		// Done once only expiries are left; they are run out without moving the run's elapsed time.
		expect(snap.lastOutcomeMs).toBe(1000);
		expect(engine.simMs).toBe(61_000);
		expect(outcomes.every(o => o.delivery === 'expired' && o.reachMs === undefined)).toBe(true);
	});

	it('reach runs from the moment a message was asked for: `more` messages count from then', () => {
		const engine = createEngine({messages: 1, retries: 0, seed: 1, intervalMs: 1000, senders: [constant(100)]});
		const outcomes = recordOutcomes(engine);
		engine.runUntil(5000);
		engine.produceMore(1);
		engine.runUntil(Infinity);
		const snap = engine.snapshot();
		expect(snap.reached).toBe(2);
		expect(snap.reachP99Ms).toBeCloseTo(100, 0);
		expect(outcomes.map(o => o.simMs)).toEqual([100, 5100]);
	});
});

describe('nothing is lost with every key on (random schedules)', () => {
	const specArb: fc.Arbitrary<SenderSpec> = fc.record({
		meanMs: fc.integer({min: 0, max: 200}),
		failureRate: fc.oneof(fc.constant(0), fc.double({min: 0, max: 1, noNaN: true})),
		distribution: fc.constantFrom('gamma', 'constant', 'exponential') as fc.Arbitrary<SenderSpec['distribution']>,
		window: fc.integer({min: 1, max: 12}),
		rate: fc.option(fc.integer({min: 1, max: 300}), {nil: undefined}),
		failoverMs: fc.option(fc.integer({min: 1, max: 300}), {nil: undefined}),
		price: fc.constantFrom(0, 0.01),
	});
	const settingsArb = fc.record({
		messages: fc.integer({min: 0, max: 150}),
		senders: fc.array(specArb, {maxLength: 4}),
		retries: fc.integer({min: 0, max: 2}),
		seed: fc.nat(),
		text: fc.constantFrom(undefined, 'short', 'a'.repeat(200), '🚨'.repeat(40)),
		gatewayRate: fc.option(fc.integer({min: 1, max: 200}), {nil: undefined}),
		// Over 0, as the command line asks: with none, a throttled segment of a sender that takes no
		// time is submitted again at the same instant and throttled again, for ever.
		backoffMs: fc.option(fc.integer({min: 1, max: 500}), {nil: undefined}),
		invalid: fc.option(fc.double({min: 0, max: 0.5, noNaN: true}), {nil: undefined}),
		delivery: fc.option(
			fc.record({meanMs: fc.integer({min: 0, max: 3000}), distribution: fc.constant('exponential' as const), undelivered: fc.double({min: 0, max: 0.3, noNaN: true})}),
			{nil: undefined},
		),
		validityMs: fc.option(fc.integer({min: 1, max: 10_000}), {nil: undefined}),
	});
	type Step = {run: number} | {action: Action};
	const stepArb: fc.Arbitrary<Step> = fc.oneof(
		{weight: 4, arbitrary: fc.record({run: fc.double({min: 0, max: 500, noNaN: true})})},
		{weight: 1, arbitrary: fc.record({action: fc.record({add: specArb})})},
		{weight: 1, arbitrary: fc.record({action: fc.record({remove: fc.integer({min: 1, max: 6})})})},
		{
			weight: 1,
			arbitrary: fc.record({
				action: fc.record({tune: fc.record({sender: fc.integer({min: 1, max: 6}), window: fc.integer({min: 1, max: 12}), rate: fc.integer({min: 1, max: 300})})}),
			}),
		},
		{weight: 1, arbitrary: fc.record({action: fc.record({more: fc.integer({min: 1, max: 30})})})},
	);

	function checkBooks(engine: Engine): void {
		const s = engine.snapshot();
		expect(s.produced).toBe(s.queued + s.inFlight + s.sent + s.failed);
		expect(s.delivered + s.undelivered).toBeLessThanOrEqual(s.sent);
		expect(s.failedInvalid).toBeLessThanOrEqual(s.failed);
		expect(s.senders.reduce((sum, x) => sum + x.inFlight, 0)).toBe(s.inFlight);
		// A window tuned down keeps what it has submitted: the widest window any sender had.
		for (const x of s.senders) expect(x.windowUsed).toBeLessThanOrEqual(12);
	}

	it('conservation after every step; at the end every message once, delivered or expired when sent', () => {
		fc.assert(
			fc.property(settingsArb, fc.array(stepArb, {maxLength: 30}), (settings, steps) => {
				const engine = createEngine({...settings, intervalMs: 1000});
				const outcomes = recordOutcomes(engine);
				let t = 0;
				for (const step of steps) {
					if ('run' in step) engine.runUntil((t += step.run));
					else applyAction(engine, step.action);
					checkBooks(engine);
				}

				if (engine.senderIds().length === 0) engine.addSender(constant(5));
				engine.runUntil(Infinity);
				checkBooks(engine);
				const s = engine.snapshot();
				expect(s.isDone).toBe(true);
				expect(outcomes.length).toBe(s.total);
				expect(new Set(outcomes.map(o => o.id)).size).toBe(s.total);
				if (settings.delivery !== undefined) expect(s.delivered + s.undelivered).toBe(s.sent);
				expect(outcomes.filter(o => o.reason === 'invalid').every(o => o.attempts === 1)).toBe(true);
				expect(s.segments).toBe(s.sent * segmentCount(settings.text));
			}),
			{numRuns: 150},
		);
	});
});

describe('receipts without a --log', () => {
	it('keep no message (only when each was asked for) and give the same figures as with one', () => {
		const settings: RunSettings = {
			messages: 3000,
			retries: 1,
			seed: 9,
			intervalMs: 1000,
			invalid: 0.05,
			delivery: {meanMs: 4000, distribution: 'lognormal', undelivered: 0.1},
			validityMs: 20_000,
			senders: [constant(20, {window: 4, failureRate: 0.2}), constant(35, {window: 2})],
		};
		const logged = createEngine(settings);
		recordOutcomes(logged);
		const bare = createEngine(settings);
		bare.produceMore(0);
		for (const engine of [logged, bare]) {
			engine.runUntil(30_000);
			engine.produceMore(500);
			engine.runUntil(Infinity);
		}

		const {senders: a, ...withLog} = logged.snapshot();
		const {senders: b, ...without} = bare.snapshot();
		expect(without).toEqual(withLog);
		expect(b).toEqual(a);
		expect(without.undelivered).toBeGreaterThan(0);
	});

	it.each(['constant', 'lognormal'] as const)('agree at every moment too (%s delays: crowds of receipts at one time, or none in order)', distribution => {
		const settings: RunSettings = {
			messages: 4000,
			retries: 0,
			seed: 4,
			intervalMs: 1000,
			gatewayRate: 300,
			delivery: {meanMs: 2000, distribution, undelivered: 0.05},
			validityMs: 5000,
			senders: Array.from({length: 6}, () => constant(50, {window: 5})),
		};
		const logged = createEngine(settings, {reachRank: 3000});
		const lines = recordOutcomes(logged);
		const bare = createEngine(settings, {reachRank: 3000});
		for (let atMs = 0; atMs <= 20_000; atMs += 250) {
			logged.runUntil(atMs);
			bare.runUntil(atMs);
			expect(bare.totals()).toEqual(logged.totals());
			expect([bare.reachHistogram.quantile(0.5), bare.reachRankAtMs]).toEqual([logged.reachHistogram.quantile(0.5), logged.reachRankAtMs]);
		}

		expect(logged.reachRankAtMs).toBeDefined();
		const delivered = lines.filter(line => line.delivery === 'delivered');
		const moments = new Set(delivered.map(line => line.simMs)).size;
		// Constant: receipts came in crowds, many lines at one moment. Lognormal: out of the order accepted.
		if (distribution === 'constant') expect(delivered.length).toBeGreaterThan(moments * 2);
		else expect(delivered.some((line, i) => i > 0 && line.id < delivered[i - 1]!.id)).toBe(true);
	});
});
