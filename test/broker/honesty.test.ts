// Broker runs on the built binary say what happens, once and truly: a Redis that stops
// answering is noted (and its return), messages handled twice are counted as `duplicates`,
// a run still going keeps its queue, a database Redis lacks and a port that is not Redis are
// named, and sender flags no sender here would take are refused.
import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import {expect, it} from 'vitest';
import {jsonLines, runCli} from '../helpers/run-cli.js';
import {queueName, startWorker, useBroker} from './helpers.js';

const fixture = useBroker();

/** One line on stderr, exit 2, nothing run. */
function expectRefused(result: {code: number | null; stdout: string; stderr: string}, pattern: RegExp): void {
	expect(result.code, result.stderr).toBe(2);
	expect(result.stdout).toBe('');
	expect(result.stderr).toMatch(/^sms-dash[^\n]*\n$/);
	expect(result.stderr).toMatch(pattern);
}

it('a Redis that stops answering: noted once, and again when it answers; messages sent twice counted as duplicates', async () => {
	const queue = queueName();
	const worker = await startWorker(['--broker', fixture.redis.url, '--queue', queue, '--count', '4', '--mean', '40ms', '--distribution', 'constant', '-f', '0']);
	fixture.workers.push(worker);
	let paused = false;
	const result = await runCli(['--headless', '--json', '-m', '300', '--broker', fixture.redis.url, '--queue', queue], {
		onStart(child) {
			let out = '';
			child.stdout!.on('data', (chunk: Buffer) => {
				out += String(chunk);
				// Frozen for 5 s once messages flow: every client waits, the jobs' locks (2 s) run out.
				if (!paused && /"type":"progress"/.test(out)) {
					paused = true;
					void fixture.redis.command('CLIENT', 'PAUSE', '5000', 'ALL');
				}
			});
		},
	});
	expect(result.code, result.stderr).toBe(0);
	const lines = jsonLines(result.stdout);
	const notes = lines.filter(line => line['type'] === 'note').map(line => String(line['text']));
	expect(notes.filter(text => /has not answered for 3 s; the figures wait for it/.test(text))).toHaveLength(1);
	expect(notes.filter(text => /answers again after \d+\.\d s/.test(text))).toHaveLength(1);
	const summary = lines.at(-1)!;
	expect(summary).toMatchObject({type: 'summary', produced: 300, interrupted: false});
	expect(summary['sent'] + summary['failed']).toBe(300);
	// The workers' own count of messages handled, against the run's: the excess is the duplicates.
	worker.child.kill('SIGINT');
	await worker.exited;
	const [, sent, failed] = /stopped: sent (\d+) · failed (\d+)/.exec(worker.output()) ?? [];
	expect(summary['duplicates']).toBe(Number(sent) + Number(failed) - 300);
	// Four messages were in flight when Redis froze past their locks: sent again elsewhere.
	expect(summary['duplicates']).toBeGreaterThan(0);
}, 40_000);

it('a broker summary always carries duplicates (0 when none), and its text shows them only when some', async () => {
	const queue = queueName();
	fixture.workers.push(await startWorker(['--broker', fixture.redis.url, '--queue', queue, '--count', '2', '--mean', '2ms']));
	const json = await runCli(['--headless', '--json', '-m', '40', '--broker', fixture.redis.url, '--queue', queue]);
	expect(jsonLines(json.stdout).at(-1)).toMatchObject({type: 'summary', produced: 40, duplicates: 0});
	const text = await runCli(['--headless', '-m', '40', '--broker', fixture.redis.url, '--queue', queue]);
	expect(text.code).toBe(0);
	expect(text.stdout).not.toMatch(/duplicates/);
	// In-process runs have no such field: their summaries are as before.
	const local = await runCli(['--headless', '--json', '-m', '5', '--speed', 'max', '--seed', '1']);
	expect(jsonLines(local.stdout).at(-1)).not.toHaveProperty('duplicates');
}, 30_000);

it('a run still going keeps its queue: a second run there is refused and takes none of its messages', async () => {
	const queue = queueName();
	const first = runCli(['--headless', '--json', '-m', '30', '--broker', fixture.redis.url, '--queue', queue, '--wait-for-workers', '6s']);
	// The first run is there once it marks the queue as live.
	const deadline = performance.now() + 8000;
	while (performance.now() < deadline && !(await fixture.redis.command('GET', `sms-dash:${queue}:run:live`)).includes('$8')) {
		await new Promise(resolve => setTimeout(resolve, 50));
	}

	const second = await runCli(['--headless', '-m', '5', '--broker', fixture.redis.url, '--queue', queue]);
	expectRefused(second, new RegExp(`queue "${queue}" is in use by another sms-dash run still going`));
	const waiting = await fixture.redis.command('LLEN', `bull:${queue}:wait`);
	expect(waiting).toBe(':30\r\n');
	const firstResult = await first;
	// No worker came: it ends as --wait-for-workers says, its 30 messages never lost or resent.
	expect(firstResult.code).toBe(1);
	expect(firstResult.stdout).not.toMatch(/again/);
	// Once it ended, the queue is free at once.
	const third = await runCli(['--headless', '--json', '-m', '0', '--broker', fixture.redis.url, '--queue', queue]);
	expect(third.code, third.stderr).toBe(0);
}, 40_000);

it('a database number Redis does not have is refused, not read as 0', async () => {
	for (const args of [['worker', '--broker', `${fixture.redis.url}/99`], ['--headless', '-m', '1', '--broker', `${fixture.redis.url}/16`]]) {
		const result = await runCli(args);
		expect(result.code, result.stderr).toBe(2);
		expect(result.stderr).toMatch(/--broker names database (99|16), which the Redis at redis:\/\/127\.0\.0\.1:\d+\/\d+ does not have \(it has 16: 0 to 15\)\n$/);
	}
}, 20_000);

it('a web server on the broker port is named as not Redis, never a parser message', async () => {
	const server = createServer((_, response) => response.end('<html>hello</html>'));
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const url = `redis://127.0.0.1:${(server.address() as AddressInfo).port}`;
	try {
		for (const args of [['worker', '--broker', url], ['--headless', '-m', '1', '--broker', url]]) {
			const result = await runCli(args);
			expect(result.code).toBe(2);
			expect(result.stderr).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ \((what answers there does not speak the Redis protocol|the connection was closed at once): is it the Redis port\?\)\n$/);
			expect(result.stderr).not.toMatch(/RESP|Please report/);
		}
	} finally {
		server.close();
	}
}, 20_000);

it.each([
	[['--failover', '1s'], '--failover'],
	[['--mean', '5ms'], '--mean'],
	[['-f', '0.2'], '--failure-rate'],
	[['--preset', 'smpp'], '--preset'],
])('--broker %j with no sender here is refused naming %s, not ignored', async (flags, name) => {
	const result = await runCli(['--headless', '-m', '3', '--broker', fixture.redis.url, '--queue', queueName(), ...flags]);
	expectRefused(result, new RegExp(`^sms-dash: ${name} sets the senders this process runs, and with --broker it runs none`));
});
