// The dashboard on a broker, in a real terminal: a worker process's senders show as
// rows, `a` starts one more sender in the dashboard's own process, q exits 0 with a
// report that lists all three.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt, Pane} from '../helpers/tmux.js';
import {queueName, startWorker, type WorkerProcess} from './helpers.js';
import {startRedis, type RedisServer} from './redis.js';

let redis: RedisServer;
let worker: WorkerProcess | undefined;
let pane: Pane | undefined;

beforeAll(async () => {
	ensureBuilt();
	redis = await startRedis();
}, 60_000);

afterAll(async () => {
	pane?.kill();
	worker?.child.kill('SIGKILL');
	await redis?.stop();
});

describe('the dashboard on a broker', () => {
	it('shows the workers as senders, adds one with a, and q exits 0', async () => {
		const queue = queueName();
		worker = await startWorker(['--broker', redis.url, '--queue', queue, '--count', '2', '--mean', '50ms']);
		pane = new Pane();
		const report = join(pane.dir, 'report.json');
		pane.start(['--broker', redis.url, '--queue', queue, '-m', '5000', '--report', report]);
		const screen = await pane.waitFor('the two workers', s => s.includes('2 senders') && /sent\s+[1-9]/.test(s), 10_000);
		// Its own senders only when asked for (no -s here); no speed keys on the wall clock.
		expect(screen).toContain('q quit');
		expect(screen).not.toMatch(/<\/> speed/);
		// Pause stops the workers taking messages; the wall clock goes on.
		pane.keys('p');
		await pane.waitFor('paused', s => /‖ paused/.test(s), 5000);
		const sent = (screen: string) => Number(/sent\s+([\d,]+)/.exec(screen)![1]!.replaceAll(',', ''));
		// The figures refresh every second (--interval): let the messages in flight finish and
		// one reading show them, then another reading a second on must show nothing more sent.
		await new Promise(resolve => setTimeout(resolve, 1500));
		const pausedSent = sent(pane.screen());
		await new Promise(resolve => setTimeout(resolve, 1200));
		expect(sent(pane.screen())).toBe(pausedSent);
		pane.keys('p');
		await pane.waitFor('running again', s => /▶ running/.test(s) && sent(s) > pausedSent, 10_000);
		// The broker's notices show live on the note line.
		await pane.waitFor('the joined notice', s => /note: [\d.]+s: senders #1, #2 joined/.test(s), 5000);
		pane.keys('a');
		await pane.waitFor('a third sender', s => s.includes('3 senders'), 10_000);
		pane.keys('>');
		pane.keys('q');
		expect(await pane.exitCode(15_000)).toBe(0);
		const summary = JSON.parse(readFileSync(report, 'utf8'));
		expect(summary.senders).toHaveLength(3);
		expect(summary.speed).toBe(1);
		expect(summary.produced).toBe(summary.queued + summary.inFlight + summary.sent + summary.failed);
		expect(pane.history()).toMatch(/^Summary/m);
	}, 60_000);
});
