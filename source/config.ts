// Flags + a YAML/JSON config file (+ a --script file, or the report --replay reruns) -> validated
// Settings, or a one-line ConfigError naming the flag or key, with file:line:col for a file. Reads
// files only through io.readFile; never prints, exits or looks at the terminal (cli.tsx, mode.ts do).
import {createRequire} from 'node:module';
import * as v from 'valibot';
import type * as Yaml from 'yaml';
import {flags as flagDefinitions, type RawFlags} from './cli-flags.js';
import {formatDuration, parseDuration, ValueError} from './duration.js';
import {formatCount} from './format.js';
import {distributions, type Distribution, type SenderSpec, type TimedAction} from './engine/types.js';
import type {Settings, Threshold} from './settings.js';
import {outcomeFlags, replayFlags, replaySettings, type Replayable} from './replay.js';
import {parseThreshold, suggest} from './thresholds.js';

/** Bad input: the message is one line that names the flag or key (`file:line:col: key ...` for a file). */
export class ConfigError extends Error {
	override name = 'ConfigError';
}

/** What resolveSettings may do outside itself. */
export interface ConfigIo {
	/** The file's text; throws (with a Node `code` such as ENOENT or EISDIR) when it cannot. */
	readFile(path: string): string;
	/** A seed for a run whose seed was not given: a whole number 0..2^32-1. */
	randomSeed(): number;
}

/** Values used when neither a flag nor the file gives one (DESIGN.md "Command line"). */
export const defaults = {
	messages: 1000,
	senders: 3,
	meanMs: 100,
	failureRate: 0.1,
	distribution: 'gamma',
	intervalMs: 1000,
	retries: 0,
	speed: 1,
} as const satisfies Record<string, number | Distribution>;

/** Largest accepted values; the messages that refuse more say the limit. */
export const limits = {messages: 1e9, senders: 100_000, retries: 100, seed: 2 ** 32 - 1} as const;

// ---- Where a value came from, for messages -------------------------------------------------

/** A flag (`--mean`), a key inside `--sender "..."`, or a node of a file (located lazily). */
interface Origin {
	label: string;
	locate?: () => string;
}

interface Sourced<T> {
	value: T;
	origin: Origin;
}

function fail(origin: Origin, predicate: string): never {
	const where = origin.locate?.();
	throw new ConfigError(where === undefined ? `${origin.label} ${predicate}` : `${where}: ${origin.label} ${predicate}`);
}

function describe(raw: unknown): string {
	if (typeof raw === 'string') {
		// Long values are cut: the error stays one readable line.
		return raw.length > 40 ? `${JSON.stringify(raw.slice(0, 40))}… (${raw.length} characters)` : JSON.stringify(raw);
	}

	if (raw === null || raw === undefined) {
		return 'nothing';
	}

	if (Array.isArray(raw)) {
		return 'a list';
	}

	return typeof raw === 'object' ? 'a map' : String(raw);
}

// ---- Value rules: raw flag string or file value -> typed value, or ValueError ----------------

type Rule<T> = (raw: unknown) => T;

/** Runs a valibot schema and turns its first issue into our one-line predicate. */
function fromSchema<T>(schema: v.GenericSchema<unknown, T>): Rule<T> {
	return raw => {
		const result = v.safeParse(schema, raw, {abortPipeEarly: true});
		if (result.success) {
			return result.output;
		}

		throw new ValueError(`${result.issues[0].message}, got ${describe(raw)}`);
	};
}

/** A number, or a string that is one ("1000", " 0.5", "1e6"): flags are strings, file values either. */
const numeric = (message: string) =>
	v.union(
		[v.number(message), v.pipe(v.string(message), v.trim(), v.regex(/^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i, message), v.transform(Number))],
		message,
	);

const whole = (min: number, max: number): Rule<number> =>
	fromSchema(
		v.pipe(
			numeric('must be a whole number'),
			v.finite('must be a whole number'),
			v.integer('must be a whole number'),
			v.minValue(min, `must be ${min} or more`),
			v.maxValue(max, `must be at most ${formatCount(max)}`),
		),
	);

const rate: Rule<number> = fromSchema(
	v.pipe(numeric('must be a number between 0 and 1'), v.minValue(0, 'must be between 0 and 1'), v.maxValue(1, 'must be between 0 and 1')),
);

const speedNumber: Rule<number> = fromSchema(
	v.pipe(numeric('must be a number above 0 or "max"'), v.finite('must be a number above 0 or "max"'), v.gtValue(0, 'must be above 0 or "max"')),
);

const speed: Rule<number> = raw => (typeof raw === 'string' && raw.trim().toLowerCase() === 'max' ? Number.POSITIVE_INFINITY : speedNumber(raw));

const duration: Rule<number> = raw => {
	if (typeof raw !== 'string' && typeof raw !== 'number') {
		throw new ValueError(`must be a duration such as 250ms, 1.5s or 0.2 (seconds), got ${describe(raw)}`);
	}

	return parseDuration(raw);
};

const positiveDuration: Rule<number> = raw => {
	const ms = duration(raw);
	if (ms === 0) {
		throw new ValueError(`must be longer than 0, got ${describe(raw)}`);
	}

	return ms;
};

/** The monitor period: at least 1 ms, so a run cannot print millions of lines a second. */
const intervalDuration: Rule<number> = raw => {
	const ms = duration(raw);
	if (ms < 1) {
		throw new ValueError(`must be at least 1ms (0.001 seconds), got ${describe(raw)}`);
	}

	return ms;
};

const distribution: Rule<Distribution> = raw => {
	const text = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
	const found = distributions.find(name => name === text);
	if (found !== undefined) {
		return found;
	}

	const guess = text === undefined ? undefined : suggest(text, distributions);
	const hint = guess === undefined ? '' : ` (did you mean ${guess}?)`;
	throw new ValueError(`must be one of ${distributions.join(', ')}${hint}, got ${describe(raw)}`);
};

const boolean: Rule<boolean> = raw => {
	if (typeof raw !== 'boolean') {
		throw new ValueError(`must be true or false, got ${describe(raw)}`);
	}

	return raw;
};

const fileName: Rule<string> = raw => {
	if (typeof raw !== 'string' || raw.trim() === '') {
		throw new ValueError(`must be a file name, got ${describe(raw)}`);
	}

	return raw;
};

/** A plain number of milliseconds, kept exact: the keys a report writes (`meanMs`, `simMs`). */
const milliseconds: Rule<number> = fromSchema(
	v.pipe(numeric('must be a number of milliseconds'), v.finite('must be a number of milliseconds'), v.minValue(0, 'must not be negative')),
);

const positiveMilliseconds: Rule<number> = raw => {
	const ms = milliseconds(raw);
	if (ms === 0) {
		throw new ValueError(`must be more than 0, got ${describe(raw)}`);
	}

	return ms;
};

/** Kept as written; the caller checks its shape with its own path. */
const anything: Rule<unknown> = raw => raw;

const id = whole(1, Number.MAX_SAFE_INTEGER);

// ---- Key tables: every key a map may hold, its rule, and aliases ----------------------------

interface KeyRule {
	rule: Rule<unknown>;
	/** This key is another name for `alias` (the Rust peer's `num_messages` for `messages`). */
	alias?: string;
}

type Table = Record<string, KeyRule>;
type Read<T extends Table> = {
	[K in keyof T as T[K] extends {alias: string} ? never : K]?: Sourced<ReturnType<T[K]['rule']>>;
};

const senderSettingKeys = {
	mean: {rule: duration},
	meanTime: {rule: duration, alias: 'mean'},
	failureRate: {rule: rate},
	distribution: {rule: distribution},
	spread: {rule: duration},
	maxWait: {rule: duration},
	failover: {rule: duration},
	// A report's `settings.senders` and `actions` spell settings as SenderSpec does, so they
	// can be pasted into a config file or a script as they are.
	meanMs: {rule: milliseconds, alias: 'mean'},
	spreadMs: {rule: milliseconds, alias: 'spread'},
	maxWaitMs: {rule: milliseconds, alias: 'maxWait'},
	failoverMs: {rule: milliseconds, alias: 'failover'},
} as const satisfies Table;

const senderKeys = {...senderSettingKeys, count: {rule: whole(0, limits.senders)}} as const satisfies Table;
const tuneKeys = {sender: {rule: id}, ...senderSettingKeys} as const satisfies Table;

const fileKeys = {
	messages: {rule: whole(0, limits.messages)},
	numMessages: {rule: whole(0, limits.messages), alias: 'messages'},
	senders: {rule: anything},
	interval: {rule: intervalDuration},
	reportPeriod: {rule: intervalDuration, alias: 'interval'},
	retries: {rule: whole(0, limits.retries)},
	seed: {rule: whole(0, limits.seed)},
	speed: {rule: speed},
	...senderSettingKeys,
	thresholds: {rule: anything},
	log: {rule: fileName},
	report: {rule: fileName},
	headless: {rule: boolean},
	json: {rule: boolean},
	exitOnDone: {rule: boolean},
} as const satisfies Table;

const scriptEntryKeys = {
	at: {rule: duration},
	simMs: {rule: milliseconds, alias: 'at'},
	add: {rule: anything},
	remove: {rule: id},
	tune: {rule: anything},
	more: {rule: whole(0, limits.messages)},
} as const satisfies Table;

/** A report's `settings`: what decided its run (report.ts ReportSettings). */
const reportSettingKeys = {
	messages: {rule: whole(0, limits.messages)},
	senders: {rule: anything},
	retries: {rule: whole(0, limits.retries)},
	seed: {rule: whole(0, limits.seed)},
	intervalMs: {
		rule(raw) {
			const ms = positiveMilliseconds(raw);
			if (ms < 1) throw new ValueError(`must be at least 1 (ms), got ${describe(raw)}`);
			return ms;
		},
	},
	thresholds: {rule: anything},
} as const satisfies Table;

type KeyStyle = 'snake' | 'kebab' | 'camel';

const camelCase = (key: string) => key.replace(/[-_]+([a-zA-Z\d])/g, (_, letter: string) => letter.toUpperCase());

function styled(camel: string, style: KeyStyle): string {
	if (style === 'camel') {
		return camel;
	}

	return camel.replaceAll(/[A-Z]/g, letter => (style === 'snake' ? '_' : '-') + letter.toLowerCase());
}

function styleOf(written: string, fallback: KeyStyle): KeyStyle {
	if (written.includes('_')) {
		return 'snake';
	}

	if (written.includes('-')) {
		return 'kebab';
	}

	return /[A-Z]/.test(written) ? 'camel' : fallback;
}

/** One `key: value` as written, with where its key and its value are. */
interface RawEntry {
	key: string;
	value: unknown;
	keyOrigin: Origin;
	valueOrigin: Origin;
}

/**
 * Checks every entry against the table: unknown keys (with a "did you mean"), a key given
 * twice under two spellings, and each value's rule. Keys may be snake_case, camelCase or kebab-case.
 */
function readEntries<T extends Table>(entries: readonly RawEntry[], table: T, fallbackStyle: KeyStyle): Read<T> {
	const read: Record<string, Sourced<unknown> & {written: string}> = {};
	for (const {key, value, keyOrigin, valueOrigin} of entries) {
		const camel = camelCase(key);
		const entry = Object.hasOwn(table, camel) ? table[camel] : undefined;
		if (entry === undefined) {
			const style = styleOf(key, fallbackStyle);
			const known = Object.keys(table).filter(name => table[name]?.alias === undefined);
			const guess = suggest(camel, Object.keys(table));
			const hint = guess === undefined ? `keys: ${known.map(name => styled(name, style)).join(', ')}` : `did you mean ${styled(guess, style)}?`;
			fail(keyOrigin, `is not a known key (${hint})`);
		}

		const target = entry.alias ?? camel;
		const earlier = read[target];
		if (earlier !== undefined) {
			fail(keyOrigin, `repeats ${earlier.written}; give one of them`);
		}

		read[target] = {value: check(entry.rule, value, valueOrigin), origin: valueOrigin, written: key};
	}

	return read as Read<T>;
}

function check<I, T>(rule: (raw: I) => T, raw: I, origin: Origin): T {
	try {
		return rule(raw);
	} catch (error) {
		if (error instanceof ValueError) {
			fail(origin, error.message);
		}

		throw error;
	}
}

// ---- Files: text -> YAML document, with positions for messages -----------------------------

type Path = ReadonlyArray<string | number>;

interface SourceFile {
	name: string;
	doc: Yaml.Document;
	lines: Yaml.LineCounter;
	value: unknown;
}

// yaml takes ~35 ms to load, a third of a headless start-up: only runs given a file pay for it.
// Its Node entry is CommonJS, so require keeps resolveSettings synchronous.
let yamlModule: typeof Yaml | undefined;
const loadYaml = () => (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof Yaml);

function readText(path: string, flag: string, io: ConfigIo): string {
	if (path.trim() === '') {
		fail({label: flag}, 'needs a file name');
	}

	try {
		return io.readFile(path);
	} catch (error) {
		fail({label: flag}, `cannot read ${JSON.stringify(path)}: ${readFailure(error)}`);
	}
}

function readSource(path: string, flag: string, io: ConfigIo): SourceFile {
	const text = readText(path, flag, io);
	const {LineCounter, parseDocument} = loadYaml();
	const lines = new LineCounter();
	const doc = parseDocument(text, {lineCounter: lines, prettyErrors: true});
	const [syntaxError] = doc.errors;
	if (syntaxError !== undefined) {
		const position = syntaxError.linePos?.[0];
		const where = position === undefined ? path : `${path}:${position.line}:${position.col}`;
		const reason = syntaxError.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
		throw new ConfigError(`${where}: not valid YAML or JSON: ${reason}`);
	}

	if (doc.contents === null) {
		fail({label: flag}, `${JSON.stringify(path)} is empty`);
	}

	let value: unknown;
	try {
		value = doc.toJS({maxAliasCount: 1000});
	} catch (error) {
		throw new ConfigError(`${path}: ${error instanceof Error ? error.message : String(error)}`);
	}

	return {name: path, doc, lines, value};
}

/**
 * A JSON file (a --report), read with JSON.parse: a report lists every sender and change,
 * and yaml's document model is slow on large ones. The document, which only locates a
 * node for a message, is parsed when a message needs it.
 */
/** "line:col" of the first syntax error the YAML parser finds, if it finds one. */
function yamlErrorPosition(text: string): string | undefined {
	const {LineCounter, parseDocument} = loadYaml();
	const lines = new LineCounter();
	const position = parseDocument(text, {lineCounter: lines}).errors[0]?.linePos?.[0];
	return position === undefined ? undefined : `${position.line}:${position.col}`;
}

function readJsonSource(path: string, flag: string, io: ConfigIo): SourceFile {
	const text = readText(path, flag, io);
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		// V8: "Unexpected token '}', "{"a": }" is not valid JSON" or "... in JSON at position 6".
		const position = /at position (\d+)/.exec(message)?.[1];
		const reason = message.split(/, "|, \.\.\./)[0]!.replace(/ (?:in JSON )?at position \d+/, '').replaceAll('\n', ' ');
		// Node 20's V8 gives no position for some errors: the YAML parser (JSON is YAML) finds it.
		const at = position === undefined ? yamlErrorPosition(text) : lineColumn(text, Number(position));
		const where = at === undefined ? path : `${path}:${at}`;
		fail({label: flag}, `${JSON.stringify(path)} is not JSON (${where}: ${reason})`);
	}

	let parsed: Pick<SourceFile, 'doc' | 'lines'> | undefined;
	const parse = () => {
		if (parsed === undefined) {
			const {LineCounter, parseDocument} = loadYaml();
			const lines = new LineCounter();
			parsed = {doc: parseDocument(text, {lineCounter: lines}), lines};
		}

		return parsed;
	};

	return {
		name: path,
		value,
		get doc() {
			return parse().doc;
		},
		get lines() {
			return parse().lines;
		},
	};
}

function lineColumn(text: string, offset: number): string {
	const before = text.slice(0, offset).split('\n');
	return `${before.length}:${before.at(-1)!.length + 1}`;
}

function readFailure(error: unknown): string {
	const code = (error as {code?: unknown} | undefined)?.code;
	switch (code) {
		case 'ENOENT': {
			return 'no such file';
		}

		case 'EISDIR': {
			return 'it is a directory';
		}

		case 'EACCES':
		case 'EPERM': {
			return 'permission denied';
		}

		default: {
			return error instanceof Error ? error.message.split('\n')[0]! : String(error);
		}
	}
}

function pathLabel(path: Path): string {
	if (path.length === 0) {
		return 'the file';
	}

	return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('');
}

/** The origin of the node at `path` (its key with part 'key'), located only when a message needs it. */
function originAt(file: SourceFile, path: Path, part: 'key' | 'value' = 'value'): Origin {
	return {
		label: pathLabel(path),
		locate() {
			const offset = offsetAt(file, path, part);
			const position = offset === undefined ? undefined : file.lines.linePos(offset);
			return position === undefined ? file.name : `${file.name}:${position.line}:${position.col}`;
		},
	};
}

function offsetAt(file: SourceFile, path: Path, part: 'key' | 'value'): number | undefined {
	const {isAlias, isMap, isScalar, isSeq} = loadYaml();
	let node: unknown = file.doc.contents;
	let keyNode: unknown;
	let lastFound: unknown = node;
	for (const segment of path) {
		if (isAlias(node)) {
			node = node.resolve(file.doc);
		}

		keyNode = undefined;
		if (isMap(node)) {
			const pair = node.items.find(item => isScalar(item.key) && String(item.key.value) === String(segment));
			keyNode = pair?.key;
			node = pair?.value;
		} else if (isSeq(node) && typeof segment === 'number') {
			node = node.items[segment];
		} else {
			node = undefined;
		}

		if (node === undefined || node === null || (isScalar(node) && node.range?.[0] === node.range?.[1])) {
			// A key with no value (`mean:`) has no value node: point at its key.
			node = undefined;
			lastFound = keyNode ?? lastFound;
			break;
		}

		lastFound = node;
	}

	const target = part === 'key' && keyNode !== undefined ? keyNode : (node ?? lastFound);
	return (target as {range?: readonly number[]} | undefined)?.range?.[0];
}

function isPlainMap(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fileEntries(file: SourceFile, path: Path, map: Record<string, unknown>): RawEntry[] {
	return Object.entries(map).map(([key, value]) => ({
		key,
		value,
		keyOrigin: originAt(file, [...path, key], 'key'),
		valueOrigin: originAt(file, [...path, key]),
	}));
}

// ---- Senders: drafts with origins -> SenderSpec ---------------------------------------------

/** A sender's settings as far as one layer (flags, file top, one entry) gives them. */
interface SenderDraft {
	meanMs?: Sourced<number>;
	failureRate?: Sourced<number>;
	distribution?: Sourced<Distribution>;
	spreadMs?: Sourced<number>;
	maxWaitMs?: Sourced<number>;
	failoverMs?: Sourced<number>;
}

/** A run of `count` identical senders, from the flags, the file or one `--sender`. */
interface SenderGroup {
	spec: SenderSpec;
	count: number;
	/** Where the count (or, without one, the entry) was given. */
	origin: Origin;
}

/** The sender keys of one layer, without the ones it leaves out (so spreading it never erases). */
function draftOf(read: Read<typeof senderSettingKeys>): SenderDraft {
	const draft = {
		meanMs: read.mean,
		failureRate: read.failureRate,
		distribution: read.distribution,
		spreadMs: read.spread,
		maxWaitMs: read.maxWait,
		failoverMs: read.failover,
	};
	return Object.fromEntries(Object.entries(draft).filter(([, sourced]) => sourced !== undefined)) as SenderDraft;
}

/**
 * Fills the keys `own` leaves out from `base` (the flags over the file's top-level keys),
 * then the defaults, and checks spread against the distribution. A spread inherited from
 * `base` is dropped where the entry picks a distribution that has none.
 */
function finishSender(own: SenderDraft, base: SenderDraft, context?: Origin): SenderSpec {
	const meanMs = (own.meanMs ?? base.meanMs)?.value ?? defaults.meanMs;
	const distributionName = (own.distribution ?? base.distribution)?.value ?? defaults.distribution;
	let spread = own.spreadMs ?? base.spreadMs;
	const isInherited = own.spreadMs === undefined && context !== undefined;
	if (spread !== undefined && (distributionName === 'constant' || distributionName === 'exponential')) {
		if (isInherited && own.distribution !== undefined) {
			spread = undefined;
		} else {
			fail(spread.origin, `is refused for the ${distributionName} distribution, which has no spread`);
		}
	}

	if (spread !== undefined) {
		checkSpreadWidth(spread, distributionName, meanMs, isInherited ? context : undefined);
	}

	const maxWait = own.maxWaitMs ?? base.maxWaitMs;
	const failover = own.failoverMs ?? base.failoverMs;
	return {
		meanMs,
		failureRate: (own.failureRate ?? base.failureRate)?.value ?? defaults.failureRate,
		distribution: distributionName,
		...(spread === undefined ? {} : {spreadMs: spread.value}),
		...(maxWait === undefined ? {} : {maxWaitMs: maxWait.value}),
		...(failover === undefined ? {} : {failoverMs: failover.value}),
	};
}

/** Uniform and normal cannot be wider than their mean allows; `heir` is the entry that inherited the spread. */
function checkSpreadWidth(spread: Sourced<number>, name: Distribution, meanMs: number, heir?: Origin): void {
	const rule =
		name === 'uniform' && spread.value > meanMs
			? `at most the mean (${formatDuration(meanMs)}) for the uniform distribution, so that no time is negative`
			: name === 'normal' && spread.value > 2 * meanMs
				? `at most twice the mean (${formatDuration(2 * meanMs)}) for the normal distribution: cut at 0, a wider one keeps its mean only by redrawing most times`
				: undefined;
	if (rule === undefined) {
		return;
	}

	if (heir === undefined) {
		fail(spread.origin, `must be ${rule}, got ${formatDuration(spread.value)}`);
	}

	const where = spread.origin.locate?.();
	const from = where === undefined ? spread.origin.label : `${spread.origin.label} (${where})`;
	fail(heir, `takes spread ${formatDuration(spread.value)} from ${from}, which must be ${rule}`);
}

/** `--sender "mean=50ms,failure-rate=0.2,count=3"` -> the draft and its count. */
function readSenderSpec(spec: string): {draft: SenderDraft; count: Sourced<number> | undefined; origin: Origin} {
	const origin: Origin = {label: `--sender ${JSON.stringify(spec)}`};
	const parts = spec.split(',').map(part => part.trim()).filter(part => part !== '');
	if (parts.length === 0) {
		fail(origin, 'needs settings such as "mean=50ms,failure-rate=0.2"');
	}

	const entries = parts.map((part): RawEntry => {
		const equals = part.indexOf('=');
		if (equals <= 0) {
			fail(origin, `has ${JSON.stringify(part)} where key=value belongs, such as mean=50ms`);
		}

		const key = part.slice(0, equals).trim();
		const keyOrigin: Origin = {label: `${origin.label}: ${key}`};
		return {key, value: part.slice(equals + 1).trim(), keyOrigin, valueOrigin: keyOrigin};
	});
	const read = readEntries(entries, senderKeys, 'kebab');
	return {draft: draftOf(read), count: read.count, origin};
}

// ---- The config file ----------------------------------------------------------------------

interface FileSettings {
	read: Read<typeof fileKeys>;
	draft: SenderDraft;
	/** The file's senders as drafts (a list) or a count (`senders: 5`); undefined when absent. */
	senders: Array<{draft: SenderDraft; count: Sourced<number> | undefined; origin: Origin}> | Sourced<number> | undefined;
	thresholds: Threshold[] | undefined;
}

function readConfigFile(path: string, io: ConfigIo): FileSettings {
	const file = readSource(path, '--config', io);
	if (!isPlainMap(file.value)) {
		fail(originAt(file, []), `must be a map of settings such as "messages: 1000", got ${describe(file.value)}`);
	}

	const read = readEntries(fileEntries(file, [], file.value), fileKeys, 'snake');
	return {read, draft: draftOf(read), senders: readFileSenders(file, read.senders), thresholds: readFileThresholds(file, read.thresholds)};
}

function readFileSenders(file: SourceFile, senders: Sourced<unknown> | undefined): FileSettings['senders'] {
	if (senders === undefined) {
		return undefined;
	}

	const key = senders.origin.label;
	if (!Array.isArray(senders.value)) {
		if (typeof senders.value === 'number' || typeof senders.value === 'string') {
			return {value: check(whole(0, limits.senders), senders.value, senders.origin), origin: senders.origin};
		}

		fail(senders.origin, `must be a list of senders such as [{mean: 50ms, failure_rate: 0.1}] or a count, got ${describe(senders.value)}`);
	}

	return senders.value.map((entry: unknown, index) => {
		const origin = originAt(file, [key, index]);
		if (!isPlainMap(entry)) {
			fail(origin, `must be a map of sender settings such as {mean: 50ms, failure_rate: 0.1}, got ${describe(entry)}`);
		}

		const read = readEntries(fileEntries(file, [key, index], entry), senderKeys, 'snake');
		return {draft: draftOf(read), count: read.count, origin};
	});
}

function readFileThresholds(file: SourceFile, thresholds: Sourced<unknown> | undefined): Threshold[] | undefined {
	if (thresholds === undefined) {
		return undefined;
	}

	const key = thresholds.origin.label;
	const list: unknown[] = Array.isArray(thresholds.value) ? thresholds.value : [thresholds.value];
	return list.map((expr, index) => {
		const origin = Array.isArray(thresholds.value) ? originAt(file, [key, index]) : thresholds.origin;
		if (typeof expr !== 'string') {
			fail(origin, `must be a rule such as "p95<250ms", got ${describe(expr)}`);
		}

		return check(parseThreshold, expr, origin);
	});
}

// ---- The script file ----------------------------------------------------------------------

function readScript(path: string, io: ConfigIo, base: SenderDraft): TimedAction[] {
	const file = readSource(path, '--script', io);
	return readChanges(file, [], file.value, base);
}

/** A list of changes at `at` in `file` (a script, or a report's `actions`), sorted by time. */
function readChanges(file: SourceFile, at: Path, list: unknown, base: SenderDraft): TimedAction[] {
	if (!Array.isArray(list)) {
		fail(originAt(file, at), `must be a list of changes such as [{at: 30s, more: 500}], got ${describe(list)}`);
	}

	const actions = list.flatMap((entry: unknown, index): TimedAction[] => {
		const path = [...at, index];
		const origin = originAt(file, path);
		if (!isPlainMap(entry)) {
			fail(origin, `must be a change such as {at: 30s, more: 500}, got ${describe(entry)}`);
		}

		const read = readEntries(fileEntries(file, path, entry), scriptEntryKeys, 'snake');
		const given = (['add', 'remove', 'tune', 'more'] as const).filter(name => read[name] !== undefined);
		if (read.at === undefined) {
			fail(origin, 'needs at: the simulated time of the change, such as at: 30s');
		}

		if (given.length !== 1) {
			fail(origin, given.length === 0 ? 'needs one of add, remove, tune or more' : `has ${given.join(' and ')}; give one change per entry`);
		}

		const simMs = read.at.value;
		if (read.remove !== undefined) {
			return [{simMs, remove: read.remove.value}];
		}

		if (read.more !== undefined) {
			return [{simMs, more: read.more.value}];
		}

		if (read.add !== undefined) {
			const addOrigin = read.add.origin;
			if (!isPlainMap(read.add.value)) {
				fail(addOrigin, `must be a map of sender settings such as {mean: 50ms, failure_rate: 0.1}, got ${describe(read.add.value)}`);
			}

			const added = readEntries(fileEntries(file, [...path, 'add'], read.add.value), senderKeys, 'snake');
			const spec = finishSender(draftOf(added), base, addOrigin);
			return Array.from({length: added.count?.value ?? 1}, () => ({simMs, add: {...spec}}));
		}

		return [{simMs, tune: readTune(file, [...path, 'tune'], read.tune!)}];
	});
	// Array.prototype.sort is stable: changes at the same time keep the file's order.
	return actions.sort((a, b) => a.simMs - b.simMs);
}

function readTune(file: SourceFile, path: Path, tune: Sourced<unknown>): {sender: number} & Partial<SenderSpec> {
	if (!isPlainMap(tune.value)) {
		fail(tune.origin, `must be a map such as {sender: 2, failure_rate: 1}, got ${describe(tune.value)}`);
	}

	const read = readEntries(fileEntries(file, path, tune.value), tuneKeys, 'snake');
	if (read.sender === undefined) {
		fail(tune.origin, 'needs sender: the id of the sender to change');
	}

	const draft = draftOf(read);
	const patch = Object.fromEntries(Object.entries(draft).map(([key, sourced]) => [key, (sourced as Sourced<unknown>).value])) as Partial<SenderSpec>;
	if (Object.keys(patch).length === 0) {
		fail(tune.origin, 'changes nothing: give one or more of mean, failure_rate, distribution, spread, max_wait, failover');
	}

	// Only what the patch itself says can be checked here; the engine knows the sender's other settings.
	if (draft.spreadMs !== undefined && draft.distribution !== undefined) {
		if (draft.distribution.value === 'constant' || draft.distribution.value === 'exponential') {
			fail(draft.spreadMs.origin, `is refused for the ${draft.distribution.value} distribution, which has no spread`);
		}

		if (draft.meanMs !== undefined) {
			checkSpreadWidth(draft.spreadMs, draft.distribution.value, draft.meanMs.value);
		}
	}

	return {sender: read.sender.value, ...patch};
}

// ---- The report --replay reads -------------------------------------------------------------

/** A --report file -> what decided its run, checked as strictly as a config file and a script. */
function readReport(path: string, io: ConfigIo): Replayable {
	const file = readJsonSource(path, '--replay', io);
	const report = file.value;
	const notReport = (why: string): never => fail({label: '--replay'}, `${JSON.stringify(path)} is not a report written by --report: ${why}`);
	if (!isPlainMap(report)) {
		return notReport(`it holds ${describe(report)}, not a summary`);
	}

	if (report['type'] !== 'summary') {
		notReport('it has no "type": "summary"');
	}

	for (const key of ['settings', 'actions']) {
		if (!Object.hasOwn(report, key)) {
			notReport(`it has no "${key}"`);
		}
	}

	const settingsOrigin = originAt(file, ['settings']);
	if (!isPlainMap(report['settings'])) {
		fail(settingsOrigin, `must be a map of what decided the run, got ${describe(report['settings'])}`);
	}

	const read = readEntries(fileEntries(file, ['settings'], report['settings']), reportSettingKeys, 'camel');
	const {messages, senders, retries, seed, intervalMs} = read;
	if (messages === undefined || senders === undefined || retries === undefined || seed === undefined || intervalMs === undefined) {
		const missing = (['messages', 'senders', 'retries', 'seed', 'intervalMs'] as const).filter(key => read[key] === undefined);
		return fail(settingsOrigin, `has no ${missing.join(', ')}`);
	}

	if (!Array.isArray(senders.value)) {
		fail(senders.origin, `must be a list of senders such as [{"meanMs": 100, "failureRate": 0.1}], got ${describe(senders.value)}`);
	}

	const groups = senders.value.map((entry: unknown, index): SenderGroup => {
		const at = ['settings', 'senders', index];
		const origin = originAt(file, at);
		if (!isPlainMap(entry)) {
			fail(origin, `must be a map of sender settings such as {"meanMs": 100, "failureRate": 0.1}, got ${describe(entry)}`);
		}

		const sender = readEntries(fileEntries(file, at, entry), senderKeys, 'camel');
		return {spec: finishSender(draftOf(sender), {}, origin), count: sender.count?.value ?? 1, origin: sender.count?.origin ?? origin};
	});

	const rules = read.thresholds?.value ?? [];
	if (!Array.isArray(rules)) {
		fail(read.thresholds!.origin, `must be a list of rules such as ["p95<250ms"], got ${describe(rules)}`);
	}

	const thresholds = rules.map((expr: unknown, index) => {
		const origin = originAt(file, ['settings', 'thresholds', index]);
		if (typeof expr !== 'string') {
			fail(origin, `must be a rule such as "p95<250ms", got ${describe(expr)}`);
		}

		return check(parseThreshold, expr, origin).expr;
	});

	return {
		settings: {
			messages: messages.value,
			senders: expand(groups),
			retries: retries.value,
			seed: seed.value,
			intervalMs: intervalMs.value,
			thresholds,
		},
		// Checked like a --script; an add gives every key, so nothing comes from flags.
		actions: readChanges(file, ['actions'], report['actions'], {}),
	};
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

	const report = readReport(path, io);
	const extra = (flags.threshold ?? []).map(expr => check(parseThreshold, expr, {label: '--threshold'}));
	return replaySettings(
		report,
		{
			speed: flagValue(flags, 'speed', speed)?.value ?? defaults.speed,
			headless: flags.headless ?? false,
			json: flags.json ?? false,
			logPath: flagValue(flags, 'log', fileName)?.value,
			reportPath: flagValue(flags, 'report', fileName)?.value,
			exitOnDone: flags.exitOnDone ?? false,
		},
		extra,
	);
}

// ---- Flags ---------------------------------------------------------------------------------

const kebabCase = (camel: string) => styled(camel, 'kebab');
const flagLabel = (name: string) => (name.length === 1 ? `-${name}` : `--${kebabCase(name)}`);
/** meow's own flags, handled before resolveSettings runs. */
const meowFlags = new Set(['help', 'version']);

function rejectUnknownFlags(flags: RawFlags): void {
	const known = Object.keys(flagDefinitions);
	for (const name of Object.keys(flags)) {
		if (!Object.hasOwn(flagDefinitions, name) && !meowFlags.has(name)) {
			const guess = suggest(name, known);
			fail({label: flagLabel(name)}, `is not a known flag (${guess === undefined ? 'see --help' : `did you mean ${flagLabel(guess)}?`})`);
		}
	}
}

function flagValue<T>(flags: RawFlags, name: keyof typeof flagDefinitions, rule: Rule<T>): Sourced<T> | undefined {
	const raw = flags[name];
	if (raw === undefined) {
		return undefined;
	}

	const origin: Origin = {label: flagLabel(name)};
	return {value: check(rule, raw, origin), origin};
}

function flagDraft(flags: RawFlags): SenderDraft {
	return draftOf({
		mean: flagValue(flags, 'mean', duration),
		failureRate: flagValue(flags, 'failureRate', rate),
		distribution: flagValue(flags, 'distribution', distribution),
		spread: flagValue(flags, 'spread', duration),
		maxWait: flagValue(flags, 'maxWait', duration),
		failover: flagValue(flags, 'failover', duration),
	});
}

// ---- Putting it together -------------------------------------------------------------------

/**
 * Flags (as meow returns them for cli-flags.ts) and the files they name -> the run's Settings.
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

	if (flags.replay !== undefined) {
		return resolveReplay(flags, flags.replay, io);
	}

	const file = flags.config === undefined ? undefined : readConfigFile(flags.config, io);
	const top = file?.read ?? {};

	const base: SenderDraft = {...file?.draft, ...flagDraft(flags)};
	const baseSpec = finishSender(base, {});
	const fileGroups = Array.isArray(file?.senders)
		? file.senders.map(({draft, count, origin}): SenderGroup => ({spec: finishSender(draft, base, origin), count: count?.value ?? 1, origin: count?.origin ?? origin}))
		: undefined;
	const fileCount = Array.isArray(file?.senders) ? undefined : file?.senders;
	const flagCount = flagValue(flags, 'senders', whole(0, limits.senders));
	const addedGroups = (flags.sender ?? []).map((text): SenderGroup => {
		const {draft, count, origin} = readSenderSpec(text);
		return {spec: finishSender(draft, base, origin), count: count?.value ?? 1, origin: count?.origin ?? origin};
	});
	const count = flagCount ?? fileCount;
	// With --broker the senders are the workers': local ones only when asked for.
	const defaultCount = flags.broker === undefined ? defaults.senders : 0;
	const standing: SenderGroup[] =
		flagCount === undefined && fileGroups !== undefined
			? fileGroups
			: [{spec: baseSpec, count: count?.value ?? defaultCount, origin: count?.origin ?? {label: '--senders'}}];

	const messages = flagValue(flags, 'messages', whole(0, limits.messages)) ?? top.messages;
	const interval = flagValue(flags, 'interval', intervalDuration) ?? top.interval;
	const retries = flagValue(flags, 'retries', whole(0, limits.retries)) ?? top.retries;
	const seed = flagValue(flags, 'seed', whole(0, limits.seed)) ?? top.seed;
	const runSpeed = flagValue(flags, 'speed', speed) ?? top.speed;
	const flagThresholds = (flags.threshold ?? []).map(expr => check(parseThreshold, expr, {label: '--threshold'}));
	const script = flags.script === undefined ? [] : readScript(flags.script, io, base);

	return {
		messages: messages?.value ?? defaults.messages,
		senders: expand([...standing, ...addedGroups]),
		retries: retries?.value ?? defaults.retries,
		seed: seed?.value ?? io.randomSeed(),
		intervalMs: interval?.value ?? defaults.intervalMs,
		speed: runSpeed?.value ?? defaults.speed,
		headless: flags.headless ?? top.headless?.value ?? false,
		json: flags.json ?? top.json?.value ?? false,
		logPath: flagValue(flags, 'log', fileName)?.value ?? top.log?.value,
		reportPath: flagValue(flags, 'report', fileName)?.value ?? top.report?.value,
		exitOnDone: flags.exitOnDone ?? top.exitOnDone?.value ?? false,
		thresholds: flagThresholds.length > 0 ? flagThresholds : (file?.thresholds ?? []),
		script,
		isSeedGiven: seed !== undefined,
	};
}

/** Groups -> one SenderSpec per sender, refusing a total above limits.senders before building it. */
function expand(groups: readonly SenderGroup[]): SenderSpec[] {
	let total = 0;
	for (const {count, origin} of groups) {
		total += count;
		if (total > limits.senders) {
			fail(origin, `brings the senders to ${formatCount(total)}, more than the limit of ${formatCount(limits.senders)}`);
		}
	}

	return groups.flatMap(({spec, count}) => Array.from({length: count}, () => ({...spec})));
}
