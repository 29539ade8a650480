// What a value or a map of keys must be: the rules that turn a flag's string or a file's
// value into a typed value, the key tables' reader (aliases, three spellings, "did you
// mean"), and the one-line message naming where a refused value came from.
import * as v from 'valibot';
import {parseDuration, ValueError} from '../duration.js';
import {distributions, limits, type Distribution} from '../engine/types.js';
import {formatCount} from '../format.js';
import {suggest} from '../thresholds.js';
import {ConfigError, keyLabel, showValue} from './error.js';
import {flagLabel} from './flags.js';

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

export {limits} from '../engine/types.js';

// ---- Where a value came from, for messages -------------------------------------------------

/** A flag (`--mean`), a key inside `--sender "..."`, or a node of a file (located lazily). */
export interface Origin {
	label: string;
	locate?: () => string;
}

export interface Sourced<T> {
	value: T;
	origin: Origin;
}

export function fail(origin: Origin, predicate: string): never {
	const where = origin.locate?.();
	throw new ConfigError(where === undefined ? `${origin.label} ${predicate}` : `${where}: ${origin.label} ${predicate}`);
}

export function describe(raw: unknown): string {
	if (typeof raw === 'string') {
		// Never a long line of a file, a secret or a control character: the error stays one safe line.
		return showValue(raw);
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

export type Rule<T> = (raw: unknown) => T;

/**
 * Runs a valibot schema and turns its first issue into our one-line predicate. The schema is
 * made when the rule first runs: a plain run uses few of them, and making them all was
 * two fifths of what the command line's code does as it loads.
 */
function fromSchema<T>(make: () => v.GenericSchema<unknown, T>): Rule<T> {
	let schema: v.GenericSchema<unknown, T> | undefined;
	return raw => {
		schema ??= make();
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

export const whole = (min: number, max: number): Rule<number> =>
	fromSchema(() =>
		v.pipe(
			numeric('must be a whole number'),
			v.finite('must be a whole number'),
			v.integer('must be a whole number'),
			v.minValue(min, `must be ${min} or more`),
			v.maxValue(max, `must be at most ${formatCount(max)}`),
		),
	);

/** A whole number said as one range (`size --runs`, `worker --count`): "from 1 to 1,000". */
export const wholeFromTo = (min: number, max: number): Rule<number> => {
	const message = `must be a whole number from ${formatCount(min)} to ${formatCount(max)}`;
	return fromSchema(() => v.pipe(numeric(message), v.integer(message), v.minValue(min, message), v.maxValue(max, message)));
};

/** A share that cannot be none (`size --confidence`). */
export const share: Rule<number> = fromSchema(() =>
	v.pipe(numeric('must be more than 0 and at most 1'), v.gtValue(0, 'must be more than 0 and at most 1'), v.maxValue(1, 'must be more than 0 and at most 1')),
);

export const rate: Rule<number> = fromSchema(() =>
	v.pipe(numeric('must be a number between 0 and 1'), v.minValue(0, 'must be between 0 and 1'), v.maxValue(1, 'must be between 0 and 1')),
);

/** A finite number above 0: a sender's or the gateway's rate (per second). */
export const positiveNumber: Rule<number> = fromSchema(() =>
	v.pipe(numeric('must be a number above 0'), v.finite('must be a number above 0'), v.gtValue(0, 'must be a number above 0')),
);

/** A cap that may be lifted: a number above 0, or "none" (null in a file or a report) for no cap. */
export const cap: Rule<number | undefined> = raw => {
	if (raw === null || (typeof raw === 'string' && raw.trim().toLowerCase() === 'none')) return undefined;
	try {
		return positiveNumber(raw);
	} catch (error) {
		if (error instanceof ValueError) throw new ValueError(`must be a number above 0 or "none", got ${describe(raw)}`);
		throw error;
	}
};

/** A finite number, 0 or more: a price. */
export const nonNegative: Rule<number> = fromSchema(() =>
	v.pipe(numeric('must be a number, 0 or more'), v.finite('must be a number, 0 or more'), v.minValue(0, 'must be a number, 0 or more')),
);

/** The slowest run: a thousandth of real time (slower would print nothing for hours). */
export const minSpeed = 0.001;

const speedNumber: Rule<number> = fromSchema(() =>
	v.pipe(
		numeric('must be a number above 0 or "max"'),
		v.finite('must be a number above 0 or "max"'),
		v.minValue(minSpeed, 'must be above 0, at least 0.001 (a thousandth of real time), or "max"'),
	),
);

export const speed: Rule<number> = raw => (typeof raw === 'string' && raw.trim().toLowerCase() === 'max' ? Number.POSITIVE_INFINITY : speedNumber(raw));

export const duration: Rule<number> = raw => {
	if (typeof raw !== 'string' && typeof raw !== 'number') {
		throw new ValueError(`must be a duration such as 250ms, 1.5s or 0.2 (seconds), got ${describe(raw)}`);
	}

	return parseDuration(raw);
};

/**
 * A duration typed on the command line: a bare number of 10 or more is refused (`--mean 100`
 * is 100 ms or 100 s? the user says), below 10 it is seconds as in files (DESIGN.md "Command line").
 */
export const typed =
	<T>(rule: Rule<T>): Rule<T> =>
	raw => {
		const text = typeof raw === 'string' ? raw.trim() : undefined;
		if (text !== undefined && /^(?:\d+\.?\d*|\.\d+)$/.test(text) && Number(text) >= 10) {
			throw new ValueError(`${text}: did you mean ${text}ms or ${text}s?`);
		}

		return rule(raw);
	};

export const positiveDuration: Rule<number> = raw => {
	const ms = duration(raw);
	if (ms === 0) {
		throw new ValueError(`must be longer than 0, got ${describe(raw)}`);
	}

	return ms;
};

/** The monitor period: at least 1 ms, so a run cannot print millions of lines a second. */
export const intervalDuration: Rule<number> = raw => {
	const ms = duration(raw);
	if (ms < 1) {
		throw new ValueError(`must be at least 1ms (0.001 seconds), got ${describe(raw)}`);
	}

	return ms;
};

export const distribution: Rule<Distribution> = raw => {
	const text = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
	const found = distributions.find(name => name === text);
	if (found !== undefined) {
		return found;
	}

	const guess = text === undefined ? undefined : suggest(text, distributions);
	const hint = guess === undefined ? '' : ` (did you mean ${guess}?)`;
	throw new ValueError(`must be one of ${distributions.join(', ')}${hint}, got ${describe(raw)}`);
};

export const boolean: Rule<boolean> = raw => {
	if (typeof raw !== 'boolean') {
		throw new ValueError(`must be true or false, got ${describe(raw)}`);
	}

	return raw;
};

export const fileName: Rule<string> = raw => {
	if (typeof raw !== 'string' || raw.trim() === '') {
		throw new ValueError(`must be a file name, got ${describe(raw)}`);
	}

	return raw;
};

/** A plain number of milliseconds, kept exact: the keys a report writes (`meanMs`, `simMs`). */
export const milliseconds: Rule<number> = fromSchema(() =>
	v.pipe(numeric('must be a number of milliseconds'), v.finite('must be a number of milliseconds'), v.minValue(0, 'must not be negative')),
);

export const positiveMilliseconds: Rule<number> = raw => {
	const ms = milliseconds(raw);
	if (ms === 0) {
		throw new ValueError(`must be more than 0, got ${describe(raw)}`);
	}

	return ms;
};

/** Kept as written; the caller checks its shape with its own path. */
export const anything: Rule<unknown> = raw => raw;

export const id = whole(1, Number.MAX_SAFE_INTEGER);

// ---- Key tables: every key a map may hold, its rule, and aliases ----------------------------

export interface KeyRule {
	rule: Rule<unknown>;
	/** This key is another name for `alias` (the Rust peer's `num_messages` for `messages`). */
	alias?: string;
}

export type Table = Record<string, KeyRule>;
export type Read<T extends Table> = {
	[K in keyof T as T[K] extends {alias: string} ? never : K]?: Sourced<ReturnType<T[K]['rule']>>;
};

export type KeyStyle = 'snake' | 'kebab' | 'camel';

const camelCase = (key: string) => key.replace(/[-_]+([a-zA-Z\d])/g, (_, letter: string) => letter.toUpperCase());

export function styled(camel: string, style: KeyStyle): string {
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
export interface RawEntry {
	key: string;
	value: unknown;
	keyOrigin: Origin;
	valueOrigin: Origin;
}

/**
 * Checks every entry against the table: unknown keys (with a "did you mean"), a key given
 * twice under two spellings, and each value's rule. Keys may be snake_case, camelCase or kebab-case.
 */
export function readEntries<T extends Table>(entries: readonly RawEntry[], table: T, fallbackStyle: KeyStyle): Read<T> {
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

/**
 * `"k=v,k=v"` as written on the command line (`--sender`, `--delivery`) -> entries whose
 * origin is the flag's text and the key; `example` shows what belongs there.
 */
export function keyValueEntries(text: string, origin: Origin, example: string): RawEntry[] {
	const parts = text.split(',').map(part => part.trim()).filter(part => part !== '');
	if (parts.length === 0) {
		fail(origin, `needs settings such as "${example}"`);
	}

	return parts.map((part): RawEntry => {
		const equals = part.indexOf('=');
		if (equals <= 0) {
			fail(origin, `has ${showValue(part)} where key=value belongs, such as ${example.split(',')[0]!}`);
		}

		const key = part.slice(0, equals).trim();
		// Located where the whole text is (a file's `delivery: "mean=8s"`), when it has a place.
		const keyOrigin: Origin = {label: `${origin.label}: ${keyLabel(key)}`, ...(origin.locate === undefined ? {} : {locate: origin.locate})};
		return {key, value: part.slice(equals + 1).trim(), keyOrigin, valueOrigin: keyOrigin};
	});
}

export function check<I, T>(rule: (raw: I) => T, raw: I, origin: Origin): T {
	try {
		return rule(raw);
	} catch (error) {
		if (error instanceof ValueError) {
			fail(origin, error.message);
		}

		throw error;
	}
}

// ---- Flags ---------------------------------------------------------------------------------

/** A flag's value checked by `rule`, with the flag as its origin; undefined when not given. */
export function flagValue<T>(flags: Readonly<Record<string, unknown>>, name: string, rule: Rule<T>): Sourced<T> | undefined {
	const raw = flags[name];
	if (raw === undefined) {
		return undefined;
	}

	const origin: Origin = {label: flagLabel(name)};
	return {value: check(rule, raw, origin), origin};
}
