// Flags + a YAML/JSON config file (+ a --script file, or the report --replay reruns) -> validated
// Settings, or a one-line ConfigError naming the flag or key, with file:line:col for a file. Reads
// files only through io.readFile; never prints, exits or looks at the terminal (cli.tsx, mode.ts do).
import {outcomeFlags, replayFlags, replaySettings} from '../replay.js';
import type {TimedAction} from '../engine/types.js';
import type {Settings} from '../settings.js';
import {parseThreshold, suggest} from '../thresholds.js';
import {refusedWithSmpp} from '../smpp/options.js';
import {deliveryFlagDraft, finishDelivery, type DeliveryDraft} from './delivery.js';
import {ConfigError} from './error.js';
import type {ReadFile} from './file.js';
import {flagLabel, flags as flagDefinitions, meowFlags, type RawFlags} from './flags.js';
import {readReport} from './report-file.js';
import {check, defaults, fail, fileName, flagValue, intervalDuration, limits, positiveDuration, speed, typed, whole, type Origin} from './rules.js';
import {readScript} from './script.js';
import {expand, finishSender, groupOf, readSenderSpec, senderFlagDraft, type SenderDraft, type SenderGroup} from './sender-spec.js';
import {readConfigFile} from './settings-file.js';

/** What resolveSettings may do outside itself. */
export interface ConfigIo {
	/** The file's text; throws (with a Node `code` such as ENOENT or EISDIR) when it cannot. */
	readFile: ReadFile;
	/** A seed for a run whose seed was not given: a whole number 0..2^32-1. */
	randomSeed(): number;
}

/** `--replay <report>`: the report decides the run; the flags may only say how to show it. */
function resolveReplay(flags: RawFlags, path: string, io: ConfigIo): Settings {
	for (const name of outcomeFlags) {
		const value: unknown = flags[name];
		if (value !== undefined && !(Array.isArray(value) && value.length === 0)) {
			const short = (flagDefinitions[name] as {shortFlag?: string}).shortFlag;
			fail(
				{label: short === undefined ? flagLabel(name) : `${flagLabel(name)} (-${short})`},
				`cannot be used with --replay: the report gives the seed, the settings and every change (with --replay, give only ${replayFlags.map(flag => flagLabel(flag)).join(', ')})`,
			);
		}
	}

	const report = readReport(path, io.readFile);
	const extra = (flags.threshold ?? []).map(expr => check(parseThreshold, expr, {label: '--threshold'}));
	return replaySettings(
		report,
		{
			speed: flagValue(flags, 'speed', speed)?.value ?? defaults.speed,
			headless: flags.headless ?? false,
			json: flags.json ?? false,
			logPath: flagValue(flags, 'log', fileName)?.value,
			reportPath: flagValue(flags, 'report', fileName)?.value,
			htmlPath: flagValue(flags, 'html', fileName)?.value,
			exitOnDone: flags.exitOnDone ?? false,
		},
		extra,
		flags.abortOnFail === true,
	);
}

// ---- Flags ---------------------------------------------------------------------------------

function rejectUnknownFlags(flags: RawFlags): void {
	const known = Object.keys(flagDefinitions);
	for (const name of Object.keys(flags)) {
		if (!Object.hasOwn(flagDefinitions, name) && !meowFlags.has(name)) {
			const guess = suggest(name, known);
			fail({label: flagLabel(name)}, `is not a known flag (${guess === undefined ? 'see --help' : `did you mean ${flagLabel(guess)}?`})`);
		}
	}
}

/**
 * With --broker the senders are the workers' unless this process is asked for some: a sender
 * setting (a flag or a file's top-level key) that no sender here would take is refused, not ignored.
 */
function refuseIdleSenderKeys(base: SenderDraft, standing: number, script: readonly TimedAction[]): void {
	if (standing > 0 || script.some(action => 'add' in action)) return;
	const [given] = Object.values(base).filter(value => value !== undefined);
	if (given === undefined) return;
	fail(given.origin, 'sets the senders this process runs, and with --broker it runs none: add -s N or --sender "…", or give it to each sms-dash worker');
}

/**
 * With --smpp the SMSC decides a submit's time and failures, the receipts and its own cap:
 * those keys in a config file or a --sender are refused as their flags are, not ignored.
 */
function refuseSmscSettings(drafts: readonly SenderDraft[], run: DeliveryDraft & {speed?: {origin: Origin}}): void {
	for (const draft of [...drafts, run]) {
		for (const [name, given] of Object.entries(draft) as Array<[string, {origin: Origin} | undefined]>) {
			const why = refusedWithSmpp(name);
			if (given !== undefined && why !== undefined) fail(given.origin, `is refused with --smpp: ${why}`);
		}
	}
}

// ---- Putting it together -------------------------------------------------------------------

/**
 * Flags (as meow returns them for flags.ts) and the files they name -> the run's Settings.
 * Flags override the file; `-s` replaces the file's senders; each `--sender` adds to the list
 * that stands. Every value is validated, a file's too when a flag overrides it.
 * With `--replay`, the report gives what decides the run and outcome flags are refused.
 * @throws {ConfigError} one line naming the flag or key (and file:line:col).
 */
export function resolveSettings(flags: RawFlags, io: ConfigIo): Settings {
	rejectUnknownFlags(flags);
	if (flags.queue !== undefined && flags.broker === undefined) {
		throw new ConfigError('--queue names a broker queue: it needs --broker redis://HOST:PORT');
	}

	if (flags.waitForWorkers !== undefined && flags.broker === undefined) {
		throw new ConfigError('--wait-for-workers waits for broker workers: it needs --broker redis://HOST:PORT');
	}

	if (flags.replay !== undefined) {
		return resolveReplay(flags, flags.replay, io);
	}

	const file = flags.config === undefined ? undefined : readConfigFile(flags.config, io.readFile);
	const top = file?.read ?? {};

	const base: SenderDraft = {...file?.draft, ...senderFlagDraft(flags)};
	const baseSpec = finishSender(base, {});
	const fileGroups = Array.isArray(file?.senders)
		? file.senders.map(entry => groupOf(entry, base))
		: undefined;
	const fileCount = Array.isArray(file?.senders) ? undefined : file?.senders;
	const flagCount = flagValue(flags, 'senders', whole(0, limits.senders));
	const addedEntries = (flags.sender ?? []).map(text => readSenderSpec(text));
	const addedGroups = addedEntries.map(entry => groupOf(entry, base));
	const count = flagCount ?? fileCount;
	// With --broker the senders are the workers': local ones only when asked for.
	const defaultCount = flags.broker === undefined ? defaults.senders : 0;
	const standing: SenderGroup[] =
		flagCount === undefined && fileGroups !== undefined
			? fileGroups
			: [{spec: baseSpec, count: count?.value ?? defaultCount, origin: count?.origin ?? {label: '--senders'}}];

	const messages = flagValue(flags, 'messages', whole(0, limits.messages)) ?? top.messages;
	const interval = flagValue(flags, 'interval', typed(intervalDuration)) ?? top.interval;
	const retries = flagValue(flags, 'retries', whole(0, limits.retries)) ?? top.retries;
	const seed = flagValue(flags, 'seed', whole(0, limits.seed)) ?? top.seed;
	const runSpeed = flagValue(flags, 'speed', speed) ?? top.speed;
	const flagThresholds = (flags.threshold ?? []).map(expr => check(parseThreshold, expr, {label: '--threshold'}));
	const waitForWorkers = flagValue(flags, 'waitForWorkers', typed(positiveDuration));
	const senders = expand([...standing, ...addedGroups]);
	if (flags.smpp !== undefined) {
		const fileEntries = Array.isArray(file?.senders) ? file.senders : [];
		refuseSmscSettings([base, ...fileEntries.map(entry => entry.draft), ...addedEntries.map(entry => entry.draft)], {...file?.delivery, speed: top.speed});
	}

	// A flag replaces the file's key as a whole (`--delivery` the file's whole delivery map).
	const delivery = finishDelivery({...file?.delivery, ...deliveryFlagDraft(flags, io.readFile)});
	const script = flags.script === undefined ? [] : readScript(flags.script, io.readFile, base, senders.length, messages?.value ?? defaults.messages);
	if (flags.broker !== undefined) refuseIdleSenderKeys(base, senders.length, script);

	return {
		messages: messages?.value ?? defaults.messages,
		senders,
		retries: retries?.value ?? defaults.retries,
		seed: seed?.value ?? io.randomSeed(),
		intervalMs: interval?.value ?? defaults.intervalMs,
		...delivery,
		speed: runSpeed?.value ?? defaults.speed,
		headless: flags.headless ?? top.headless?.value ?? false,
		json: flags.json ?? top.json?.value ?? false,
		logPath: flagValue(flags, 'log', fileName)?.value ?? top.log?.value,
		reportPath: flagValue(flags, 'report', fileName)?.value ?? top.report?.value,
		htmlPath: flagValue(flags, 'html', fileName)?.value ?? top.html?.value,
		exitOnDone: flags.exitOnDone ?? top.exitOnDone?.value ?? false,
		thresholds: flagThresholds.length > 0 ? flagThresholds : (file?.thresholds ?? []),
		script,
		isSeedGiven: seed !== undefined,
		...((flags.abortOnFail ?? top.abortOnFail?.value) === true ? {abortOnFail: true as const} : {}),
		...(waitForWorkers === undefined ? {} : {waitForWorkersMs: waitForWorkers.value}),
	};
}
