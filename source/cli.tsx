#!/usr/bin/env node
// argv -> Settings -> mode -> a run handed to the lifecycle, and errors -> exit codes.
// Stays thin: parsing lives in config/, the runs in runs/ and broker/, the faces in
// headless.ts and ui/, how a run ends in lifecycle.ts.
import {randomInt} from 'node:crypto';
import {accessSync, constants, readFileSync, statSync} from 'node:fs';
import {dirname, resolve} from 'node:path';
import {ConfigError} from './config/error.js';
import {mainCommand, parseCommandLine} from './config/flags.js';
import {resolveSettings} from './config/resolve.js';
import {headlessRun} from './headless.js';
import {createLifecycle, type Lifecycle} from './lifecycle.js';
import {chooseMode} from './mode.js';
import {createRun, type RunOptions} from './runs/in-process.js';
import {resolveSizeQuery, sizeCommand, sizeRun} from './size/cli.js';

async function main(lifecycle: Lifecycle): Promise<number> {
	if (process.argv[2] === 'size') return size(lifecycle);
	if (process.argv[2] === 'worker') {
		const {runWorkerCommand} = await import('./broker/cli.js');
		return runWorkerCommand(process.argv.slice(3), lifecycle);
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
	const isDashboard = mode === 'dashboard';
	const hooks: RunOptions = {
		onDone() {
			if (!isDashboard || settings.exitOnDone) lifecycle.end('done');
		},
		// The dashboard waits: a sender can still be added with `a`.
		onStall() {
			if (!isDashboard) lifecycle.end('stall');
		},
		onWriteError: () => lifecycle.end('broken'),
		onAbort: () => lifecycle.end('abort'),
		// Each publish is a React render and an Ink frame: 10 a second keeps it lively and
		// leaves the CPU to the simulation (measured in bench/dashboard.js).
		...(isDashboard ? {trackSenders: true, publishEveryMs: 100} : {}),
	};
	let dashboard: typeof import('./ui/dashboard.js') | undefined;
	if (isDashboard) {
		// React picks its build when it is first imported (the bundle in dist/ has the
		// production build compiled in; this is for running the sources unbundled).
		const env = process.env;
		env['NODE_ENV'] ??= 'production';
		dashboard = await import('./ui/dashboard.js');
	}

	let noWorkers: string | undefined;
	let run;
	if (broker === undefined) run = createRun(settings, hooks);
	else {
		const {createBrokerRun} = await import('./broker/run.js');
		run = await createBrokerRun(settings, broker, {
			...hooks,
			onNoWorkers(line) {
				noWorkers = line;
				lifecycle.end('failed');
			},
		});
	}

	const code = await lifecycle.drive(
		dashboard === undefined ? headlessRun(run, settings.json, lifecycle.io, settings) : dashboard.dashboardRun(run, settings, lifecycle.io),
	);
	// After the summary, as a stalled run's line is.
	if (noWorkers !== undefined) lifecycle.io.err(`sms-dash: ${noWorkers}\n`);
	return code;
}

async function size(lifecycle: Lifecycle): Promise<number> {
	const flags = parseCommandLine(sizeCommand, process.argv.slice(3), import.meta);
	const query = resolveSizeQuery(flags);
	return lifecycle.drive(sizeRun(query, {isJson: flags.json === true, isTTY: process.stderr.isTTY === true}, lifecycle.io));
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

// Signals are heard from here on, before anything slow (loading the dashboard, reaching
// Redis): one that comes while the run is built still ends it with its summary and 130.
const lifecycle = createLifecycle(process);
try {
	process.exitCode = await main(lifecycle);
} catch (error) {
	if (error instanceof ConfigError) {
		// One line, whatever a value echoed into it held.
		const line = error.message.replaceAll(/[\r\n]+/g, ' ');
		lifecycle.io.err(`sms-dash: ${line.length > 400 ? `${line.slice(0, 400)}…` : line}\n`);
		process.exitCode = 2;
	} else {
		lifecycle.io.err(`sms-dash: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
		process.exitCode = 1;
	}

	// No run was driven: stop listening now.
	lifecycle.dispose();
}
