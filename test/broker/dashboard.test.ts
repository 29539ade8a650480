// The dashboard on a broker, in a real terminal: a worker process's senders show as
// rows that say where they run, `a` starts one more sender in the dashboard's own
// process, a SIGKILLed worker's senders stay as gone rows, q exits 0 with a report that
// lists all three.
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
		// The figures refresh every second (--interval): once the messages in flight have finished
		// and a reading shows them, a reading more than a second later shows nothing more sent. A
		// busy machine may take longer over those last ones: look again until two readings agree
		// (while the workers kept sending, none would).
		let pausedSent = sent(pane.screen());
		const deadline = Date.now() + 15_000;
		for (;;) {
			await new Promise(resolve => setTimeout(resolve, 1200));
			const now = sent(pane.screen());
			if (now === pausedSent) break;
			if (Date.now() > deadline) expect(now, 'still sending while paused').toBe(pausedSent);
			pausedSent = now;
		}
		pane.keys('p');
		await pane.waitFor('running again', s => /▶ running/.test(s) && sent(s) > pausedSent, 10_000);
		// The broker's notices show live on the note line.
		await pane.waitFor('the joined notice', s => /note: [\d.]+s: senders #1, #2 joined/.test(s), 5000);
		// A run on workers has no simulated clock, speed or seed to show.
		expect(pane.screen().split('\n')[0]).not.toMatch(/sim |speed|seed/);
		const row = (s: string, id: number) => s.split('\n').find(line => new RegExp(`#${id} `).test(line)) ?? '';
		expect(row(pane.screen(), 1)).toContain(`/${worker.pid}`);
		pane.keys('a');
		const three = await pane.waitFor('a third sender', s => s.includes('3 senders') && /#3 .*this process/.test(s), 10_000);
		// The new sender is selected.
		expect(row(three, 3)).toMatch(/^› #3 /);
		worker.child.kill('SIGKILL');
		const gone = await pane.waitFor('the killed worker\'s senders, gone', s => s.includes('1 sender, 2 gone'), 10_000);
		expect(row(gone, 1)).toMatch(/ gone /);
		expect(row(gone, 2)).toMatch(/ gone /);
		expect(row(gone, 3)).toContain('this process');
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
