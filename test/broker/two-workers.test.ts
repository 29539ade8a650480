// A whole broker run across two worker processes: every message is counted once, the
// figures add up (conservation), each worker's senders show with their own counts, and
// Ctrl+C ends a worker with 130 after it withdraws its senders.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {Redis} from 'ioredis';
import {describe, expect, it} from 'vitest';
import {createBrokerRun} from '../../source/broker/run.js';
import {keysFor} from '../../source/broker/protocol.js';
import {tempDir} from '../helpers/run-cli.js';
import {brokerSettings, queueName, startWorker, until, useBroker, type WorkerProcess} from './helpers.js';

const fixture = useBroker();

describe('a run across two worker processes', () => {
	it('counts every message once, per worker, and adds up', async () => {
		const queue = queueName();
		const common = ['--broker', fixture.redis.url, '--queue', queue, '--count', '3', '--mean', '12ms', '--failure-rate', '0.2'];
		const [a, b] = await Promise.all([startWorker(common), startWorker([...common, '--distribution', 'exponential'])]);
		fixture.workers.push(a!, b!);
		expect(a!.ids).toHaveLength(3);
		expect(b!.ids).toHaveLength(3);

		const logPath = join(tempDir(), 'log.jsonl');
		let isDone = false;
		const run = await createBrokerRun(brokerSettings({messages: 600, retries: 1, logPath}), {url: fixture.redis.url, queue}, {onDone: () => (isDone = true)});
		run.store.getState().actions.start();
		const {store} = run;
		// Conservation holds at every published snapshot, not only at the end.
		const unsubscribe = store.subscribe(({snap}) => {
			expect(snap.queued + snap.inFlight + snap.sent + snap.failed).toBe(snap.produced);
		});
		await until(() => isDone, 25_000, () => `not done: ${JSON.stringify(run.engine.totals())}`);
		unsubscribe();
		const summary = run.finish();
		const places = run.engine.places();
		await run.close();

		expect(summary.produced).toBe(600);
		expect(summary.sent + summary.failed).toBe(600);
		expect(summary.queued + summary.inFlight + summary.pending).toBe(0);
		expect(summary.interrupted).toBe(false);
		expect(summary.speed).toBe(1);
		expect(summary.failed).toBeGreaterThan(0);
		expect(summary.attempts).toBeGreaterThan(600);

		const lines = readFileSync(logPath, 'utf8').trimEnd().split('\n').map(line => JSON.parse(line) as {id: number; sender: number; outcome: string; attempts: number; simMs: number});
		expect(lines).toHaveLength(600);
		expect(new Set(lines.map(l => l.id)).size).toBe(600);
		expect(Math.min(...lines.map(l => l.id))).toBe(1);
		expect(Math.max(...lines.map(l => l.id))).toBe(600);
		expect(lines.map(l => l.simMs)).toEqual([...lines.map(l => l.simMs)].sort((x, y) => x - y));

		// Six senders, three per process, each with its share; the sums are the totals.
		const byId = new Map(summary.senders.map(s => [s.id, s]));
		for (const worker of [a!, b!]) {
			for (const id of worker.ids) {
				const sender = byId.get(id);
				expect(sender, `sender #${id}`).toBeDefined();
				expect(sender!.sent + sender!.failed).toBeGreaterThan(30);
				expect(places.find(p => p.id === id)?.pid).toBe(worker.pid);
			}
		}

		expect(byId.get(b!.ids[0]!)?.distribution).toBe('exponential');
		for (const worker of [a!, b!]) {
			expect(summary.notes.filter(n => n.includes(`pid ${worker.pid}`))).toEqual([expect.stringContaining(`senders ${worker.ids.map(id => `#${id}`).join(', ')} joined`)]);
		}

		expect(summary.senders.reduce((sum, s) => sum + s.sent, 0)).toBe(summary.sent);
		expect(summary.senders.reduce((sum, s) => sum + s.failed, 0)).toBe(summary.failed);
		expect(summary.senders.reduce((sum, s) => sum + s.attempts, 0)).toBe(summary.attempts);
		for (const line of lines) expect(byId.has(line.sender)).toBe(true);
		expect(summary.avgTimeMs).toBeGreaterThan(5);
		expect(summary.avgTimeMs).toBeLessThan(60);

		// Ctrl+C: 130, and the senders are withdrawn from the registry.
		a!.child.kill('SIGINT');
		b!.child.kill('SIGINT');
		expect((await a!.exited).code).toBe(130);
		expect((await b!.exited).code).toBe(130);
		expect(a!.output()).toMatch(/stopped: sent \d+ · failed \d+/);
		const client = new Redis(fixture.redis.url);
		expect(await client.smembers(keysFor(queue).senders)).toEqual([]);
		client.disconnect();
	});
});
