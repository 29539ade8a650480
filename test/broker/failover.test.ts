// Broker senders use the engine's attempt model: an always-failing sender with failover
// rests and hands each message back to the queue, where a healthy worker finishes it
// (nothing fails, each message counted once, its time from the first pickup); without
// failover a retry stays with the sender that failed, as in-process.
import {expect, it} from 'vitest';
import {createBrokerSimulation} from '../../source/broker/simulation.js';
import type {Outcome} from '../../source/engine/types.js';
import {brokerSettings, queueName, startWorker, until, useBroker} from './helpers.js';

const fixture = useBroker();

it('an always-failing sender with failover rests and hands its messages to a healthy worker', async () => {
	const queue = queueName();
	const healthy = await startWorker(['--broker', fixture.redis.url, '--queue', queue, '--count', '2', '--mean', '8ms', '--distribution', 'constant', '--failure-rate', '0']);
	fixture.workers.push(healthy);
	const failing = {meanMs: 5, failureRate: 1, distribution: 'constant', failoverMs: 700} as const;
	// Retries to spare: on a loaded machine the healthy worker may be slower than a rest.
	const sim = await createBrokerSimulation(brokerSettings({messages: 300, retries: 3, senders: [failing]}), {url: fixture.redis.url, queue});
	const outcomes: Outcome[] = [];
	sim.onFinish = outcome => outcomes.push(outcome);
	let maxResting = 0;
	let sawCountdown = false;
	const pump = setInterval(() => {
		sim.runUntil(Number.POSITIVE_INFINITY);
		const snap = sim.snapshot();
		expect(snap.queued + snap.inFlight + snap.sent + snap.failed).toBe(snap.produced);
		maxResting = Math.max(maxResting, snap.resting);
		const local = snap.senders.find(s => !healthy.ids.includes(s.id));
		if (local?.state === 'resting' && local.restLeftMs > 0 && local.restLeftMs <= 700) sawCountdown = true;
	}, 20);
	try {
		await until(() => sim.isDone, 15_000, () => `not done: ${JSON.stringify(sim.totals())}`);
		const snap = sim.snapshot();
		expect(snap).toMatchObject({produced: 300, sent: 300, failed: 0, queued: 0, inFlight: 0});
		expect(outcomes).toHaveLength(300);
		expect(new Set(outcomes.map(o => o.id)).size).toBe(300);
		expect(outcomes.every(o => o.outcome === 'sent' && healthy.ids.includes(o.sender))).toBe(true);
		expect(sim.duplicates).toBe(0);

		// The failing sender tried some, rested after each and finished none.
		const local = snap.senders.find(s => !healthy.ids.includes(s.id))!;
		expect(local).toMatchObject({sent: 0, failed: 0});
		expect(local.attempts).toBeGreaterThanOrEqual(1);
		expect(maxResting).toBe(1);
		expect(sawCountdown).toBe(true);
		await until(() => sim.snapshot().senders.find(s => s.id === local.id)!.rests === local.attempts, 2000, () => 'rests not announced');
		expect(sim.snapshot().senders.find(s => s.id === local.id)!.restedMs).toBeGreaterThan(0);

		// Those it tried were sent on a later attempt, their time from the first pickup.
		const tried = outcomes.filter(o => o.attempts > 1);
		expect(tried.length).toBeGreaterThanOrEqual(1);
		expect(tried.reduce((sum, o) => sum + o.attempts - 1, 0)).toBe(local.attempts);
		for (const o of tried) expect(o.timeMs).toBeGreaterThanOrEqual(5 + 8 - 1);
		expect(snap.attempts).toBe(300 + local.attempts);
		expect(snap.senders.reduce((sum, s) => sum + s.attempts, 0)).toBe(snap.attempts);
	} finally {
		clearInterval(pump);
		await sim.close();
	}
});

it('without failover a retry stays with the sender that failed', async () => {
	const queue = queueName();
	const flaky = {meanMs: 3, failureRate: 0.5, distribution: 'constant'} as const;
	const steady = {meanMs: 3, failureRate: 0, distribution: 'constant'} as const;
	const sim = await createBrokerSimulation(brokerSettings({messages: 150, retries: 4, senders: [flaky, steady]}), {url: fixture.redis.url, queue});
	const outcomes: Outcome[] = [];
	sim.onFinish = outcome => outcomes.push(outcome);
	const pump = setInterval(() => sim.runUntil(Number.POSITIVE_INFINITY), 20);
	try {
		await until(() => sim.isDone, 15_000, () => `not done: ${JSON.stringify(sim.totals())}`);
		expect(outcomes).toHaveLength(150);
		const [flakyId, steadyId] = sim.snapshot().senders.map(s => s.id);
		const bySteady = outcomes.filter(o => o.sender === steadyId);
		const byFlaky = outcomes.filter(o => o.sender === flakyId);
		expect(bySteady.length).toBeGreaterThan(0);
		expect(bySteady.every(o => o.attempts === 1 && o.outcome === 'sent')).toBe(true);
		expect(byFlaky.some(o => o.attempts > 1)).toBe(true);
		const snap = sim.snapshot();
		expect(snap.resting).toBe(0);
		expect(snap.senders.every(s => s.rests === 0)).toBe(true);
		expect(snap.attempts).toBe(outcomes.reduce((sum, o) => sum + o.attempts, 0));
	} finally {
		clearInterval(pump);
		await sim.close();
	}
});
