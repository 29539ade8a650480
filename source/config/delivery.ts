// The run's real-delivery keys (DESIGN.md "Real SMS delivery"): the alert's text (or @file),
// the gateway's rate and backoff, the invalid share, delivery receipts and their validity,
// read from flags, a config file, `size`'s flags and a report, each refusal naming its origin.
import type {DeliverySettings, DeliverySpec} from '../engine/types.js';
import {segmentInfo} from '../engine/segments.js';
import {formatCount} from '../format.js';
import {ValueError} from '../duration.js';
import {quote} from './error.js';
import type {deliveryFlags} from './flags.js';
import {fileEntries, isPlainMap, originAt, readText, type Path, type ReadFile, type SourceFile} from './file.js';
import {
	anything,
	defaults,
	describe,
	distribution,
	duration,
	fail,
	flagValue,
	keyValueEntries,
	milliseconds,
	positiveDuration,
	positiveMilliseconds,
	positiveNumber,
	rate,
	readEntries,
	typed,
	type Origin,
	type Read,
	type Rule,
	type Sourced,
	type Table,
} from './rules.js';
import {checkSpreadWidth} from './sender-spec.js';

/** SMPP's concatenation header numbers at most 255 parts. */
export const maxSegments = 255;

/** A text as a message carries it: trailing line breaks dropped (a file ends with one); not blank; at most 255 segments. */
function alertText(text: string, exact = false): string {
	const kept = exact ? text : text.replace(/[\r\n]+$/, '');
	if (kept.trim() === '') throw new ValueError(`must not be empty, got ${describe(text)}`);
	const {segments, encoding} = segmentInfo(kept);
	if (segments > maxSegments) {
		throw new ValueError(`is ${formatCount(segments)} ${encoding === 'gsm7' ? 'GSM-7' : 'UCS-2'} segments, more than the ${maxSegments} one message can be`);
	}

	return kept;
}

const text: Rule<string> = raw => {
	if (typeof raw !== 'string') throw new ValueError(`must be the alert's text, got ${describe(raw)}`);
	return alertText(raw);
};

/** A report's text is the text the run sent, taken exactly. */
const reportText: Rule<string> = raw => {
	if (typeof raw !== 'string') throw new ValueError(`must be the alert's text, got ${describe(raw)}`);
	return alertText(raw, true);
};

/** The keys of a delivery spec (`--delivery "mean=8s,..."`, a file's `delivery:` map, a report's). */
const deliveryKeys = {
	mean: {rule: duration},
	distribution: {rule: distribution},
	spread: {rule: duration},
	undelivered: {rule: rate},
	meanMs: {rule: milliseconds, alias: 'mean'},
	spreadMs: {rule: milliseconds, alias: 'spread'},
} as const satisfies Table;

/** Typed on the command line: its durations need a unit from 10 up, as a sender's do. */
const typedDeliveryKeys = {...deliveryKeys, mean: {rule: typed(duration)}, spread: {rule: typed(duration)}} as const satisfies Table;

const deliveryExample = 'mean=8s,distribution=lognormal,undelivered=0.02';

/** A delivery spec's keys, read -> the spec: mean required, gamma and no undelivered by default. */
function finishDeliverySpec(read: Read<typeof deliveryKeys>, origin: Origin): DeliverySpec {
	if (read.mean === undefined) fail(origin, `needs mean: the receipt's mean delay after acceptance, such as "${deliveryExample}"`);
	const name = read.distribution?.value ?? defaults.distribution;
	if (read.spread !== undefined) {
		if (name === 'constant' || name === 'exponential') fail(read.spread.origin, `is refused for the ${name} distribution, which has no spread`);
		checkSpreadWidth(read.spread, name, read.mean.value);
	}

	return {
		meanMs: read.mean.value,
		distribution: name,
		...(read.spread === undefined ? {} : {spreadMs: read.spread.value}),
		undelivered: read.undelivered?.value ?? 0,
	};
}

/** `--delivery "mean=8s,distribution=lognormal,spread=2s,undelivered=0.02"` -> the spec. */
export function readDeliverySpec(spec: string, label = '--delivery'): DeliverySpec {
	const origin: Origin = {label: `${label} ${quote(spec)}`};
	return finishDeliverySpec(readEntries(keyValueEntries(spec, origin, deliveryExample), typedDeliveryKeys, 'kebab'), origin);
}

/** A file's or a report's `delivery`: a map of its keys, or (in a config file) the flag's string. */
function deliveryAt(file: SourceFile, path: Path, given: Sourced<unknown>, allowString: boolean): DeliverySpec {
	if (allowString && typeof given.value === 'string') {
		const origin = given.origin;
		return finishDeliverySpec(readEntries(keyValueEntries(given.value, origin, deliveryExample), deliveryKeys, 'snake'), origin);
	}

	if (!isPlainMap(given.value)) {
		fail(given.origin, `must be a map such as {mean: 8s, distribution: lognormal, undelivered: 0.02}, got ${describe(given.value)}`);
	}

	return finishDeliverySpec(readEntries(fileEntries(file, path, given.value), deliveryKeys, allowString ? 'snake' : 'camel'), given.origin);
}

/** The delivery keys of a run, each with where it was given. */
export interface DeliveryDraft {
	text?: Sourced<string>;
	gatewayRate?: Sourced<number>;
	backoffMs?: Sourced<number>;
	invalid?: Sourced<number>;
	delivery?: Sourced<DeliverySpec>;
	validityMs?: Sourced<number>;
}

/** `--text <string|@file>`: a file's path, or undefined for a text given as it is. */
export function textFilePath(value: string | undefined): string | undefined {
	return value?.startsWith('@') === true ? value.slice(1) : undefined;
}

/** The values of the delivery flags, as meow gives them. */
export type DeliveryFlagValues = Partial<Record<keyof typeof deliveryFlags, string>>;

/** The delivery flags given, checked; `--text @file` reads the file with `readFile`. */
export function deliveryFlagDraft(flags: DeliveryFlagValues, readFile: ReadFile): DeliveryDraft {
	const path = textFilePath(flags.text);
	const textOrigin: Origin = {label: '--text'};
	let alert: Sourced<string> | undefined;
	if (path !== undefined) {
		const content = readText(path, '--text', readFile);
		alert = {value: checkText(content, {label: `--text ${quote(`@${path}`)}`}, path), origin: textOrigin};
	} else {
		alert = flagValue(flags, 'text', text);
	}

	const delivery = flags.delivery === undefined ? undefined : {value: readDeliverySpec(flags.delivery), origin: {label: '--delivery'}};
	return compact({
		text: alert,
		gatewayRate: flagValue(flags, 'gatewayRate', positiveNumber),
		backoffMs: flagValue(flags, 'backoff', typed(positiveDuration)),
		invalid: flagValue(flags, 'invalid', rate),
		delivery,
		validityMs: flagValue(flags, 'validity', typed(positiveDuration)),
	});
}

/** A file's text for --text: an empty file is named as such. */
function checkText(content: string, origin: Origin, path: string): string {
	if (content.replace(/[\r\n]+$/, '').trim() === '') fail({label: '--text'}, `${JSON.stringify(path)} is empty`);
	try {
		return alertText(content);
	} catch (error) {
		if (error instanceof ValueError) fail(origin, error.message);
		throw error;
	}
}

/** A config file's delivery keys (snake_case or camelCase); `delivery` a map or a string. */
export const deliveryFileKeys = {
	text: {rule: text},
	gatewayRate: {rule: positiveNumber},
	backoff: {rule: positiveDuration},
	invalid: {rule: rate},
	delivery: {rule: anything},
	validity: {rule: positiveDuration},
} as const satisfies Table;

export function deliveryFileDraft(file: SourceFile, read: Read<typeof deliveryFileKeys>): DeliveryDraft {
	return compact({
		text: read.text,
		gatewayRate: read.gatewayRate,
		backoffMs: read.backoff,
		invalid: read.invalid,
		delivery: read.delivery === undefined ? undefined : {value: deliveryAt(file, ['delivery'], read.delivery, true), origin: read.delivery.origin},
		validityMs: read.validity,
	});
}

/** A report's delivery keys, spelt as RunSettings spells them. */
export const deliveryReportKeys = {
	text: {rule: reportText},
	gatewayRate: {rule: positiveNumber},
	backoffMs: {rule: positiveMilliseconds},
	invalid: {rule: rate},
	delivery: {rule: anything},
	validityMs: {rule: positiveMilliseconds},
} as const satisfies Table;

export function deliveryReportSettings(file: SourceFile, at: Path, read: Read<typeof deliveryReportKeys>): DeliverySettings {
	return finishDelivery(
		compact({
			text: read.text,
			gatewayRate: read.gatewayRate,
			backoffMs: read.backoffMs,
			invalid: read.invalid,
			delivery: read.delivery === undefined ? undefined : {value: deliveryAt(file, [...at, 'delivery'], read.delivery, false), origin: read.delivery.origin},
			validityMs: read.validityMs,
		}),
	);
}

/** Draft -> the settings, with only the keys given (a run without them is as before). */
export function finishDelivery(draft: DeliveryDraft): DeliverySettings {
	return Object.fromEntries(Object.entries(draft).map(([key, sourced]) => [key, (sourced as Sourced<unknown>).value])) as DeliverySettings;
}

function compact(draft: Record<keyof DeliveryDraft, Sourced<unknown> | undefined>): DeliveryDraft {
	return Object.fromEntries(Object.entries(draft).filter(([, sourced]) => sourced !== undefined)) as DeliveryDraft;
}

/** `size --reach 95%`: the share of recipients the goal counts, 0 < p <= 100 %, as a fraction. */
export const reachPercent: Rule<number> = raw => {
	const amount = typeof raw === 'string' ? /^\s*(\d+(?:\.\d*)?|\.\d+)\s*%\s*$/.exec(raw)?.[1] : undefined;
	const value = amount === undefined ? Number.NaN : Number(amount);
	if (!(value > 0 && value <= 100)) throw new ValueError(`must be a percentage above 0% and at most 100%, such as 95%, got ${describe(raw)}`);
	// 99.9 / 100 is 0.9990000000000001: rounded to the millionth of a percent people can write.
	return Math.round(value * 1e6) / 1e8;
};
