// The delivery model in a broker run, against a real Redis, in real time: invalid numbers,
// segments and price, windows and rate caps, the gateway's cap shared by every worker, and
// receipts. Each figure shows as in-process for the same settings (exact where the model is).
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {expect, it, vi} from 'vitest';
import {createBrokerRun} from '../../source/broker/run.js';
import {parseBrokerUrl} from '../../source/broker/connection.js';
import {SenderHost} from '../../source/broker/sender-host.js';
import {createBrokerSimulation, type BrokerSimulation} from '../../source/broker/simulation.js';
import {createEngine} from '../../source/engine/engine.js';
import {drawMessage, isInvalidNumber, producerRng} from '../../source/engine/message.js';
import {segmentCount} from '../../source/engine/segments.js';
import type {Outcome, RunSettings, SenderSpec, Snapshot} from '../../source/engine/types.js';
import {tempDir} from '../helpers/run-cli.js';
import {brokerSettings, queueName, until, useBroker} from './helpers.js';

// How a text is counted is the engine's (tested there); here a long text is several segments.
vi.mock('../../source/engine/segments.js', () => ({segmentCount: (text: string | undefined) => (text === undefined ? 1 : Math.ceil(text.length / 153))}));

const fixture = useBroker();

const constant = (meanMs: number, more: Partial<SenderSpec> = {}): SenderSpec => ({meanMs, failureRate: 0, distribution: 'constant', ...more});

interface Watch {
	maxInFlight: number;
	maxWindowUsed: number;
}

/** Runs to the end; the snapshot, the log lines in order, and what was seen on the way. */
async function runBroker(
	settings: Partial<RunSettings>,
	{queue = queueName(), timeoutMs = 15_000}: {queue?: string; timeoutMs?: number} = {},
): Promise<{snap: Snapshot; outcomes: Outcome[]; watch: Watch; sim: BrokerSimulation}> {
	const sim = await createBrokerSimulation(brokerSettings(settings), {url: fixture.redis.url, queue});
	const outcomes: Outcome[] = [];
	sim.onFinish = outcome => outcomes.push(outcome);
	const watch: Watch = {maxInFlight: 0, maxWindowUsed: 0};
	const pump = setInterval(() => {
		sim.runUntil(Number.POSITIVE_INFINITY);
		const snap = sim.snapshot();
		expect(snap.queued + snap.inFlight + snap.sent + snap.failed).toBe(snap.produced);
		watch.maxInFlight = Math.max(watch.maxInFlight, snap.inFlight);
		for (const s of snap.senders) watch.maxWindowUsed = Math.max(watch.maxWindowUsed, s.windowUsed);
	}, 20);
	try {
		await until(() => sim.isDone, timeoutMs, () => `not done: ${JSON.stringify(sim.totals())}`);
		// As the summary does: the expiries left are run out.
		sim.runUntil(Number.POSITIVE_INFINITY);
		return {snap: sim.snapshot(), outcomes, watch, sim};
	} finally {
		clearInterval(pump);
		await sim.close();
	}
}

/** The in-process run of the same settings, to the end. */
function inProcess(settings: Partial<RunSettings> & {senders: SenderSpec[]}): Snapshot {
	const engine = createEngine({messages: 100, retries: 0, seed: 1, intervalMs: 1000, ...settings});
	engine.runUntil(Infinity);
	return engine.snapshot();
}

function phones(seed: number, count: number): number[] {
	const rng = producerRng(seed);
	return Array.from({length: count}, () => {
		const body = {phone: 0, textLength: 0, textSeed: 0};
		drawMessage(rng, body);
		return body.phone;
	});
}

it('invalid numbers fail at their first attempt, never retried, with reason invalid, as in-process', async () => {
	const settings = {messages: 200, retries: 3, invalid: 0.3, seed: 7, senders: [constant(2, {failureRate: 0.3}), constant(2, {failureRate: 0.3})]};
	const {snap, outcomes} = await runBroker(settings);
	const invalid = phones(7, 200).filter(phone => isInvalidNumber(phone, 0.3)).length;
	expect(invalid).toBeGreaterThan(30);
	expect(snap.failedInvalid).toBe(invalid);
	expect(snap.failedInvalid).toBe(inProcess(settings).failedInvalid);
	const invalidLines = outcomes.filter(o => o.reason === 'invalid');
	expect(invalidLines).toHaveLength(invalid);
	expect(invalidLines.every(o => o.outcome === 'failed' && o.attempts === 1)).toBe(true);
	expect(outcomes.filter(o => o.outcome === 'failed' && o.reason === 'error')).toHaveLength(snap.failed - invalid);
	expect(outcomes.filter(o => o.outcome === 'sent').every(o => o.reason === undefined)).toBe(true);
	expect(snap.sent + snap.failed).toBe(200);
});

it('a message of s segments is s submits: segments and cost per sender and in total, on every log line', async () => {
	const text = 'Storm warning: stay indoors. '.repeat(12);
	const s = segmentCount(text);
	expect(s).toBe(3);
	const {snap, outcomes} = await runBroker({messages: 60, text, senders: [constant(5, {price: 0.25}), constant(5, {price: 1})]});
	expect(snap.sent).toBe(60);
	expect(snap.attempts).toBe(60);
	expect(snap.segments).toBe(60 * s);
	const [a, b] = snap.senders;
	expect(a!.segments + b!.segments).toBe(60 * s);
	expect(a!.segments).toBe(a!.sent * s);
	expect(snap.cost).toBeCloseTo(a!.sent * s * 0.25 + b!.sent * s * 1, 9);
	expect(outcomes.every(o => o.segments === s)).toBe(true);
	// One submit at a time (window 1): each attempt takes s send times.
	expect(Math.min(...outcomes.map(o => o.timeMs))).toBeGreaterThanOrEqual(s * 5 - 1);
});

it('a sender holds up to its window of messages, submits at once', async () => {
	// 100 messages of 100 ms through a window of 10: about 1 s (100 × 100 ms = 10 s one at a time).
	const {snap, watch} = await runBroker({messages: 100, senders: [constant(100, {window: 10})]});
	expect(snap.sent).toBe(100);
	expect(watch.maxInFlight).toBeGreaterThan(1);
	expect(watch.maxInFlight).toBeLessThanOrEqual(10);
	expect(watch.maxWindowUsed).toBeGreaterThan(1);
	expect(snap.lastOutcomeMs).toBeGreaterThan(900);
	expect(snap.lastOutcomeMs).toBeLessThan(4000);
});

it('a rate cap of r submits/s spaces them 1/r apart, whatever the window', async () => {
	// 60 submits at 50/s: the last at about 59 × 20 ms = 1.18 s.
	const {snap} = await runBroker({messages: 60, senders: [constant(1, {window: 10, rate: 50})]});
	expect(snap.sent).toBe(60);
	expect(snap.lastOutcomeMs).toBeGreaterThan(1100);
	expect(snap.lastOutcomeMs).toBeLessThan(3000);
});

it('the gateway cap is one bucket in Redis for every worker: g/s in all, throttles counted, never attempts nor failures', async () => {
	const queue = queueName();
	// A second worker beside the run's own senders.
	const other = await SenderHost.open({target: parseBrokerUrl(fixture.redis.url), queue, seed: 3});
	await other.addSender(constant(5, {window: 5}));
	await other.addSender(constant(5, {window: 5}));
	try {
		// 4 senders × window 5 / 5 ms = 4,000 submits/s against a gateway of 25/s, a second's worth
		// at first: far below what even a busy machine submits (20 at a time), so there are throttles.
		const {snap} = await runBroker({messages: 75, gatewayRate: 25, backoffMs: 50, senders: [constant(5, {window: 5}), constant(5, {window: 5})]}, {queue});
		expect(snap.sent).toBe(75);
		expect(snap.failed).toBe(0);
		expect(snap.attempts).toBe(75);
		expect(snap.segments).toBe(75);
		expect(snap.throttled).toBeGreaterThan(0);
		expect(snap.senders.reduce((sum, s) => sum + s.throttled, 0)).toBe(snap.throttled);
		// 25 at once, then 50 more at 25/s: about 2 s, whichever worker sent them.
		expect(snap.lastOutcomeMs).toBeGreaterThan(1800);
		expect(snap.lastOutcomeMs).toBeLessThan(4000);
		expect(snap.senders.filter(s => s.sent > 0).length).toBeGreaterThanOrEqual(3);
	} finally {
		await other.close();
	}
});

it('receipts follow acceptance on the monitor clock: delivered and undelivered as in-process, reach, the run ends when all are in', async () => {
	const delivery = {meanMs: 300, distribution: 'constant' as const, undelivered: 0.25};
	const settings = {messages: 80, delivery, validityMs: 600, seed: 5, senders: [constant(2, {window: 4})]};
	const {snap, outcomes} = await runBroker(settings);
	const expected = inProcess(settings);
	expect(snap.sent).toBe(80);
	expect(snap.delivered + snap.undelivered).toBe(80);
	expect(snap.undelivered).toBe(expected.undelivered);
	expect(snap.reached).toBe(snap.delivered);
	expect(snap.reachP50Ms).toBeGreaterThanOrEqual(300);
	expect(outcomes).toHaveLength(80);
	const delivered = outcomes.filter(o => o.delivery === 'delivered');
	expect(delivered).toHaveLength(snap.delivered);
	expect(delivered.every(o => o.reachMs !== undefined && o.reachMs >= 300)).toBe(true);
	expect(outcomes.filter(o => o.delivery === 'expired').every(o => o.reachMs === undefined)).toBe(true);
	// Its elapsed time ends with the last receipt (300 ms after an acceptance), not at the
	// expiries (600 ms after theirs, so later on a quiet machine). Both are read off the lines,
	// on the monitor's clock: the check holds however long a busy machine takes to accept.
	const lastReceiptMs = Math.max(...delivered.map(o => o.simMs));
	const expiries = outcomes.filter(o => o.delivery === 'expired').map(o => o.simMs);
	expect(expiries.length).toBeGreaterThan(0);
	expect(snap.lastOutcomeMs).toBeGreaterThanOrEqual(300);
	expect(snap.lastOutcomeMs).toBe(lastReceiptMs);
});

it('a broker run with every key on: its summary and --log as in-process for the same settings', async () => {
	const text = 'Evacuate zone B now. '.repeat(10);
	const settings = {
		messages: 60,
		seed: 11,
		retries: 1,
		text,
		invalid: 0.2,
		// About 100 submits (two segments each, some retried) against a gateway of 40/s: throttled
		// even on a busy machine (8 submits at a time), over in about 1.5 s.
		gatewayRate: 40,
		backoffMs: 40,
		delivery: {meanMs: 100, distribution: 'constant' as const, undelivered: 0.1},
		validityMs: 300,
		senders: [constant(3, {window: 4, price: 0.5, failureRate: 0.1}), constant(3, {window: 4, rate: 400, price: 0.5, failureRate: 0.1})],
	};
	const logPath = join(tempDir(), 'log.jsonl');
	let isDone = false;
	const run = await createBrokerRun(brokerSettings({...settings, logPath}), {url: fixture.redis.url, queue: queueName()}, {onDone: () => (isDone = true)});
	run.store.getState().actions.start();
	const summary = await (async () => {
		try {
			await until(() => isDone, 15_000, () => `not done: ${JSON.stringify(run.engine.totals())}`);
			return run.finish();
		} finally {
			await run.close();
		}
	})();
	const local = inProcess(settings);
	const s = segmentCount(text);
	expect(summary.failedBy).toEqual({error: summary.failed - local.failedInvalid, invalid: local.failedInvalid});
	expect(summary.sent + summary.failed).toBe(60);
	expect(summary.segments).toBe(summary.sent * s);
	expect(summary.cost).toBeCloseTo(summary.sent * s * 0.5, 4);
	expect(summary.throttled).toBeGreaterThan(0);
	expect(summary.gatewayRate).toBe(40);
	expect(summary.delivered! + summary.undelivered!).toBe(summary.sent);
	expect(summary.reachP50Ms).toBeGreaterThanOrEqual(100);
	expect(summary.senders.reduce((sum, x) => sum + x.segments, 0)).toBe(summary.segments);

	const lines = readFileSync(logPath, 'utf8').trimEnd().split('\n').map(line => JSON.parse(line) as Outcome);
	expect(lines).toHaveLength(60);
	expect(lines.every(o => o.segments === s)).toBe(true);
	expect(lines.filter(o => o.reason === 'invalid')).toHaveLength(local.failedInvalid);
	expect(lines.filter(o => o.outcome === 'sent').every(o => o.delivery !== undefined)).toBe(true);
	expect(lines.map(l => l.simMs)).toEqual([...lines.map(l => l.simMs)].sort((x, y) => x - y));
});
