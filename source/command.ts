// argv -> Settings -> mode -> a run handed to the lifecycle, and errors -> exit codes.
// Loaded by cli.tsx once the lifecycle listens. Stays thin: parsing lives in config/, the
// runs in runs/ and broker/, the faces in headless.ts and ui/, how a run ends in lifecycle.ts.
import {ConfigError, errorLine} from './config/error.js';
import {mainCommand, TextRequest} from './config/flags.js';
import {quickFlags, quickVersion} from './config/quick-flags.js';
import {textFilePath} from './config/delivery.js';
import {resolveSettings} from './config/resolve.js';
import {headlessRun} from './headless.js';
import {checkDistinct, checkWritable, inputCap, readInput, reportCap} from './input-files.js';
import type {Lifecycle} from './lifecycle.js';
import {chooseMode} from './mode.js';
import {disagreement} from './replay.js';
import {bindSpecOf, smppCommandOf} from './smpp/options.js';
import {createRun, type RunOptions} from './runs/in-process.js';

async function main(lifecycle: Lifecycle): Promise<number> {
	if (process.argv[2] === 'size') return size(lifecycle);
	if (process.argv[2] === 'worker') {
		const {runWorkerCommand} = await import('./broker/cli.js');
		return runWorkerCommand(process.argv.slice(3), lifecycle);
	}

	if (process.argv[2] === 'smsc') {
		const {runSmscCommand} = await import('./smpp/smsc-cli.js');
		return runSmscCommand(process.argv.slice(3), lifecycle);
	}

	// meow (parse.ts) is loaded only for what the quick parser leaves: help, version, mistakes.
	const argv = process.argv.slice(2);
	const version = quickVersion(argv);
	if (version !== undefined) throw new TextRequest(version);
	const flags = quickFlags(mainCommand, argv) ?? (await import('./config/parse.js')).parseCommandLine(mainCommand, argv, import.meta);
	const smpp = smppCommandOf(flags);
	const resolved = resolveSettings(flags, {
		readFile: path => readInput(path, path === flags.replay ? reportCap : inputCap),
		// Any 32-bit number will do, and the run prints it; V8 seeds Math.random from the
		// system's entropy, and node:crypto would take longer to load than the run to start.
		randomSeed: () => Math.floor(Math.random() * (2 ** 32 - 1)),
	});
	const settings = smpp === undefined ? resolved : {...resolved, smpp: smpp.target.display, senders: resolved.senders.map(bindSpecOf)};
	// Every file the run writes.
	const outputs = [
		['--log', settings.logPath],
		['--report', settings.reportPath],
		['--html', settings.htmlPath],
	] as const;
	for (const [flag, path] of outputs) checkWritable(flag, path);
	checkDistinct(outputs, [
		['--config', flags.config],
		['--script', flags.script],
		['--replay', flags.replay],
		['--text', textFilePath(flags.text)],
	]);
	const mode = chooseMode({
		isHeadlessFlag: settings.headless,
		isDashboardFlag: flags.headless === false,
		isJson: settings.json,
		// Read only if they decide (not with --headless): making process.stdin or stdout
		// loads Node's streams, a tenth of a headless run's start-up.
		get stdoutIsTTY() {
			return process.stdout.isTTY === true;
		},
		get stdinIsTTY() {
			return process.stdin.isTTY === true;
		},
		env: process.env,
	});
	const broker = flags.broker === undefined ? undefined : {url: flags.broker, queue: flags.queue};
	const isDashboard = mode === 'dashboard';
	// Loaded only when asked for: a run without --html never reads the page or uPlot.
	const html = settings.htmlPath === undefined ? undefined : (await import('./report/html.js')).createRunHtml;
	const hooks: RunOptions = {
		html,
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
		...(isDashboard ? {trackSenders: true, publishEveryMs: 100} : {showsSenders: false}),
	};
	let dashboard: typeof import('./ui/dashboard.js') | undefined;
	if (isDashboard) {
		// React picks its build when it is first imported (the bundle in dist/ has the
		// production build compiled in; this is for running the sources unbundled).
		const env = process.env;
		env['NODE_ENV'] ??= 'production';
		// Ink reads CI (and CONTINUOUS_INTEGRATION) as it loads and then draws only the last
		// frame: the mode is chosen above (--no-headless wins over CI), so Ink must not choose again.
		delete env['CI'];
		delete env['CONTINUOUS_INTEGRATION'];
		dashboard = await import('./ui/dashboard.js');
	}

	let noWorkers: string | undefined;
	let run;
	if (smpp !== undefined) {
		const {createSmppRun} = await import('./smpp/run.js');
		run = await createSmppRun(settings, smpp, hooks);
	} else if (broker === undefined) run = createRun(settings, hooks);
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
	// A finished replay reproduces its report's figures exactly; say so when it did not.
	const replayed = settings.recorded === undefined || code === 130 ? undefined : run.finish();
	const differs = replayed === undefined || replayed.interrupted || replayed.abortedBy !== undefined ? undefined : disagreement(settings.recorded!, replayed);
	if (differs !== undefined) {
		lifecycle.io.err(`sms-dash: ${errorLine(`--replay ${flags.replay}: the replay does not agree with the report (${differs}): the report was edited or written by another version`)}\n`);
	}
	return code;
}

async function size(lifecycle: Lifecycle): Promise<number> {
	const [{parseCommandLine}, {resolveSizeQuery, sizeCommand, sizeHtmlPath, sizeRun}] = await Promise.all([import('./config/parse.js'), import('./size/cli.js')]);
	const flags = parseCommandLine(sizeCommand, process.argv.slice(3), import.meta);
	const query = resolveSizeQuery(flags);
	const htmlPath = sizeHtmlPath(flags);
	checkWritable('--html', htmlPath);
	checkDistinct([['--html', htmlPath]], [['--text', textFilePath(flags.text)]]);
	return lifecycle.drive(sizeRun(query, {isJson: flags.json === true, isTTY: process.stderr.isTTY === true, htmlPath}, lifecycle.io));
}

/** Runs the command line under `lifecycle`; resolves with the exit code. */
export async function runCommandLine(lifecycle: Lifecycle): Promise<number> {
	try {
		return await main(lifecycle);
	} catch (error) {
		if (error instanceof TextRequest) {
			// --help, --version: printed through the lifecycle, so a closed or full stdout is answered too.
			return lifecycle.drive({
				start(end) {
					lifecycle.io.out(error.text);
					end('done');
				},
				finish: () => ({}),
			});
		}

		// No run was driven: stop listening now.
		lifecycle.dispose();
		if (error instanceof ConfigError) {
			// One line, whatever a value echoed into it held.
			lifecycle.io.err(`sms-dash: ${errorLine(error.message)}\n`);
			return 2;
		}

		lifecycle.io.err(`sms-dash: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
		return 1;
	}
}
