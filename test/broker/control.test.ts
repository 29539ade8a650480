// Runtime control through the broker, as the dashboard's keys use it: re-tune a sender in
// another process, start one in the monitor's own process, stop one wherever it runs.
import {expect, it} from 'vitest';
import {createBrokerSimulation} from '../../source/broker/simulation.js';
import type {Outcome} from '../../source/engine/types.js';
import {brokerSettings, queueName, startWorker, until, useBroker, type WorkerProcess} from './helpers.js';

const fixture = useBroker();

it('re-tunes, adds and removes senders at runtime, here and remotely', async () => {
	const queue = queueName();
	const remote = await startWorker(['--broker', fixture.redis.url, '--queue', queue, '--count', '1', '--mean', '10ms', '-f', '0', '--distribution', 'constant']);
	fixture.workers.push(remote);
	const remoteId = remote.ids[0]!;
	const sim = await createBrokerSimulation(brokerSettings({messages: 1_000_000}), {url: fixture.redis.url, queue}, {capacity: 300});
	const outcomes: Outcome[] = [];
	sim.onFinish = outcome => outcomes.push(outcome);
	const pump = setInterval(() => sim.runUntil(Number.POSITIVE_INFINITY), 20);
	const from = (id: number, since: number) => outcomes.slice(since).filter(o => o.sender === id);
	/**
	 * Waits for a window of `windowMs` with no outcome (of `count`'s): those in flight finish
	 * first, later on a busy machine. Fails if they keep coming for 15 s; returns how many.
	 */
	const quiet = async (windowMs: number, what: string, count = () => outcomes.length) => {
		const deadline = performance.now() + 15_000;
		for (;;) {
			const before = count();
			await new Promise(resolve => setTimeout(resolve, windowMs));
			if (count() === before) return before;
			if (performance.now() > deadline) throw new Error(`outcomes keep coming ${what}`);
		}
	};
	try {
		await until(() => from(remoteId, 0).length >= 5, 5000, () => 'the remote sender sends nothing');
		expect(from(remoteId, 0).every(o => o.outcome === 'sent')).toBe(true);

		// Re-tune remotely: every message fails from its next heartbeat on.
		expect(sim.tuneSender(remoteId, {failureRate: 1, meanMs: 5})).toBe(true);
		expect(sim.snapshot().senders.find(s => s.id === remoteId)?.spec.failureRate).toBe(1);
		const tunedAt = outcomes.length;
		await until(() => from(remoteId, tunedAt).filter(o => o.outcome === 'failed').length >= 10, 5000, () => 'the tune never reached the worker');
		const lastSent = from(remoteId, tunedAt).findLastIndex(o => o.outcome === 'sent');
		expect(from(remoteId, tunedAt).slice(lastSent + 1).length).toBeGreaterThanOrEqual(10);
		// The worker itself reports the new settings in its heartbeat.
		await until(() => sim.snapshot().senders.find(s => s.id === remoteId)?.spec.meanMs === 5, 2000);

		// Add one here: a BullMQ worker in this process, with an id from Redis.
		const provisional = sim.addSender({meanMs: 2, failureRate: 0, distribution: 'constant'});
		expect(provisional).toBeLessThan(0);
		expect(sim.snapshot().senders.some(s => s.id === provisional)).toBe(true);
		await until(() => sim.places().some(p => p.isLocal && p.id > 0), 3000, () => 'the local sender got no id');
		const local = sim.places().find(p => p.isLocal)!;
		expect(local.pid).toBe(process.pid);
		await until(() => from(local.id, 0).length >= 10, 5000, () => 'the local sender sends nothing');

		// Pause the queue for every worker: what is in flight finishes, nothing new starts.
		await sim.setPaused(true);
		const paused = await quiet(400, 'while paused');
		await sim.setPaused(false);
		await until(() => outcomes.length > paused + 10, 3000, () => 'nothing after resuming');

		// Remove the remote one: its process has no sender left and ends by itself (0).
		expect(sim.removeSender(remoteId)).toBe(true);
		expect(sim.removeSender(remoteId)).toBe(false);
		const exit = await remote.exited;
		expect(exit.code).toBe(0);
		expect(remote.output()).toMatch(new RegExp(`sender #${remoteId} re-tuned from the dashboard: constant mean 5[.0]*ms, failure rate 1\n`));
		expect(remote.output()).toContain(
			`sender #${remoteId} was removed from the dashboard (0 left here)\nsms-dash worker: every sender here was removed from the dashboard\n`,
		);
		// Its last outcomes may still be on their way through the event stream.
		await quiet(200, 'from the removed worker', () => from(remoteId, 0).length);
		const afterRemoval = outcomes.length;

		// Remove the local one: it stops taking messages.
		expect(sim.removeSender(local.id)).toBe(true);
		await quiet(500, 'after every sender was removed');
		expect(from(remoteId, afterRemoval)).toEqual([]);
		expect(sim.snapshot().senders.filter(s => s.state !== 'removed')).toEqual([]);

		// The second remove of the remote one found no sender: recorded too, as in-process.
		expect(sim.actions.map(a => Object.keys(a).find(k => k !== 'simMs'))).toEqual(['tune', 'add', 'remove', 'remove', 'remove']);
		const t = sim.totals();
		expect(t.queued + t.inFlight + t.sent + t.failed).toBe(t.produced);
		expect(t.queued).toBeLessThanOrEqual(300 + 2);
	} finally {
		clearInterval(pump);
		await sim.close();
	}
});
