// The one owner of how a run ends, in every mode (in-process, broker producer, worker,
// size; headless or the dashboard): signals, a closed pipe or terminal, a failed write,
// and the exit code. The command line builds a run and hands it here; no other module
// listens for signals or for stdout's errors.
import {closeSync, fstatSync, statSync, writeSync} from 'node:fs';
import {createRequire} from 'node:module';
import {describeWriteError} from './write-error.js';

/**
 * Why a run ended; the first reason wins.
 * - `done`: it finished by itself; `quit`: the user quit (`q`)
 * - `signal`: SIGINT, SIGTERM, SIGHUP, or Ctrl+C typed into the dashboard
 * - `stall`: messages wait and nothing can ever send them
 * - `abort`: --abort-on-fail, a threshold can no longer pass (exit 3)
 * - `pipe`: stdout's reader went away (EPIPE, `| head`): a normal end
 * - `terminal`: the terminal closed under the run (EIO)
 * - `broken`: an output could not be written (stdout, --log); `failed`: the run itself failed
 */
export type Ending = 'done' | 'quit' | 'abort' | 'signal' | 'stall' | 'pipe' | 'terminal' | 'broken' | 'failed';

/** What a run says once it has finished writing; the lifecycle turns it into the exit code. */
export interface Verdict {
	/** The run's own code when it ended by itself or was quit: 0, or 3 (a threshold crossed, no size answer). */
	code?: number;
	/** An output file (--log, --report) could not be written: exit 1. */
	hasWriteErrors?: boolean;
}

/** A run as the lifecycle drives it. */
export interface Run {
	/** Starts it; the run (or its face) calls `end` when it is over by itself, or the user quits. */
	start(end: (ending: Ending) => void): void | Promise<void>;
	/**
	 * Called once, whatever ended the run (also when it was never started: a signal came
	 * while it was being built). Stops it and writes what it leaves: the last readings, the
	 * summary, --log and --report. Signals are still heard meanwhile (see hurry).
	 */
	finish(ending: Ending): Verdict | Promise<Verdict>;
	/** Another signal while finishing (a second Ctrl+C): cut what waits short, e.g. hand messages back. */
	hurry?(): void;
}

/** The streams a run writes to, guarded: nothing is written to a stdout that went away. */
export interface Io {
	/** Data (readings, summary) to stdout, until it closes or fails. */
	out(text: string | Uint8Array): void;
	/** Diagnostics to stderr; a stderr that cannot be written is ignored. */
	err(text: string): void;
	/** stdout went away (closed pipe, closed terminal, a failed write). */
	readonly isOutGone: boolean;
	/** Bytes given to out() that stdout's reader has not taken yet (it reads slowly, or stopped). */
	readonly outBacklog: number;
	/** Calls `callback` once, when stdout's reader has taken the backlog. */
	onOutDrained(callback: () => void): void;
}

interface Stream {
	write(text: string | Uint8Array): unknown;
	/** Bytes written but not yet taken by the reader (a pipe whose reader stopped reading). */
	readonly writableLength?: number;
	once?(event: 'drain', listener: () => void): unknown;
	on(event: 'error', listener: (error: Error) => void): unknown;
	off(event: 'error', listener: (error: Error) => void): unknown;
}

type Signal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';
const signals: readonly Signal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The process as the lifecycle sees it (tests pass a fake). */
export interface Edges {
	on(event: Signal, listener: () => void): unknown;
	off(event: Signal, listener: () => void): unknown;
	stdout: Stream;
	stderr: Stream;
	/**
	 * Runs `callback` after `ms` without keeping the process alive (tests pass a fake).
	 * @default an unref'd setTimeout
	 */
	later?(callback: () => void, ms: number): void;
	/** Ends the process now (process.exit); absent in tests. */
	exit?(code: number): void;
	/**
	 * Calls `callback` once when the process is about to end by itself: its work all done,
	 * before Node's teardown closes the signal handlers (process 'exit').
	 */
	onTeardown?(callback: () => void): void;
	/** Lets go of a terminal that went away, before exit (see processEdges). */
	releaseTerminal?(): void;
}

/**
 * After a run has finished its writes the process may live on a moment (Ink's last throttled
 * frame): a second Ctrl+C then must not kill it with another exit code. Signals are answered
 * this long after the end, then the listeners go.
 */
const lingerMs = 1000;

export interface Lifecycle {
	readonly io: Io;
	/**
	 * Ends the run (a run's own hooks: done, stalled, --log broken); the first ending wins.
	 * Before drive() it is kept, and the run is finished as soon as it is handed over.
	 */
	end(ending: Ending): void;
	/**
	 * Drives `run` to its end; resolves with the exit code. Its listeners are removed a
	 * moment later (signals are still answered while the process ends).
	 */
	drive(run: Run): Promise<number>;
	/** No run after all (bad input, a failed start): stop listening. Idempotent. */
	dispose(): void;
	/**
	 * The process's end, once everything is written: at once when the terminal went away
	 * (before Node's own teardown); else the process ends by itself when stdout is flushed,
	 * and a signal meanwhile (a reader that stopped reading) ends it at once with `code`.
	 */
	leave(code: number): void;
}

/** /dev/null's device number (undefined where there is none). */
const nullDeviceOf = () => statSync('/dev/null', {throwIfNoEntry: false})?.rdev;

/**
 * What `fd` is, as Node tells it when it makes process.stdout: a terminal (as tty.isatty()
 * says), a file (a regular file, or a character device that is no terminal: /dev/null,
 * /dev/full), or something else (a pipe, a socket, a closed descriptor). Only a character
 * device other than /dev/null (the stdin or output of a run under cron, CI or a benchmark)
 * loads Node's tty module (and net, which it loads), a few ms of start-up.
 */
export function fdKind(fd: number, nullDevice = nullDeviceOf()): 'terminal' | 'file' | 'other' {
	let device;
	try {
		device = fstatSync(fd);
	} catch {
		return 'other';
	}

	if (device.isFile()) return 'file';
	if (!device.isCharacterDevice()) return 'other';
	if (device.rdev === nullDevice) return 'file';
	const tty = createRequire(import.meta.url)('node:tty') as typeof import('node:tty');
	return tty.isatty(fd) ? 'terminal' : 'file';
}

/** Whether `fd` is a terminal, as tty.isatty() says. */
export const isTerminal = (fd: number, nullDevice = nullDeviceOf()): boolean => fdKind(fd, nullDevice) === 'terminal';

/**
 * stdout or stderr when it is a file: each write made at once and whole, as Node's own
 * stream for a file (SyncWriteStream) makes it, and a failed one (ENOSPC) thrown to the
 * writer as there; without loading Node's stream library, a tenth of a headless run's start-up.
 */
export function fileStream(fd: number): Stream {
	return {
		write(text) {
			const bytes = typeof text === 'string' ? Buffer.from(text) : text;
			for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
			return true;
		},
		on: () => undefined,
		off: () => undefined,
	};
}

/** The real process as the lifecycle sees it. */
export function processEdges(): Edges {
	// Asked now: once the terminal has gone, isatty() says no (its attributes cannot be read).
	const nullDevice = nullDeviceOf();
	const kinds = [0, 1, 2].map(fd => fdKind(fd, nullDevice));
	const terminalFds = [0, 1, 2].filter(fd => kinds[fd] === 'terminal');
	// Node's process.stdout for a pipe or a terminal (its buffering, drain and EPIPE); its
	// behaviour, without its streams, for a file.
	const isPosix = process.platform !== 'win32';
	return {
		on: (signal, listener) => process.on(signal, listener),
		off: (signal, listener) => process.off(signal, listener),
		stdout: isPosix && kinds[1] === 'file' ? fileStream(1) : process.stdout,
		stderr: isPosix && kinds[2] === 'file' ? fileStream(2) : process.stderr,
		exit: code => process.exit(code),
		onTeardown: callback => process.once('exit', callback),
		// Its descriptors are closed so that Node's own teardown does not try to restore the
		// terminal (Node 20 aborts there, exit 134: nodejs/node#58200).
		releaseTerminal() {
			for (const fd of terminalFds) {
				try {
					closeSync(fd);
				} catch {
					// Already closed.
				}
			}
		},
	};
}

/** Exit codes (DESIGN.md): 0 finished, 3 a threshold crossed, 130 interrupted, 1 anything else. */
export function exitCodeOf(ending: Ending, verdict: Verdict): number {
	if (verdict.hasWriteErrors) return 1;
	switch (ending) {
		case 'done':
		case 'quit': {
			return verdict.code ?? 0;
		}

		case 'signal':
		case 'terminal': {
			return 130;
		}

		case 'pipe': {
			return 0;
		}

		case 'abort': {
			return verdict.code ?? 3;
		}

		default: {
			return 1;
		}
	}
}

/**
 * Starts listening at once (call it before anything slow: a signal that comes while the
 * run is built still ends it with its summary and exit 130).
 */
export function createLifecycle(edges: Edges): Lifecycle {
	let ending: Ending | undefined;
	let isOutGone = false;
	/** stdout failed (a full disk), not merely closed: whatever ended the run, exit 1. */
	let isOutBroken = false;
	let isDisposed = false;
	let finishing: Promise<Verdict> | undefined;
	let isFinished = false;
	let run: Run | undefined;
	let onEnded: (() => void) | undefined;
	/** The exit code, once the run has finished: a signal after that ends the process with it. */
	let finalCode: number | undefined;
	/** A SIGHUP or EIO: the terminal is (likely) gone. */
	let isTerminalGone = false;

	/** Ends the process at once (a reader that stopped reading would keep it alive for ever). */
	const exitNow = (code: number) => {
		if (edges.exit === undefined) return;
		if (isTerminalGone) edges.releaseTerminal?.();
		edges.exit(code);
	};

	const end = (why: Ending) => {
		if (ending !== undefined) return;
		ending = why;
		onEnded?.();
	};

	const onSignal = (signal?: Signal) => {
		if (signal === 'SIGHUP') isTerminalGone = true;
		if (ending === undefined) end('signal');
		else if (finishing !== undefined && !isFinished) run?.hurry?.();
		// Everything is written that will be: the process only waits for stdout's reader.
		else if (finalCode !== undefined) exitNow(finalCode);
	};

	const onOutError = (error: NodeJS.ErrnoException) => {
		if (isOutGone) return;
		isOutGone = true;
		if (error.code === 'EPIPE') end('pipe');
		else if (error.code === 'EIO') {
			isTerminalGone = true;
			end('terminal');
		}
		else {
			isOutBroken = true;
			io.err(`sms-dash: stdout: cannot write (${describeWriteError(error)})\n`);
			end('broken');
		}
	};

	/** Nowhere left to say anything: the exit code still tells. Never removed (a late error is no crash). */
	const onErrError = () => {};
	/** After the end a stdout error (a stalled reader that finally goes away) has nothing to stop. */
	const onLateOutError = () => {};

	const io: Io = {
		out(text) {
			if (isOutGone) return;
			try {
				edges.stdout.write(text);
			} catch (error) {
				onOutError(error as NodeJS.ErrnoException);
			}
		},
		err(text) {
			try {
				edges.stderr.write(text);
			} catch {
				// As onErrError.
			}
		},
		get isOutGone() {
			return isOutGone;
		},
		get outBacklog() {
			return edges.stdout.writableLength ?? 0;
		},
		onOutDrained(callback) {
			if (edges.stdout.once === undefined || io.outBacklog === 0) queueMicrotask(callback);
			else edges.stdout.once('drain', callback);
		},
	};

	for (const signal of signals) edges.on(signal, onSignal);
	edges.stdout.on('error', onOutError);
	edges.stderr.on('error', onErrError);

	function dispose(): void {
		if (isDisposed) return;
		isDisposed = true;
		for (const signal of signals) edges.off(signal, onSignal);
		edges.stdout.off('error', onOutError);
		edges.stderr.off('error', onErrError);
		if (edges.exit !== undefined) {
			edges.stdout.on('error', onLateOutError);
			edges.stderr.on('error', onErrError);
		}
	}

	/** Listening stops once stdout's last bytes are taken (until then a signal ends the process). */
	function disposeWhenFlushed(): void {
		if ((edges.stdout.writableLength ?? 0) > 0 && edges.stdout.once !== undefined) edges.stdout.once('drain', disposeWhenFlushed);
		else dispose();
	}

	const later = (callback: () => void, ms: number) => {
		if (edges.later === undefined) setTimeout(callback, ms).unref();
		else edges.later(callback, ms);
	};

	async function drive(given: Run): Promise<number> {
		run = given;
		try {
			const ended = new Promise<void>(resolve => {
				onEnded = resolve;
				if (ending !== undefined) resolve();
			});
			if (ending === undefined) {
				// Not awaited: a signal during a slow start (a worker adding its senders) ends the run at once.
				Promise.resolve()
					.then(async () => given.start(end))
					.catch((error: unknown) => {
						if (ending !== undefined) return;
						io.err(`sms-dash: ${error instanceof Error ? error.message : String(error)}\n`);
						end('failed');
					});
			}

			await ended;
			const why = ending!;
			finishing = Promise.resolve(given.finish(why));
			const verdict = await finishing;
			// A failed write of the summary is reported on the next tick (Node's streams).
			await new Promise<void>(resolve => {
				process.nextTick(resolve);
			});
			const code = isOutBroken ? 1 : exitCodeOf(why, verdict);
			isFinished = true;
			finalCode = code;
			later(disposeWhenFlushed, lingerMs);
			// Node's teardown closes the signal handlers some milliseconds before the process is
			// gone, and a signal then (a second Ctrl+C) would kill it by that signal instead of
			// this exit code. Once all is done the process ends here, the handlers still in place.
			edges.onTeardown?.(() => {
				exitNow(code);
			});
			return code;
		} catch (error) {
			dispose();
			throw error;
		}
	}

	function leave(code: number): void {
		if (isTerminalGone) exitNow(code);
		// A signal asked for the end: a reader that has not taken the last output a moment
		// later (it stopped reading) is not waited for.
		else if (ending === 'signal' && (edges.stdout.writableLength ?? 0) > 0) later(() => exitNow(code), lingerMs);
	}

	return {io, end, drive, dispose, leave};
}
