// Redis goes away mid-run and comes back: the monitor reports it and the run resumes. A
// restart that keeps the data picks up where it was; one without persistence (the data
// gone) has the unfinished messages sent again. Either way each message is counted once.
import {describe, expect, it} from 'vitest';
import {createBrokerSimulation} from '../../source/broker/simulation.js';
import type {Outcome} from '../../source/engine/types.js';
import {brokerSettings, queueName, startWorker, until, useBroker, type WorkerProcess} from './helpers.js';

const fixture = useBroker();

describe('a Redis restart mid-run', () => {
	for (const keepData of [false, true]) {
		it(keepData ? 'resumes where it was when the data is kept' : 'sends the unfinished messages again when the data is lost', async () => {
			const queue = queueName();
			const worker = await startWorker(['--broker', fixture.redis.url, '--queue', queue, '--count', '2', '--mean', '8ms', '-f', '0.1', '--distribution', 'constant']);
			fixture.workers.push(worker);
			const notices: string[] = [];
			const sim = await createBrokerSimulation(brokerSettings({messages: 400}), {url: fixture.redis.url, queue}, {onNotice: text => notices.push(text)});
			const outcomes: Outcome[] = [];
			sim.onFinish = outcome => outcomes.push(outcome);
			const pump = setInterval(() => sim.runUntil(Number.POSITIVE_INFINITY), 20);
			try {
				await until(() => outcomes.length >= 100, 5000, () => 'nothing finished');
				await fixture.redis.stop({keepData});
				await until(() => !sim.isConnected, 3000, () => 'the loss was not noticed');
				await new Promise(resolve => setTimeout(resolve, 600));
				await fixture.redis.start();
				await until(() => sim.isDone, 20_000, () => `not done after the restart: ${JSON.stringify(sim.totals())} ${notices.join(' | ')}`);

				expect(notices.some(n => n.includes('lost the connection to Redis'))).toBe(true);
				expect(notices.some(n => n.includes('Redis is back'))).toBe(true);
				expect(notices.some(n => n.includes('Redis lost its data'))).toBe(!keepData);
				expect(outcomes).toHaveLength(400);
				expect(new Set(outcomes.map(o => o.id)).size).toBe(400);
				const t = sim.totals();
				expect(t.sent + t.failed).toBe(400);
				expect(t.produced).toBe(400);
				if (!keepData) expect(sim.resent).toBeGreaterThan(0);
				// The worker rode it out and told its user.
				expect(worker.child.exitCode).toBe(null);
				expect(worker.output()).toContain('lost the connection to Redis');
			} finally {
				clearInterval(pump);
				await sim.close();
				worker.child.kill('SIGINT');
				await worker.exited;
			}
		});
	}

	it('lets a worker and the monitor stop within seconds while Redis is gone', async () => {
		const queue = queueName();
		const worker = await startWorker(['--broker', fixture.redis.url, '--queue', queue, '--count', '1', '--mean', '1s', '--distribution', 'constant', '-f', '0']);
		fixture.workers.push(worker);
		const sim = await createBrokerSimulation(brokerSettings({messages: 5}), {url: fixture.redis.url, queue});
		const pump = setInterval(() => sim.runUntil(Number.POSITIVE_INFINITY), 20);
		try {
			await until(() => sim.snapshot().senders.some(s => s.state === 'sending'), 5000, () => 'the worker took nothing');
			await fixture.redis.stop();
			await until(() => !sim.isConnected, 3000, () => 'the loss was not noticed');
			const started = performance.now();
			worker.child.kill('SIGINT');
			const [{code}] = await Promise.all([worker.exited, sim.close()]);
			expect(code).toBe(130);
			expect(performance.now() - started).toBeLessThan(7000);
			expect(worker.output()).toContain('stopped:');
		} finally {
			clearInterval(pump);
			await fixture.redis.start();
		}
	});
});
