// Worker processes (the built `sms-dash worker`, run as a user would), Settings for a broker
// run, and waiting for a condition with a deadline.
import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync} from 'node:fs';
import {randomBytes} from 'node:crypto';
import {join} from 'node:path';
import {afterAll, beforeAll} from 'vitest';
import {root} from '../helpers/run-cli.js';
import {testSettings} from '../helpers/settings.js';
import type {Settings} from '../../source/settings.js';
import {startRedis, type RedisServer} from './redis.js';

const cli = join(root, 'dist', 'cli.js');

export interface WorkerProcess {
	child: ChildProcess;
	pid: number;
	/** Everything it printed so far, stdout and stderr. */
	output(): string;
	/** Sender ids from its start line. */
	ids: number[];
	exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>;
}

export interface BrokerFixture {
	/** The file's redis-server (set before its tests run). */
	redis: RedisServer;
	/** Worker processes a test started: killed after the file's tests. */
	workers: WorkerProcess[];
}

/** One redis-server for a test file, stopped after it, and its tests' workers killed then. */
export function useBroker(): BrokerFixture {
	const fixture = {workers: []} as unknown as BrokerFixture;
	beforeAll(async () => {
		fixture.redis = await startRedis();
	}, startBudgetMs);

	afterAll(async () => {
		for (const worker of fixture.workers) worker.child.kill('SIGKILL');
		await fixture.redis?.stop();
	});

	return fixture;
}

/**
 * How long a process may take to start on a busy machine: a worker loads Redis's client and
 * BullMQ (~1 s of CPU), many times that when the cores are shared.
 */
export const startBudgetMs = 40_000;

/** Starts `sms-dash worker ARGS` and waits for its start line (or its exit). */
export async function startWorker(args: string[]): Promise<WorkerProcess> {
	if (!existsSync(cli)) throw new Error('dist/ is missing: run npm run build first');
	const child = spawn(process.execPath, [cli, 'worker', ...args], {cwd: root, stdio: ['ignore', 'pipe', 'pipe']});
	let text = '';
	child.stdout!.setEncoding('utf8').on('data', chunk => (text += chunk));
	child.stderr!.setEncoding('utf8').on('data', chunk => (text += chunk));
	const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>(resolve =>
		child.on('exit', (code, signal) => resolve({code, signal})),
	);
	let hasExited = false;
	void exited.then(() => (hasExited = true));
	await until(() => hasExited || /senders? \(/.test(text), startBudgetMs, () => `worker did not start: ${text}`);
	const line = /senders? \(([^)]*)\)/.exec(text)?.[1] ?? '';
	const ids = [...line.matchAll(/#(\d+)/g)].map(m => Number(m[1]));
	const [first, last] = line.includes('–') ? ids : [undefined, undefined];
	return {
		child,
		pid: child.pid ?? 0,
		output: () => text,
		ids: first !== undefined && last !== undefined ? Array.from({length: last - first + 1}, (_, i) => first + i) : ids,
		exited,
	};
}

/** Polls until `check` is true, or fails after `timeoutMs` with `describe()`. */
export async function until(check: () => boolean, timeoutMs: number, describe: () => string = () => 'timed out'): Promise<void> {
	const deadline = performance.now() + timeoutMs;
	while (!check()) {
		if (performance.now() > deadline) throw new Error(describe());
		await new Promise(resolve => setTimeout(resolve, 25));
	}
}

export function queueName(): string {
	return `t-${randomBytes(3).toString('hex')}`;
}

/** Settings for a broker run: no senders in the monitor's process unless given. */
export function brokerSettings(overrides: Partial<Settings> = {}): Settings {
	return testSettings({messages: 100, speed: 1, ...overrides});
}
