// The library face: a broadcast inside your own program or test suite, without a
// subprocess. simulate() builds the same in-process run the command line builds and ends
// it the same way; size() runs the same search as `sms-dash size`. Never prints or exits.
import {randomInt} from 'node:crypto';
import {ConfigError} from './config/error.js';
import {resolveSettings} from './config/resolve.js';
import type {Summary} from './report.js';
import {settleSenders} from './report/sender-summaries.js';
import {createRun} from './runs/in-process.js';
import {resolveSizeQuery, sizeJson, type SizeFlags} from './size/cli.js';
import {createPool} from './size/pool.js';
import {findSize} from './size/search.js';

export {ConfigError} from './config/error.js';
export type {SenderSummary, Summary} from './report.js';

/**
 * A run's settings, with the keys and values of a config file: `messages`, `senders`
 * (a list of `{mean, failure_rate, distribution, spread, max_wait, failover, count}`),
 * `retries`, `seed`, `interval`, `speed`, `thresholds`, `log`, `report`… in snake_case or
 * camelCase. Durations are strings with a unit (`"250ms"`) or numbers of seconds.
 */
export type SimulationSettings = Record<string, unknown>;

export interface SimulateOptions {
	/** Stops the run early; the promise then resolves with an interrupted summary. */
	signal?: AbortSignal;
}

/** Where a settings object's values are located in messages: "settings" stands for the file. */
const label = 'settings';

/**
 * Validates `settings` as a config file is validated.
 * @throws {ConfigError} the CLI's one-line message, without a file position
 */
function settingsOf(settings: SimulationSettings) {
	if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) {
		throw new ConfigError(`settings must be an object such as {messages: 1000}, got ${Array.isArray(settings) ? 'a list' : String(settings)}`);
	}

	const text = JSON.stringify(settings);
	try {
		return resolveSettings({config: label}, {readFile: () => text, randomSeed: () => randomInt(0, 2 ** 32 - 1)});
	} catch (error) {
		// A file's refusals start "settings:1:37: key ...": the position is in our JSON, not the caller's code.
		if (error instanceof ConfigError) throw new ConfigError(error.message.replace(/^settings:\d+:\d+: /, '').replace(/^--config settings: /, ''));
		throw error;
	}
}

/**
 * Runs one broadcast to its end and resolves with the summary `--report` writes. Unpaced
 * (`speed: "max"`) unless the settings give a speed. A bad setting rejects with a
 * ConfigError carrying the same message the CLI prints; a --log or --report that cannot be
 * written rejects with an Error naming it.
 */
export async function simulate(settings: SimulationSettings = {}, options: SimulateOptions = {}): Promise<Summary> {
	const resolved = settingsOf(settings);
	const hasSpeed = 'speed' in settings;
	return new Promise<Summary>((resolve, reject) => {
		let hasEnded = false;
		const end = (how: 'done' | 'stall' | 'abort' | 'broken') => {
			if (hasEnded) return;
			hasEnded = true;
			options.signal?.removeEventListener('abort', onAbort);
			const summary = run.finish(how === 'stall' ? {isStalled: true} : undefined);
			if (run.writeErrors.length > 0) reject(new Error(run.writeErrors.join('; ')));
			else resolve(settleSenders(summary));
		};

		const onAbort = () => end('abort');
		const run = createRun(
			{...resolved, speed: hasSpeed ? resolved.speed : Number.POSITIVE_INFINITY},
			{onDone: () => end('done'), onStall: () => end('stall'), onWriteError: () => end('broken')},
		);
		if (options.signal?.aborted) {
			end('abort');
			return;
		}

		options.signal?.addEventListener('abort', onAbort);
		run.store.getState().actions.start();
	});
}

/**
 * The question `sms-dash size` answers, with its flags as keys: `messages`, `within`
 * (required, e.g. "10m"), `mean`, `failureRate`, `distribution`, `spread`, `maxWait`,
 * `retries`, `failover`, `seed`, `confidence`, `runs`, `maxSenders`.
 */
export type SizeQuestion = Record<string, string | number>;

/** What `sms-dash size --json` prints; `senders` is null when even maxSenders cannot. */
export interface SizeResult {
	type: 'size';
	senders: number | null;
	confidence: number;
	runs: number;
	messages: number;
	withinMs: number;
	/** How long before the deadline the runs the confidence asks for had finished, at the answer. */
	marginMs: number | null;
	/** The closed-form estimate (null when no count can), one sender's segments/s, what binds. */
	estimate: number | null;
	perSenderRate: number | null;
	bottleneck: 'rate' | 'window' | 'gateway';
	/** What the alert costs at the senders' price (0 without one). */
	cost: number;
	tried: Array<{senders: number; p50Ms: number; p95Ms: number; okRuns: number}>;
}

/**
 * How many senders of one kind deliver `messages` within `within`: the smallest count
 * whose seeded runs finish in time in at least `confidence` of `runs` runs, searched on
 * every core. Rejects a bad question with the CLI's ConfigError message.
 */
export async function size(question: SizeQuestion): Promise<SizeResult> {
	if (question === null || typeof question !== 'object' || Array.isArray(question)) {
		throw new ConfigError('size needs an object such as {messages: 1000, within: "10m"}');
	}

	const flags = Object.fromEntries(Object.entries(question).map(([key, value]) => [key, typeof value === 'number' ? String(value) : value])) as SizeFlags;
	const query = resolveSizeQuery(flags);
	const pool = createPool(query);
	try {
		const answer = await findSize(query, (senders, runIndex) => pool.run(senders, runIndex));
		return JSON.parse(sizeJson(query, answer)) as SizeResult;
	} finally {
		await pool.close();
	}
}
