// A worker SIGKILLed mid-message loses nothing: its message comes back (stalled-job
// detection, lock 2 s) and another sender finishes it; it is counted once; the killed
// worker's sender is shown as gone once its heartbeat expires.
import {expect, it} from 'vitest';
import {createBrokerSimulation} from '../../source/broker/simulation.js';
import type {Outcome} from '../../source/engine/types.js';
import {brokerSettings, queueName, startWorker, until, useBroker, type WorkerProcess} from './helpers.js';

const fixture = useBroker();

it('finishes the messages of a SIGKILLed worker elsewhere, each counted once', async () => {
	const queue = queueName();
	const broker = ['--broker', fixture.redis.url, '--queue', queue, '--failure-rate', '0'];
	// The slow worker holds a message for 5 s: long enough to be killed holding it.
	const slow = await startWorker([...broker, '--count', '2', '--mean', '5s', '--distribution', 'constant']);
	fixture.workers.push(slow);
	const notices: string[] = [];
	const sim = await createBrokerSimulation(brokerSettings({messages: 60}), {url: fixture.redis.url, queue}, {onNotice: text => notices.push(text)});
	const outcomes: Outcome[] = [];
	sim.onFinish = outcome => outcomes.push(outcome);
	const pump = setInterval(() => sim.runUntil(Number.POSITIVE_INFINITY), 20);
	try {
		const slowIds = new Set(slow.ids);
		await until(() => sim.snapshot().senders.filter(s => slowIds.has(s.id) && s.state === 'sending').length === 2, 5000, () => 'the slow senders never took a message');
		const fast = await startWorker([...broker, '--count', '2', '--mean', '5ms']);
		fixture.workers.push(fast);
		slow.child.kill('SIGKILL');
		const killedAt = performance.now();
		await until(() => sim.isDone, 15_000, () => `not done: ${JSON.stringify(sim.totals())}`);
		const recoveredInMs = performance.now() - killedAt;

		expect(outcomes).toHaveLength(60);
		expect(new Set(outcomes.map(o => o.id)).size).toBe(60);
		// Nobody but the fast worker finished anything; the two held messages among them.
		expect(new Set(outcomes.map(o => o.sender))).toEqual(new Set(fast.ids));
		const totals = sim.totals();
		expect(totals.sent).toBe(60);
		expect(totals.produced).toBe(60);
		expect(totals.attempts).toBe(60);
		expect(recoveredInMs).toBeLessThan(8000);

		// The killed senders are shown as gone within the heartbeat TTL (3 s).
		await until(() => sim.snapshot().senders.filter(s => slowIds.has(s.id)).every(s => s.state === 'removed'), 5000, () => 'killed senders still shown alive');
		// As gone (the dashboard keeps their rows), each saying where it ran.
		for (const s of sim.snapshot().senders) {
			expect(s.isGone, `#${s.id}`).toBe(slowIds.has(s.id) ? true : undefined);
			expect(s.where, `#${s.id}`).toEqual({host: expect.any(String), pid: slowIds.has(s.id) ? slow.pid : fast.pid, isHere: false});
		}

		expect(sim.duplicates).toBe(0);
		// Told as it happens, once per process.
		expect(notices.filter(n => n.includes(`pid ${slow.pid}`))).toEqual([
			expect.stringMatching(new RegExp(`^\\d+\\.\\ds: senders #${slow.ids[0]}, #${slow.ids[1]} joined \\(.+, pid ${slow.pid}\\)$`)),
			expect.stringMatching(new RegExp(`^\\d+\\.\\ds: senders #${slow.ids[0]}, #${slow.ids[1]} left \\(.+, pid ${slow.pid}\\)$`)),
		]);
	} finally {
		clearInterval(pump);
		await sim.close();
	}
});
