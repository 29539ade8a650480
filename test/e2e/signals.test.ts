// Signals and pipes on the built binary. First the same table for every mode (headless, the
// dashboard in tmux, broker producer, worker, size): SIGINT, SIGTERM, SIGHUP and a second
// Ctrl+C give exit 130 and no stack, and a closed pipe is a normal end. Then closer looks:
// signals at seeded random moments of a headless run, paced and unpaced, and in the
// dashboard: the summary, --report and --log are complete (every log line whole JSON, as
// many as the summary finished). Waits are on output, never fixed sleeps, except the
// seeded delays that pick the moment.
import {spawn} from 'node:child_process';
import {readFileSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {cliPath, jsonLines, root, tempDir} from '../helpers/run-cli.js';
import {ensureBuilt, hasTmux, Pane} from '../helpers/tmux.js';
import {hasRedisServer, startRedis, type RedisServer} from '../broker/redis.js';

/** A small seeded generator (mulberry32), so the "random" moments are the same on every run. */
function seeded(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d_2b_79_f5) >>> 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

const random = seeded(20_240_611);
const delayMs = () => Math.round(random() * 300);

interface Outputs {
	log: string;
	report: string;
}

function outputs(): Outputs {
	const dir = tempDir();
	return {log: join(dir, 'run.log'), report: join(dir, 'run.json')};
}

interface Ended {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	/** From the first signal sent to the process's end (runAndSignal). */
	endedAfterMs?: number;
}

/**
 * How long a run may take to show it is under way, and then to end once signalled. A loaded
 * machine can take many seconds to start a process (the broker modes load Redis's client and
 * BullMQ: ~1 s of CPU), so the start has a generous budget of its own, and the end, which is
 * what the tests are about, is timed from the signal.
 */
const startBudgetMs = 40_000;
const endBudgetMs = 15_000;
/** A test that runs a real process: its start on a busy machine, then its end. */
const processTestMs = 60_000;

/**
 * Runs the CLI headless and sends each signal once stdout has shown `afterLines` lines (or
 * matched `ready`) and the signal's delay has passed. Fails, saying which, if it has not
 * shown that within startBudgetMs, or has not ended endBudgetMs after the last signal.
 */
function runAndSignal(
	args: string[],
	signals: Array<{signal: NodeJS.Signals; delayMs: number}>,
	afterLines = 1,
	ready?: RegExp,
	/** Polled: signal once it holds (a run that prints nothing before its end). */
	isReady?: () => boolean,
): Promise<Ended> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [cliPath, ...args], {cwd: root, env: {...process.env, CI: 'true'}, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		let hasFired = false;
		let signalledAt: number | undefined;
		let failure: string | undefined;
		const giveUp = (why: string) => {
			failure = `${why}; stdout: ${stdout.slice(-500)}; stderr: ${stderr.slice(-500)}`;
			child.kill('SIGKILL');
		};

		let guard = setTimeout(() => giveUp(`not under way after ${startBudgetMs} ms`), startBudgetMs);
		const fire = () => {
			hasFired = true;
			clearTimeout(guard);
			const lastMs = Math.max(...signals.map(s => s.delayMs));
			guard = setTimeout(() => giveUp(`not ended ${endBudgetMs} ms after the last signal`), lastMs + endBudgetMs);
			for (const {signal, delayMs} of signals) {
				setTimeout(() => {
					signalledAt ??= performance.now();
					child.kill(signal);
				}, delayMs);
			}
		};

		if (afterLines === 0 && isReady === undefined) child.on('spawn', fire);
		if (isReady !== undefined) {
			const poll = setInterval(() => {
				if (hasFired || !isReady()) return;
				clearInterval(poll);
				fire();
			}, 20);
			child.on('close', () => clearInterval(poll));
		}
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
			stdout += chunk;
			if (!hasFired && (ready === undefined ? stdout.split('\n').length - 1 >= afterLines : ready.test(stdout))) fire();
		});
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		child.on('error', reject);
		child.on('close', (code, signal) => {
			clearTimeout(guard);
			if (failure === undefined) resolve({code, signal, stdout, stderr, endedAfterMs: signalledAt === undefined ? undefined : performance.now() - signalledAt});
			else reject(new Error(failure));
		});
	});
}

type Summary = Record<string, any>;

/** The log is whole JSON lines, one per finished message, each id once, as many as the summary says. */
function expectCompleteLog(path: string, summary: Summary): void {
	const text = readFileSync(path, 'utf8');
	expect(text === '' || text.endsWith('\n'), 'the last log line is whole').toBe(true);
	const entries = text
		.split('\n')
		.filter(line => line !== '')
		.map(line => JSON.parse(line) as {id: number; outcome: string});
	expect(entries.length).toBe(summary['sent'] + summary['failed']);
	expect(new Set(entries.map(e => e.id)).size).toBe(entries.length);
	expect(entries.filter(e => e.outcome === 'sent').length).toBe(summary['sent']);
}

/** An interrupted run's summary balances, and the report says the same. */
function expectInterruptedSummary(summary: Summary, reportPath: string): void {
	expect(summary['type']).toBe('summary');
	expect(summary['interrupted']).toBe(true);
	expect(summary['produced']).toBe(summary['queued'] + summary['inFlight'] + summary['sent'] + summary['failed']);
	expect(summary['sent'] + summary['failed']).toBeGreaterThan(0);
	expect(JSON.parse(readFileSync(reportPath, 'utf8'))).toEqual(summary);
}

function expectInterruptedJson(result: Ended, files: Outputs): void {
	expect(result.stderr).toBe('');
	expect(result.code, result.stderr).toBe(130);
	const lines = result.stdout.trimEnd().split('\n').map(line => JSON.parse(line) as Summary);
	const summary = lines.at(-1)!;
	expectInterruptedSummary(summary, files.report);
	expectCompleteLog(files.log, summary);
	// Readings never run ahead of the summary.
	const last = lines.filter(line => line['type'] === 'progress').at(-1);
	if (last !== undefined) expect(last['sent'] + last['failed']).toBeLessThanOrEqual(summary['sent'] + summary['failed']);
}

/** Runs `command` in bash and reports the CLI's own exit code (before the pipe) on stderr. */
function runPiped(command: string): Promise<Ended> {
	return new Promise<Ended>(resolve => {
		const child = spawn('bash', ['-c', `${command}; echo "exit \${PIPESTATUS[0]}" >&2`], {cwd: root, env: {...process.env, CI: 'true'}});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		child.on('close', (code, signal) => resolve({code, signal, stdout, stderr}));
	});
}

/** A mode as the table drives it: its arguments, what shows it is under way, what it leaves. */
interface Mode {
	name: string;
	args(report: string, broker: string): string[];
	ready: RegExp;
	/** Prints a JSON summary last and writes --report. */
	hasSummary: boolean;
	/** Prints on stdout often enough that a closed pipe is noticed. */
	canPipe: boolean;
	/** Arguments for the closed pipe, when the run must write its second line sooner. */
	pipeArgs?: string[];
	needsBroker?: boolean;
}

let queues = 0;
const queue = () => `sig-${process.pid}-${++queues}`;

const modes: Mode[] = [
	{name: 'headless', args: report => ['--headless', '--json', '--speed', '20', '-m', '5000000', '-s', '20', '--mean', '20ms', '--report', report], ready: /\n/, hasSummary: true, canPipe: true},
	{
		name: 'broker producer',
		args: (report, broker) => ['--broker', broker, '--queue', queue(), '--headless', '--json', '--interval', '0.2', '-m', '1000', '--report', report],
		ready: /\n/,
		hasSummary: true,
		canPipe: true,
		needsBroker: true,
	},
	{name: 'worker', args: (_, broker) => ['worker', '--broker', broker, '--queue', queue()], ready: /senders? \(/, hasSummary: false, canPipe: false, needsBroker: true},
	{name: 'size', args: () => ['size', '-m', '2000000', '--within', '1s', '--runs', '200', '--max-senders', '1000000'], ready: /^Sizing/, hasSummary: false, canPipe: true, pipeArgs: ['size', '-m', '2000', '--within', '1s', '--runs', '5']},
];

const endings = [
	{how: 'SIGINT', signals: [{signal: 'SIGINT' as const, delayMs: 0}]},
	{how: 'SIGTERM', signals: [{signal: 'SIGTERM' as const, delayMs: 0}]},
	{how: 'SIGHUP', signals: [{signal: 'SIGHUP' as const, delayMs: 0}]},
	{how: 'a second Ctrl+C', signals: [{signal: 'SIGINT' as const, delayMs: 0}, {signal: 'SIGINT' as const, delayMs: 5}]},
];

// Each case is a process of its own; the broker modes cost about twice the CPU of the others
// (Redis's client and BullMQ) and share one redis-server, so they take their turns one at a
// time, after the others ran side by side: on two busy cores more at once only slows each.
describe('every mode, the same edges', () => {
	let redis: RedisServer | undefined;
	beforeAll(async () => {
		if (hasRedisServer()) redis = await startRedis();
	}, 30_000);
	afterAll(async () => {
		await redis?.stop();
	});

	const endsWith130 = async (m: Mode, signals: Array<{signal: NodeJS.Signals; delayMs: number}>) => {
		if (m.needsBroker && redis === undefined) throw new Error('redis-server is needed (it is installed in CI)');
		const report = join(tempDir(), 'run.json');
		const result = await runAndSignal(m.args(report, redis?.url ?? ''), signals, 1, m.ready);
		// A second Ctrl+C may land as the process ends: it still exits 130, not killed by the
		// signal (the lifecycle exits before Node's teardown closes the signal handlers).
		expect(result.code, result.stderr).toBe(130);
		expect(result.stderr).not.toMatch(/\n\s+at |unexpected error/);
		if (m.hasSummary) {
			const summary = jsonLines(result.stdout).at(-1)!;
			expect(summary['type']).toBe('summary');
			expect(summary['interrupted']).toBe(true);
			expect(JSON.parse(readFileSync(report, 'utf8'))).toEqual(summary);
		}
	};

	const endsAtClosedPipe = async (m: Mode) => {
		if (m.needsBroker && redis === undefined) throw new Error('redis-server is needed (it is installed in CI)');
		const report = join(tempDir(), 'run.json');
		const args = (m.pipeArgs ?? m.args(report, redis?.url ?? '')).map(arg => `'${arg}'`);
		const result = await runPiped(`node ${cliPath} ${args.join(' ')} | head -1`);
		expect(result.stderr).toBe('exit 0\n');
		expect(result.stdout.split('\n')).toHaveLength(2);
		if (m.hasSummary) expect(JSON.parse(readFileSync(report, 'utf8')).interrupted).toBe(true);
	};

	const casesOf = (ms: Mode[]) => ms.flatMap(mode => endings.map(ending => ({...ending, mode: mode.name, m: mode})));
	const title = '$mode: $how ends with exit 130, no stack (and a complete summary and report where it has them)';
	const pipeTitle = '$name: a closed pipe (| head -1) is a normal end: exit 0, nothing on stderr';

	describe.concurrent('in one process', () => {
		const ms = modes.filter(m => !m.needsBroker);
		it.each(casesOf(ms))(title, async ({m, signals}) => endsWith130(m, signals), processTestMs);
		it.each(ms.filter(m => m.canPipe))(pipeTitle, endsAtClosedPipe, processTestMs);
	});

	describe.sequential('with a broker', () => {
		const ms = modes.filter(m => m.needsBroker);
		it.each(casesOf(ms))(title, async ({m, signals}) => endsWith130(m, signals), processTestMs);
		it.each(ms.filter(m => m.canPipe))(pipeTitle, endsAtClosedPipe, processTestMs);
	});
});

describe.skipIf(!hasTmux)('every mode, the same edges: the dashboard (tmux)', () => {
	const panes: Pane[] = [];
	beforeAll(() => {
		ensureBuilt();
	}, 60_000);

	afterEach(() => {
		for (const p of panes.splice(0)) p.kill();
	});

	it.each(endings)('$how ends with exit 130, the summary printed and the report complete', async ({signals}) => {
		const p = new Pane();
		panes.push(p);
		const report = join(p.dir, 'run.json');
		p.start(['-m', '5000000', '-s', '20', '--mean', '20ms', '--speed', '20', '--report', report]);
		await p.waitFor('the first figures', screen => /\bsent\s+[1-9]/.test(screen), startBudgetMs);
		const pid = p.cliPid();
		for (const {signal, delayMs} of signals) {
			if (delayMs > 0) await new Promise(resolve => setTimeout(resolve, delayMs));
			try {
				process.kill(pid, signal);
			} catch {
				// Already ended.
			}
		}

		expect(await p.exitCode(endBudgetMs)).toBe(130);
		expect(p.history()).toMatch(/^Summary \(interrupted\)$/m);
		expect(JSON.parse(readFileSync(report, 'utf8')).interrupted).toBe(true);
	}, processTestMs);
});

// A run opens with its start line, before anything is sent; the cases below that want some
// messages finished wait for the first reading instead.
const firstReading = /"type":"progress"/;
const paced = ['--speed', '20', '--interval', '0.5', '-m', '5000000', '-s', '20', '--mean', '20ms'];
const unpaced = ['--speed', 'max', '-m', '20000000', '-s', '20', '--mean', '20ms'];

describe.concurrent('signals, headless', {timeout: processTestMs}, () => {
	const cases = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).flatMap(signal =>
		(['paced', 'unpaced'] as const).map(pace => ({signal, pace, delayMs: delayMs(), seed: Math.floor(random() * 1000)})),
	);
	it.each(cases)('$signal $delayMs ms after the first line, $pace: complete summary, report and log, exit 130', async ({signal, pace, delayMs, seed}) => {
		const files = outputs();
		const args = ['--headless', '--json', ...(pace === 'paced' ? paced : unpaced), '--seed', String(seed), '--log', files.log, '--report', files.report];
		const result = await runAndSignal(args, [{signal, delayMs}], 1, firstReading);
		expectInterruptedJson(result, files);
	});

	// The headless finish takes ~20 ms; a second signal after that would meet a process that is
	// already exiting (and its default action). Right behind the first, it meets the handler.
	it('SIGINT then SIGTERM right after: the second signal does not cut the first one short', async () => {
		const files = outputs();
		const result = await runAndSignal(['--headless', '--json', ...unpaced, '--seed', '5', '--log', files.log, '--report', files.report], [
			{signal: 'SIGINT', delayMs: 0},
			{signal: 'SIGTERM', delayMs: 1},
		], 1, firstReading);
		expectInterruptedJson(result, files);
	});

	// The moment a second Ctrl+C met Node's teardown (its signal handlers closed, the process
	// not yet gone) and killed it by SIGINT. A preload marks process 'exit' on fd 3 and the
	// second SIGINT follows the mark at once: before the fix 14 of 20 runs were killed so.
	it('a second Ctrl+C as the process ends (after its exit event) still exits 130, five times in five', async () => {
		const mark = join(tempDir(), 'mark-exit.cjs');
		writeFileSync(mark, "process.once('exit', () => { try { require('node:fs').writeSync(3, 'exit\\n'); } catch {} });\n");
		for (let i = 0; i < 5; i++) {
			const ended = await new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve, reject) => {
				const child = spawn(process.execPath, ['--require', mark, cliPath, '--headless', '--json', ...unpaced, '--seed', String(i)], {
					cwd: root,
					stdio: ['ignore', 'pipe', 'ignore', 'pipe'],
				});
				child.stdout!.once('data', () => child.kill('SIGINT'));
				child.stdio[3]!.once('data', () => child.kill('SIGINT'));
				child.on('error', reject);
				child.on('close', (code, signal) => resolve({code, signal}));
			});
			expect(ended).toEqual({code: 130, signal: null});
		}
	});

	it('text output: the summary block says it was interrupted', async () => {
		const files = outputs();
		const result = await runAndSignal(['--headless', ...paced, '--seed', '6', '--report', files.report], [{signal: 'SIGTERM', delayMs: delayMs()}]);
		expect(result.code).toBe(130);
		expect(result.stdout).toMatch(/^Summary \(interrupted\)$/m);
		expect(result.stdout).toMatch(/^ {2}unfinished /m);
		expect(JSON.parse(readFileSync(files.report, 'utf8')).interrupted).toBe(true);
	});

	it('a zero-time instant (mean 0, a billion messages at max speed) still hears SIGINT at once', async () => {
		const files = outputs();
		// Nothing is printed before the end of such a run: signal once it has started working
		// (its log has grown; a fixed delay could land before a loaded machine has loaded it).
		const result = await runAndSignal(
			['--headless', '--json', '--speed', 'max', '--mean', '0', '-m', '1000000000', '--seed', '7', '--log', files.log, '--report', files.report],
			[{signal: 'SIGINT', delayMs: 200}],
			0,
			undefined,
			() => (statSync(files.log, {throwIfNoEntry: false})?.size ?? 0) > 0,
		);
		// Timed from the signal: how long a busy machine takes to start the process is not the point.
		expect(result.endedAfterMs).toBeLessThan(10_000);
		expectInterruptedJson(result, files);
	});

	it('`sms-dash --headless | head -3` ends quietly, with its log and report complete', async () => {
		const files = outputs();
		const command = `node ${cliPath} --headless --json --speed max --interval 0.01 -m 2000000 -s 10 --seed 8 --log ${files.log} --report ${files.report} | head -3; echo "exit \${PIPESTATUS[0]}" >&2`;
		const result = await new Promise<Ended>(resolve => {
			const child = spawn('bash', ['-c', command], {cwd: root, env: {...process.env, CI: 'true'}});
			let stdout = '';
			let stderr = '';
			child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
			child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
			child.on('close', (code, signal) => resolve({code, signal, stdout, stderr}));
		});
		expect(result.stderr).toBe('exit 0\n');
		expect(result.stdout.trimEnd().split('\n')).toHaveLength(3);
		const summary = JSON.parse(readFileSync(files.report, 'utf8')) as Summary;
		expect(summary['interrupted']).toBe(true);
		expectCompleteLog(files.log, summary);
	});
});

describe.skipIf(!hasTmux)('signals, dashboard (tmux)', () => {
	const panes: Pane[] = [];
	beforeAll(() => {
		ensureBuilt();
	}, 60_000);

	afterEach(() => {
		for (const p of panes.splice(0)) p.kill();
	});

	it.each([
		{signal: 'SIGINT' as const, delayMs: delayMs()},
		{signal: 'SIGTERM' as const, delayMs: delayMs()},
	])('$signal $delayMs ms after the first figures: summary, report and log complete, exit 130', async ({signal, delayMs}) => {
		const p = new Pane();
		panes.push(p);
		const files = {log: join(p.dir, 'run.log'), report: join(p.dir, 'run.json')};
		p.start(['-m', '5000000', '-s', '20', '--mean', '20ms', '--speed', '20', '--seed', '9', '--log', files.log, '--report', files.report]);
		await p.waitFor('the first figures', s => /\bsent\s+[1-9]/.test(s), startBudgetMs);
		await new Promise(resolve => setTimeout(resolve, delayMs));
		process.kill(p.cliPid(), signal);
		expect(await p.exitCode(endBudgetMs)).toBe(130);
		expect(p.history()).toMatch(/^Summary \(interrupted\)$/m);
		const summary = JSON.parse(readFileSync(files.report, 'utf8')) as Summary;
		expect(summary['interrupted']).toBe(true);
		expect(summary['produced']).toBe(summary['queued'] + summary['inFlight'] + summary['sent'] + summary['failed']);
		expectCompleteLog(files.log, summary);
	}, processTestMs);

	// The dashboard's finish (Ink unmounts, then the summary) takes ~120 ms: 20 ms in, the
	// second signal lands in the middle of it.
	it('SIGINT then SIGTERM 20 ms later still ends with 130 and complete files', async () => {
		const p = new Pane();
		panes.push(p);
		const files = {log: join(p.dir, 'run.log'), report: join(p.dir, 'run.json')};
		p.start(['-m', '5000000', '-s', '20', '--mean', '20ms', '--speed', '20', '--seed', '10', '--log', files.log, '--report', files.report]);
		await p.waitFor('the first figures', s => /\bsent\s+[1-9]/.test(s), startBudgetMs);
		const pid = p.cliPid();
		process.kill(pid, 'SIGINT');
		await new Promise(resolve => setTimeout(resolve, 20));
		try {
			process.kill(pid, 'SIGTERM');
		} catch {
			// Already ended: nothing to cut short.
		}

		expect(await p.exitCode(endBudgetMs)).toBe(130);
		const summary = JSON.parse(readFileSync(files.report, 'utf8')) as Summary;
		expectCompleteLog(files.log, summary);
	}, processTestMs);
});
