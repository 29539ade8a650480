#!/usr/bin/env node
// argv -> Settings -> mode -> run, and errors -> exit codes. Stays thin: parsing lives
// in config/, the run in run.ts, the faces in headless.ts and ui/.
import {randomInt} from 'node:crypto';
import {accessSync, constants, readFileSync, statSync} from 'node:fs';
import {dirname, resolve} from 'node:path';
import {ConfigError} from './config/error.js';
import {mainCommand, parseCommandLine} from './config/flags.js';
import {resolveSettings} from './config/resolve.js';
import {printHeadless} from './headless.js';
import {chooseMode} from './mode.js';
import {createRun, exitCodeOf} from './run.js';
import {resolveSizeQuery, runSize, sizeCommand} from './size/cli.js';
import type {Settings} from './settings.js';

const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

async function main(): Promise<number> {
	if (process.argv[2] === 'size') return size();
	if (process.argv[2] === 'worker') {
		const {runWorkerCommand} = await import('./broker/cli.js');
		return runWorkerCommand(process.argv.slice(3));
	}

	const flags = parseCommandLine(mainCommand, process.argv.slice(2), import.meta);
	const settings = resolveSettings(flags, {
		readFile: path => readFileSync(path, 'utf8'),
		randomSeed: () => randomInt(0, 2 ** 32 - 1),
	});
	checkWritable('--log', settings.logPath);
	checkWritable('--report', settings.reportPath);
	if (settings.logPath !== undefined && settings.reportPath !== undefined && resolve(settings.logPath) === resolve(settings.reportPath)) {
		throw new ConfigError(`--log and --report name the same file "${settings.logPath}": the report would overwrite the log`);
	}
	const mode = chooseMode({
		isHeadlessFlag: settings.headless,
		isJson: settings.json,
		stdoutIsTTY: process.stdout.isTTY === true,
		stdinIsTTY: process.stdin.isTTY === true,
		env: process.env,
	});
	const broker = flags.broker === undefined ? undefined : {url: flags.broker, queue: flags.queue};
	if (mode === 'dashboard') {
		// React picks its build when it is first imported (the bundle in dist/ has the
		// production build compiled in; this is for running the sources unbundled).
		const env = process.env;
		env['NODE_ENV'] ??= 'production';
		const {runDashboard} = await import('./ui/dashboard.js');
		return runDashboard(settings, broker);
	}

	if (broker !== undefined) {
		const {runBrokerHeadless} = await import('./broker/run.js');
		return runBrokerHeadless(settings, broker);
	}

	return runHeadless(settings);
}

async function size(): Promise<number> {
	const flags = parseCommandLine(sizeCommand, process.argv.slice(3), import.meta);
	const query = resolveSizeQuery(flags);
	return runSize(query, {
		isJson: flags.json === true,
		isTTY: process.stderr.isTTY === true,
		write: text => process.stdout.write(text),
		status: text => process.stderr.write(text),
	});
}

/** Fails before the run when an output file could not be written at the end. */
function checkWritable(flag: string, path: string | undefined): void {
	if (path === undefined) return;
	const full = resolve(path);
	try {
		if (statSync(full, {throwIfNoEntry: false})?.isDirectory()) throw new Error('it is a directory');
		try {
			accessSync(full, constants.W_OK);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
			accessSync(dirname(full), constants.W_OK);
		}
	} catch (error) {
		const reason = error instanceof Error && !('code' in error) ? error.message : describeFsError(error);
		throw new ConfigError(`${flag} ${path}: cannot write there (${reason})`);
	}
}

function describeFsError(error: unknown): string {
	const code = (error as NodeJS.ErrnoException).code;
	if (code === 'ENOENT') return 'no such folder';
	if (code === 'ENOTDIR') return 'a part of the path is a file, not a folder';
	if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
	return code ?? String(error);
}

function runHeadless(settings: Settings): Promise<number> {
	return new Promise(resolvePromise => {
		let isStdoutClosed = false;
		const write = (text: string) => {
			if (!isStdoutClosed) process.stdout.write(text);
		};

		// `sms-dash | head` closes our stdout: stop quietly, still finish log and report.
		process.stdout.on('error', error => {
			if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
			isStdoutClosed = true;
			end('pipe');
		});

		const run = createRun(settings, {onDone: () => end('done'), onStall: () => end('stall'), onWriteError: () => end('error')});
		const endPrinting = printHeadless(run, settings.json, write, text => process.stderr.write(text));
		let hasEnded = false;
		function end(how: 'done' | 'stall' | 'signal' | 'pipe' | 'error') {
			if (hasEnded) return;
			// Signal handlers stay: a second Ctrl+C must not cut the last writes short.
			hasEnded = true;
			const summary = endPrinting();
			if (run.writeErrors.length > 0) {
				resolvePromise(1);
				return;
			}

			if (how === 'stall') {
				const waiting = summary.queued + summary.pending;
				process.stderr.write(`sms-dash: stopped: ${waiting} messages wait and no sender is left to send them\n`);
				resolvePromise(1);
				return;
			}

			resolvePromise(how === 'pipe' ? 0 : exitCodeOf(summary, how === 'signal'));
		}

		function onSignal() {
			end('signal');
		}

		for (const signal of signals) process.on(signal, onSignal);
		run.store.getState().actions.start();
	});
}

try {
	process.exitCode = await main();
} catch (error) {
	if (error instanceof ConfigError) {
		// One line, whatever a value echoed into it held.
		const line = error.message.replaceAll(/[\r\n]+/g, ' ');
		process.stderr.write(`sms-dash: ${line.length > 400 ? `${line.slice(0, 400)}…` : line}\n`);
		process.exitCode = 2;
	} else {
		process.stderr.write(`sms-dash: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
		process.exitCode = 1;
	}
}
