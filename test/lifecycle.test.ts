// The one run lifecycle, against a fake process: signals, a closed pipe or terminal, a
// failed write, the exit code, and listeners gone once the run is over. No real sleeps.
import {EventEmitter} from 'node:events';
import {closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {isatty} from 'node:tty';
import {join} from 'node:path';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {headlessRun} from '../source/headless.js';
import {createLifecycle, exitCodeOf, fdKind, fileStream, isTerminal, type Edges, type Ending, type Run, type Verdict} from '../source/lifecycle.js';
import {createRun} from '../source/runs/in-process.js';
import {makeSettings} from './helpers/render-dash.js';
import {root} from './helpers/run-cli.js';

class FakeStream extends EventEmitter {
	written = '';
	/** Set to make write() throw, as a stream destroyed under it can. */
	throws: Error | undefined;
	write(text: string): boolean {
		if (this.throws !== undefined) throw this.throws;
		this.written += text;
		return true;
	}
}

function errno(code: string): NodeJS.ErrnoException {
	return Object.assign(new Error(`write ${code}`), {code});
}

class FakeProcess extends EventEmitter implements Edges {
	stdout = new FakeStream();
	stderr = new FakeStream();
	/** Callbacks handed to later(), run by settle(). */
	pending: Array<() => void> = [];
	later(callback: () => void): void {
		this.pending.push(callback);
	}

	settle(): void {
		for (const callback of this.pending.splice(0)) callback();
	}

	listening(): number {
		return ['SIGINT', 'SIGTERM', 'SIGHUP'].reduce((n, s) => n + this.listenerCount(s), 0) + this.stdout.listenerCount('error') + this.stderr.listenerCount('error');
	}
}

/** A run that records what the lifecycle asked of it, finishing when told to. */
function fakeRun(verdict: Verdict = {code: 0}) {
	const calls: string[] = [];
	let end: ((ending: Ending) => void) | undefined;
	let release: (() => void) | undefined;
	let isHeld = false;
	const run: Run = {
		start(given) {
			calls.push('start');
			end = given;
		},
		async finish(ending) {
			calls.push(`finish ${ending}`);
			if (isHeld) await new Promise<void>(resolve => (release = resolve));
			return verdict;
		},
		hurry() {
			calls.push('hurry');
		},
	};
	return {
		run,
		calls,
		end: (ending: Ending) => end!(ending),
		/** finish() waits until release() (a slow summary, a bounded close). */
		hold() {
			isHeld = true;
		},
		release: () => release?.(),
	};
}

const turn = async () => {
	for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('lifecycle', () => {
	it.each([
		{ending: 'done' as const, verdict: {code: 0}, code: 0},
		{ending: 'done' as const, verdict: {code: 3}, code: 3},
		{ending: 'quit' as const, verdict: {code: 3}, code: 3},
		{ending: 'stall' as const, verdict: {code: 0}, code: 1},
		{ending: 'broken' as const, verdict: {code: 0}, code: 1},
	])('a run that ends by itself ($ending, verdict $verdict.code) exits $code', async ({ending, verdict, code}) => {
		const proc = new FakeProcess();
		const lifecycle = createLifecycle(proc);
		const fake = fakeRun(verdict);
		const exit = lifecycle.drive(fake.run);
		await turn();
		fake.end(ending);
		expect(await exit).toBe(code);
		expect(fake.calls).toEqual(['start', `finish ${ending}`]);
	});

	it.each(['SIGINT', 'SIGTERM', 'SIGHUP'])('%s ends the run: finished once, exit 130, listeners gone after', async signal => {
		const proc = new FakeProcess();
		const lifecycle = createLifecycle(proc);
		expect(proc.listening()).toBe(5);
		const fake = fakeRun({code: 3});
		const exit = lifecycle.drive(fake.run);
		await turn();
		proc.emit(signal);
		expect(await exit).toBe(130);
		expect(fake.calls).toEqual(['start', 'finish signal']);
		// Still answered while the process ends, then gone.
		expect(proc.listening()).toBe(5);
		proc.settle();
		expect(proc.listening()).toBe(0);
	});

	it('a second signal while finishing hurries the run and does not finish it twice', async () => {
		const proc = new FakeProcess();
		const fake = fakeRun();
		fake.hold();
		const exit = createLifecycle(proc).drive(fake.run);
		await turn();
		proc.emit('SIGINT');
		await turn();
		proc.emit('SIGINT');
		proc.emit('SIGTERM');
		fake.release();
		expect(await exit).toBe(130);
		// Once finished, a signal has nothing left to hurry (the process is ending).
		proc.emit('SIGINT');
		expect(fake.calls).toEqual(['start', 'finish signal', 'hurry', 'hurry']);
	});

	it('once finished, a signal ends the process at once with the run\'s code (a reader that stopped reading keeps it alive)', async () => {
		const proc = new FakeProcess();
		const exits: Array<number | string> = [];
		const lifecycle = createLifecycle(Object.assign(proc, {exit: (code: number) => exits.push(code), releaseTerminal: () => exits.push('released')}));
		const fake = fakeRun({code: 3});
		const exit = lifecycle.drive(fake.run);
		await turn();
		fake.end('done');
		expect(await exit).toBe(3);
		lifecycle.leave(3);
		expect(exits).toEqual([]);
		proc.emit('SIGINT');
		expect(exits).toEqual([3]);
	});

	it('a process ending by itself exits with the run\'s code before Node\'s teardown closes the signal handlers', async () => {
		const proc = new FakeProcess();
		const exits: number[] = [];
		const teardown: Array<() => void> = [];
		const lifecycle = createLifecycle(Object.assign(proc, {exit: (code: number) => exits.push(code), onTeardown: (callback: () => void) => teardown.push(callback)}));
		const fake = fakeRun({code: 0});
		const exit = lifecycle.drive(fake.run);
		await turn();
		expect(teardown).toHaveLength(0);
		proc.emit('SIGINT');
		expect(await exit).toBe(130);
		lifecycle.leave(130);
		// Asked for once the run has written all it will; nothing exits before the teardown.
		expect(teardown).toHaveLength(1);
		expect(exits).toEqual([]);
		teardown[0]!();
		expect(exits).toEqual([130]);
	});

	it('a closed terminal (SIGHUP, EIO): leave() lets go of it and exits at once, before Node\'s teardown', async () => {
		const proc = new FakeProcess();
		const exits: Array<number | string> = [];
		const lifecycle = createLifecycle(Object.assign(proc, {exit: (code: number) => exits.push(code), releaseTerminal: () => exits.push('released')}));
		const exit = lifecycle.drive(fakeRun().run);
		await turn();
		proc.emit('SIGHUP', 'SIGHUP');
		expect(await exit).toBe(130);
		lifecycle.leave(130);
		expect(exits).toEqual(['released', 130]);
	});

	it('a signal while the run is built: never started, finished at once with exit 130', async () => {
		const proc = new FakeProcess();
		const lifecycle = createLifecycle(proc);
		proc.emit('SIGTERM');
		const fake = fakeRun();
		expect(await lifecycle.drive(fake.run)).toBe(130);
		expect(fake.calls).toEqual(['finish signal']);
	});

	it('the first ending wins: a signal after the run is done changes neither the ending nor the code', async () => {
		const proc = new FakeProcess();
		const fake = fakeRun({code: 0});
		fake.hold();
		const exit = createLifecycle(proc).drive(fake.run);
		await turn();
		fake.end('done');
		await turn();
		proc.emit('SIGINT');
		fake.end('stall');
		fake.release();
		expect(await exit).toBe(0);
		expect(fake.calls).toEqual(['start', 'finish done', 'hurry']);
	});

	it('a closed pipe (EPIPE) is a normal end: exit 0, and nothing more is written to stdout', async () => {
		const proc = new FakeProcess();
		const lifecycle = createLifecycle(proc);
		const exit = lifecycle.drive({
			start() {
				lifecycle.io.out('one\n');
			},
			finish(ending) {
				lifecycle.io.out(`summary after ${ending}\n`);
				return {code: 3};
			},
		});
		await turn();
		proc.stdout.emit('error', errno('EPIPE'));
		expect(await exit).toBe(0);
		expect(proc.stdout.written).toBe('one\n');
		expect(lifecycle.io.isOutGone).toBe(true);
		expect(proc.stderr.written).toBe('');
	});

	it('a closed terminal (EIO) ends the run as interrupted: exit 130, nothing written to it', async () => {
		const proc = new FakeProcess();
		const lifecycle = createLifecycle(proc);
		const fake = fakeRun();
		const exit = lifecycle.drive(fake.run);
		await turn();
		proc.stdout.emit('error', errno('EIO'));
		expect(await exit).toBe(130);
		expect(fake.calls).toEqual(['start', 'finish terminal']);
		expect(lifecycle.io.isOutGone).toBe(true);
	});

	it('a stdout that cannot be written (a full disk) is named in one line; exit 1', async () => {
		const proc = new FakeProcess();
		const lifecycle = createLifecycle(proc);
		const fake = fakeRun();
		const exit = lifecycle.drive(fake.run);
		await turn();
		proc.stdout.throws = errno('ENOSPC');
		lifecycle.io.out('a reading\n');
		lifecycle.io.out('another\n');
		expect(await exit).toBe(1);
		expect(fake.calls).toEqual(['start', 'finish broken']);
		expect(proc.stderr.written).toBe('sms-dash: stdout: cannot write (no space left on the device)\n');
	});

	it('a summary that cannot be written (stdout on a full disk) turns a finished run into exit 1', async () => {
		const proc = new FakeProcess();
		const lifecycle = createLifecycle(proc);
		// As Node's streams do: the failed write is reported on the next tick.
		proc.stdout.write = () => {
			process.nextTick(() => proc.stdout.emit('error', errno('ENOSPC')));
			return false;
		};

		const exit = lifecycle.drive({
			start(end) {
				end('done');
			},
			finish() {
				lifecycle.io.out('the summary\n');
				return {code: 0};
			},
		});
		expect(await exit).toBe(1);
		expect(proc.stderr.written).toBe('sms-dash: stdout: cannot write (no space left on the device)\n');
	});

	it('a failed output file makes any ending exit 1, a signal too', async () => {
		const proc = new FakeProcess();
		const fake = fakeRun({code: 0, hasWriteErrors: true});
		const exit = createLifecycle(proc).drive(fake.run);
		await turn();
		proc.emit('SIGINT');
		expect(await exit).toBe(1);
	});

	it('a run that fails to start is finished as failed: one line, exit 1', async () => {
		const proc = new FakeProcess();
		const calls: Ending[] = [];
		const exit = createLifecycle(proc).drive({
			start() {
				throw new Error('the dashboard failed');
			},
			finish(ending) {
				calls.push(ending);
				return {};
			},
		});
		expect(await exit).toBe(1);
		expect(calls).toEqual(['failed']);
		expect(proc.stderr.written).toBe('sms-dash: the dashboard failed\n');
	});

	it('a stderr that cannot be written is ignored, not a crash', async () => {
		const proc = new FakeProcess();
		const lifecycle = createLifecycle(proc);
		proc.stderr.throws = errno('ENOSPC');
		expect(() => lifecycle.io.err('a note\n')).not.toThrow();
		expect(() => proc.stderr.emit('error', errno('EPIPE'))).not.toThrow();
		lifecycle.dispose();
		expect(proc.listening()).toBe(0);
	});

	it('dispose (no run after all: bad input) removes every listener at once', () => {
		const proc = new FakeProcess();
		createLifecycle(proc).dispose();
		expect(proc.listening()).toBe(0);
	});

	it('exit codes by ending', () => {
		const codes = (['done', 'quit', 'signal', 'stall', 'pipe', 'terminal', 'broken', 'failed'] as const).map(e => [e, exitCodeOf(e, {code: 3})]);
		expect(Object.fromEntries(codes)).toEqual({done: 3, quit: 3, signal: 130, stall: 1, pipe: 0, terminal: 130, broken: 1, failed: 1});
	});
});

describe('an in-process headless run under the lifecycle', () => {
	afterEach(() => {
		vi.useRealTimers();
	});

	/** A seeded run at speed 1 on fake timers, printed as JSON lines through a fake process. */
	function headless(options: Parameters<typeof makeSettings>[0]) {
		vi.useFakeTimers();
		const proc = new FakeProcess();
		const lifecycle = createLifecycle(proc);
		const settings = {...makeSettings(options), json: true, headless: true};
		const run = createRun(settings, {onDone: () => lifecycle.end('done'), onStall: () => lifecycle.end('stall'), onWriteError: () => lifecycle.end('broken')});
		const exit = lifecycle.drive(headlessRun(run, true, lifecycle.io));
		const lines = () => proc.stdout.written.trimEnd().split('\n').map(line => JSON.parse(line) as Record<string, unknown>);
		return {proc, exit, lines};
	}

	it('SIGTERM mid-run: the readings so far, then the summary, interrupted; exit 130', async () => {
		const h = headless({messages: 100_000, speed: 1});
		await vi.advanceTimersByTimeAsync(3500);
		h.proc.emit('SIGTERM');
		expect(await h.exit).toBe(130);
		const lines = h.lines();
		expect(lines.filter(l => l['type'] === 'progress')).toHaveLength(3);
		expect(lines.at(-1)).toMatchObject({type: 'summary', interrupted: true});
		expect(lines.at(-1)!['stalled']).toBeUndefined();
	});

	it('a run with no sender is named stalled, not interrupted: one line why, exit 1', async () => {
		const h = headless({messages: 10, senders: 0});
		await vi.advanceTimersByTimeAsync(10);
		expect(await h.exit).toBe(1);
		expect(h.lines().at(-1)).toMatchObject({type: 'summary', interrupted: false, stalled: true, queued: 10});
		expect(h.proc.stderr.written).toBe('sms-dash: stopped: 10 messages wait and no sender is left to send them\n');
	});

	it('a run that finishes: not interrupted, exit 0, and a late signal changes nothing', async () => {
		const h = headless({messages: 50, speed: 1000});
		await vi.advanceTimersByTimeAsync(5000);
		h.proc.emit('SIGINT');
		expect(await h.exit).toBe(0);
		expect(h.lines().at(-1)).toMatchObject({type: 'summary', interrupted: false, sent: expect.any(Number)});
	});
});

describe('what a descriptor is', () => {
	it('isTerminal says what tty.isatty says: no for /dev/null, a file, a closed descriptor', () => {
		const fds = [openSync('/dev/null', 'r'), openSync(join(root, 'package.json'), 'r')];
		try {
			for (const fd of fds) {
				expect(isatty(fd)).toBe(false);
				expect(isTerminal(fd)).toBe(false);
			}
		} finally {
			for (const fd of fds) closeSync(fd);
		}

		expect(isTerminal(fds[0]!)).toBe(isatty(fds[0]!));
		for (const std of [0, 1, 2]) expect(isTerminal(std)).toBe(isatty(std));
	});

	it('a file and a character device that is no terminal are files; a closed descriptor is not', () => {
		const fds = [openSync('/dev/null', 'r'), openSync(join(root, 'package.json'), 'r')];
		try {
			for (const fd of fds) expect(fdKind(fd)).toBe('file');
			// Told /dev/null is another device, it asks isatty, which says no.
			expect(fdKind(fds[0]!, -1)).toBe('file');
		} finally {
			for (const fd of fds) closeSync(fd);
		}

		expect(fdKind(fds[0]!)).toBe('other');
	});

	it('a file stream writes each text whole and at once, and throws what the file throws', () => {
		const dir = mkdtempSync(join(tmpdir(), 'sms-dash-lifecycle-'));
		const fd = openSync(join(dir, 'out'), 'w');
		try {
			const stream = fileStream(fd);
			stream.write('é, ');
			stream.write(new TextEncoder().encode('bytes, '));
			stream.write('x'.repeat(100_000));
			expect(readFileSync(join(dir, 'out'), 'utf8')).toBe(`é, bytes, ${'x'.repeat(100_000)}`);
		} finally {
			closeSync(fd);
			rmSync(dir, {recursive: true});
		}

		expect(() => fileStream(fd).write('gone')).toThrow(expect.objectContaining({code: 'EBADF'}));
	});
});

describe('one owner of signals', () => {
	function sourceFiles(dir: string): string[] {
		return readdirSync(dir, {withFileTypes: true}).flatMap(entry => {
			const path = join(dir, entry.name);
			return entry.isDirectory() ? sourceFiles(path) : [path];
		});
	}

	it('only source/lifecycle.ts names SIGINT, SIGTERM or SIGHUP', () => {
		const naming = sourceFiles(join(root, 'source'))
			.filter(path => /SIG(INT|TERM|HUP)/.test(readFileSync(path, 'utf8')))
			.map(path => path.slice(root.length));
		expect(naming).toEqual(['source/lifecycle.ts']);
	});

	it('no file in source/ui imports a run, the driver or the broker', () => {
		const reaching = sourceFiles(join(root, 'source', 'ui')).filter(path =>
			/from '\.\.\/(runs\/|driver\.js|broker\/|lifecycle\.js)/.test(readFileSync(path, 'utf8').replaceAll(/import type [^;]+;/g, '')),
		);
		expect(reaching).toEqual([]);
		const driverReads = sourceFiles(join(root, 'source', 'ui')).filter(path => readFileSync(path, 'utf8').includes('.driver'));
		expect(driverReads).toEqual([]);
	});
});
