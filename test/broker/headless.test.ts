// Headless output in broker mode is DESIGN.md's: progress objects every interval, the
// summary last, with senders started in the monitor's own process (settings.senders).
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {expect, it, vi} from 'vitest';
import {runBrokerHeadless} from '../../source/broker/run.js';
import {tempDir} from '../helpers/run-cli.js';
import {brokerSettings, queueName, startWorker, until, useBroker} from './helpers.js';

const broker = useBroker();

/** Runs `body` with what is written to stderr caught (and not shown); the writes, in order. */
async function stderrOf(body: () => Promise<void>): Promise<string[]> {
	const stderr: string[] = [];
	const spy = vi.spyOn(process.stderr, 'write').mockImplementation(chunk => {
		stderr.push(String(chunk));
		return true;
	});
	try {
		await body();
	} finally {
		spy.mockRestore();
	}

	return stderr;
}

it('prints progress lines and the summary last, as in-process; --html records the same run', async () => {
	let out = '';
	const htmlPath = join(tempDir(), 'broker.html');
	const settings = brokerSettings({
		messages: 300,
		retries: 2,
		seed: 42,
		intervalMs: 250,
		htmlPath,
		senders: [
			{meanMs: 4, failureRate: 0.3, distribution: 'uniform', spreadMs: 2},
			{meanMs: 4, failureRate: 0.3, distribution: 'constant'},
		],
	});
	const code = await runBrokerHeadless(settings, {url: broker.redis.url, queue: queueName()}, {write: text => (out += text)});
	expect(code).toBe(0);
	const lines = out.trimEnd().split('\n').map(line => JSON.parse(line) as Record<string, any>);
	const summary = lines.at(-1)!;
	expect(summary['type']).toBe('summary');
	const progress = lines.filter(l => l['type'] === 'progress');
	expect(progress.length).toBeGreaterThanOrEqual(2);
	expect(progress.map(p => p['simMs'])).toEqual([...progress.map(p => p['simMs'])].sort((a, b) => a - b));
	for (const p of progress) expect(p['queued'] + p['inFlight'] + p['sent'] + p['failed']).toBe(p['produced']);
	expect(summary).toMatchObject({produced: 300, queued: 0, inFlight: 0, pending: 0, speed: 1, seed: 42, interrupted: false});
	expect(summary['sent'] + summary['failed']).toBe(300);
	expect(summary['attempts']).toBeGreaterThan(300);
	expect(summary['p95Ms']).toBeGreaterThan(0);
	expect(summary['settings']).toMatchObject({messages: 300, retries: 2, seed: 42});
	const senders = summary['senders'] as Array<Record<string, any>>;
	expect(senders).toHaveLength(2);
	expect(senders.map(s => s['distribution'])).toEqual(['uniform', 'constant']);
	expect(senders.reduce((sum, s) => sum + s['sent'] + s['failed'], 0)).toBe(300);
	expect(senders.every(s => s['removed'] === undefined)).toBe(true);
	expect(summary['wallElapsedMs']).toBeGreaterThanOrEqual(summary['simElapsedMs'] - 5);
	const page = readFileSync(htmlPath, 'utf8');
	const data = JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(page)![1]!) as {summary: unknown; series: Array<{sent: number; failed: number}>};
	expect(data.summary).toEqual(summary);
	expect(data.series.length).toBe(progress.length);
	expect(data.series.at(-1)).toMatchObject({sent: progress.at(-1)!['sent'], failed: progress.at(-1)!['failed']});
});

it('a --log that fails mid-run (a full disk) ends the run: the summary still prints, one line on stderr, exit 1', async () => {
	let out = '';
	const stderr = await stderrOf(async () => {
		const settings = brokerSettings({
			messages: 3000,
			seed: 1,
			intervalMs: 250,
			logPath: '/dev/full',
			senders: [{meanMs: 1, failureRate: 0, distribution: 'constant'}],
		});
		const code = await runBrokerHeadless(settings, {url: broker.redis.url, queue: queueName()}, {write: text => (out += text)});
		expect(code).toBe(1);
		expect(JSON.parse(out.trimEnd().split('\n').at(-1)!)).toMatchObject({type: 'summary'});
	});
	expect(stderr).toEqual(['sms-dash: --log /dev/full: cannot write (no space left on the device)\n']);
});

it('no worker on the queue: "waiting for workers" at once and again while none comes; --wait-for-workers ends the run, exit 1, one line', async () => {
	let out = '';
	const queue = queueName();
	const stderr = await stderrOf(async () => {
		const settings = brokerSettings({messages: 50, intervalMs: 250, waitForWorkersMs: 1200});
		const code = await runBrokerHeadless(settings, {url: broker.redis.url, queue}, {write: text => (out += text)}, {waitingNoticeMs: 400});
		expect(code).toBe(1);
		const lines = out.trimEnd().split('\n').map(line => JSON.parse(line) as Record<string, any>);
		const notes = lines.filter(l => l['type'] === 'note').map(l => l['text'] as string);
		expect(notes.length).toBeGreaterThanOrEqual(2);
		expect(notes[0]).toMatch(new RegExp(`^0\\.\\ds: waiting for workers on queue "${queue}"$`));
		expect(notes.slice(1).every(text => text.includes(`waiting for workers on queue "${queue}" (`))).toBe(true);
		// The first note comes before the first reading, not after a few of them.
		expect(lines.findIndex(l => l['type'] === 'note')).toBeLessThan(lines.findIndex(l => l['type'] === 'progress') + 2);
		expect(lines.at(-1)).toMatchObject({type: 'summary', sent: 0, failed: 0});
	});
	expect(stderr).toEqual([`sms-dash: no worker came to queue "${queue}" within 1.20s (--wait-for-workers)\n`]);
});

it('a worker that comes in time: the waiting is said no more, the run finishes, exit 0', async () => {
	let out = '';
	const settings = brokerSettings({messages: 30, intervalMs: 250, waitForWorkersMs: 20_000});
	const queue = queueName();
	const running = runBrokerHeadless(settings, {url: broker.redis.url, queue}, {write: text => (out += text)}, {waitingNoticeMs: 200});
	await until(() => out.includes('waiting for workers'), 10_000, () => out);
	const worker = await startWorker(['--broker', broker.redis.url, '--queue', queue, '--mean', '1ms']);
	try {
		expect(await running).toBe(0);
		const lines = out.trimEnd().split('\n').map(line => JSON.parse(line) as Record<string, any>);
		const lastWaiting = lines.findLastIndex(l => l['type'] === 'note' && String(l['text']).includes('waiting for workers'));
		const firstFinished = lines.findIndex(l => l['type'] === 'progress' && l['sent'] + l['failed'] > 0);
		expect(lastWaiting).toBeGreaterThan(-1);
		expect(firstFinished, out).toBeGreaterThan(lastWaiting);
		const summary = lines.at(-1)!;
		expect(summary['type']).toBe('summary');
		expect(summary['sent'] + summary['failed']).toBe(30);
	} finally {
		worker.child.kill('SIGTERM');
		await worker.exited;
	}
});
