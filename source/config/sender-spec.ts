// A sender's keys, read once for all who give them: the main command's, `size`'s and `worker`'s
// flags, `--sender "k=v,..."`, a file's senders, a script's add and tune, a report's senders.
// Drafts keep each value's origin, so a refusal names it; finishSender fills gaps, checks the whole.
import {formatDuration} from '../duration.js';
import type {Distribution, SenderSpec} from '../engine/types.js';
import {formatCount} from '../format.js';
import type {senderFlags} from './flags.js';
import {quote} from './error.js';
import {ValueError} from '../duration.js';
import {suggest} from '../thresholds.js';
import {
	cap,
	defaults,
	describe,
	distribution,
	duration,
	fail,
	flagValue,
	keyValueEntries,
	limits,
	milliseconds,
	nonNegative,
	rate,
	readEntries,
	whole,
	type Origin,
	type Read,
	type Rule,
	type Sourced,
	typed,
	type Table,
} from './rules.js';

/**
 * Typical figures of a kind of sender (DESIGN.md "Real SMS delivery"): US carriers' default
 * throughput for a short code, a toll-free number and a 10DLC long code, and a common SMPP
 * client window. `rate` undefined: no cap.
 */
export const presets = {
	'short-code': {rate: 100, window: 10},
	'toll-free': {rate: 3, window: 1},
	'long-code': {rate: 1, window: 1},
	smpp: {rate: undefined, window: 10},
} as const satisfies Record<string, {rate: number | undefined; window: number}>;

export type PresetName = keyof typeof presets;
const presetNames = Object.keys(presets) as PresetName[];

export const preset: Rule<PresetName> = raw => {
	const text = typeof raw === 'string' ? raw.trim().toLowerCase().replaceAll('_', '-') : undefined;
	const found = presetNames.find(name => name === text);
	if (found !== undefined) return found;
	const guess = text === undefined ? undefined : suggest(text, presetNames);
	throw new ValueError(`must be one of ${presetNames.join(', ')}${guess === undefined ? '' : ` (did you mean ${guess}?)`}, got ${describe(raw)}`);
};

/** A window: submits one sender may have unanswered at once. */
export const windowSize = whole(1, limits.window);

/** A sender's settings as keys of a map (files, `--sender`), with their aliases. */
export const senderSettingKeys = {
	mean: {rule: duration},
	meanTime: {rule: duration, alias: 'mean'},
	failureRate: {rule: rate},
	distribution: {rule: distribution},
	spread: {rule: duration},
	maxWait: {rule: duration},
	failover: {rule: duration},
	window: {rule: windowSize},
	rate: {rule: cap},
	price: {rule: nonNegative},
	preset: {rule: preset},
	// A report's `settings.senders` and `actions` spell settings as SenderSpec does, so they
	// can be pasted into a config file or a script as they are.
	meanMs: {rule: milliseconds, alias: 'mean'},
	spreadMs: {rule: milliseconds, alias: 'spread'},
	maxWaitMs: {rule: milliseconds, alias: 'maxWait'},
	failoverMs: {rule: milliseconds, alias: 'failover'},
} as const satisfies Table;

export const senderKeys = {...senderSettingKeys, count: {rule: whole(0, limits.senders)}} as const satisfies Table;

/** `--sender "..."` is typed on the command line: its durations need a unit from 10 up. */
const typedSenderKeys = {
	...senderKeys,
	mean: {rule: typed(duration)},
	meanTime: {rule: typed(duration), alias: 'mean'},
	spread: {rule: typed(duration)},
	maxWait: {rule: typed(duration)},
	failover: {rule: typed(duration)},
} as const satisfies Table;

/** A sender's settings as far as one layer (flags, file top, one entry) gives them. */
export interface SenderDraft {
	meanMs?: Sourced<number>;
	failureRate?: Sourced<number>;
	distribution?: Sourced<Distribution>;
	spreadMs?: Sourced<number>;
	maxWaitMs?: Sourced<number>;
	failoverMs?: Sourced<number>;
	window?: Sourced<number>;
	/** undefined value: no cap, given as such (`rate=none`, the smpp preset), so it overrides an inherited rate. */
	rate?: Sourced<number | undefined>;
	price?: Sourced<number>;
}

/** A run of `count` identical senders, from the flags, the file or one `--sender`. */
export interface SenderGroup {
	spec: SenderSpec;
	count: number;
	/** Where the count (or, without one, the entry) was given. */
	origin: Origin;
}

/**
 * The sender keys of one layer, without the ones it leaves out (so spreading it never erases).
 * A preset gives the layer's window and rate; a window or rate of the same layer wins over it.
 */
export function draftOf(read: Read<typeof senderSettingKeys>): SenderDraft {
	const kind = read.preset === undefined ? undefined : presets[read.preset.value];
	const fromPreset = <T>(value: T) => ({value, origin: read.preset!.origin});
	const draft = {
		meanMs: read.mean,
		failureRate: read.failureRate,
		distribution: read.distribution,
		spreadMs: read.spread,
		maxWaitMs: read.maxWait,
		failoverMs: read.failover,
		window: read.window ?? (kind === undefined ? undefined : fromPreset(kind.window)),
		rate: read.rate ?? (kind === undefined ? undefined : fromPreset(kind.rate)),
		price: read.price,
	};
	return Object.fromEntries(Object.entries(draft).filter(([, sourced]) => sourced !== undefined)) as SenderDraft;
}

/**
 * Fills the keys `own` leaves out from `base` (the flags over the file's top-level keys),
 * then the defaults, and checks spread against the distribution. A spread inherited from
 * `base` is dropped where the entry picks a distribution that has none.
 */
export function finishSender(own: SenderDraft, base: SenderDraft, context?: Origin): SenderSpec {
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
	const window = own.window ?? base.window;
	const rateCap = (own.rate ?? base.rate)?.value;
	const price = own.price ?? base.price;
	return {
		meanMs,
		failureRate: (own.failureRate ?? base.failureRate)?.value ?? defaults.failureRate,
		distribution: distributionName,
		...(spread === undefined ? {} : {spreadMs: spread.value}),
		...(maxWait === undefined ? {} : {maxWaitMs: maxWait.value}),
		...(failover === undefined ? {} : {failoverMs: failover.value}),
		...(window === undefined ? {} : {window: window.value}),
		...(rateCap === undefined ? {} : {rate: rateCap}),
		...(price === undefined ? {} : {price: price.value}),
	};
}

/** Uniform and normal cannot be wider than their mean allows; `heir` is the entry that inherited the spread. */
export function checkSpreadWidth(spread: Sourced<number>, name: Distribution, meanMs: number, heir?: Origin): void {
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
export function readSenderSpec(spec: string): SenderEntry {
	const origin: Origin = {label: `--sender ${quote(spec)}`};
	const read = readEntries(keyValueEntries(spec, origin, 'mean=50ms,failure-rate=0.2'), typedSenderKeys, 'kebab');
	return {draft: draftOf(read), count: read.count, origin};
}

/** One entry that gives senders: a file's list item, a `--sender`, a report's sender. */
export interface SenderEntry {
	draft: SenderDraft;
	count: Sourced<number> | undefined;
	origin: Origin;
}

/** An entry -> its group of identical senders; the keys it leaves out come from `base`. */
export function groupOf({draft, count, origin}: SenderEntry, base: SenderDraft): SenderGroup {
	return {spec: finishSender(draft, base, origin), count: count?.value ?? 1, origin: count?.origin ?? origin};
}

/** The values of a command's sender flags (flags.ts senderFlags), as meow gives them. */
export type SenderFlagValues = Partial<Record<keyof typeof senderFlags, string>>;

/** The sender flags given (`--mean 50ms -f 0.2`) as a draft; a refusal names the flag. */
export function senderFlagDraft(flags: SenderFlagValues): SenderDraft {
	return draftOf({
		mean: flagValue(flags, 'mean', typed(duration)),
		failureRate: flagValue(flags, 'failureRate', rate),
		distribution: flagValue(flags, 'distribution', distribution),
		spread: flagValue(flags, 'spread', typed(duration)),
		maxWait: flagValue(flags, 'maxWait', typed(duration)),
		failover: flagValue(flags, 'failover', typed(duration)),
		window: flagValue(flags, 'window', windowSize),
		rate: flagValue(flags, 'rate', cap),
		price: flagValue(flags, 'price', nonNegative),
		preset: flagValue(flags, 'preset', preset),
	});
}

/** The one sender `size` and `worker` describe with their flags, checked as the main command checks it. */
export function senderFromFlags(flags: SenderFlagValues): SenderSpec {
	return finishSender(senderFlagDraft(flags), {});
}

/**
 * Groups -> one SenderSpec per sender, refusing a total above limits.senders before building
 * it. A group's senders share its one spec object, frozen: a change makes a new spec.
 */
export function expand(groups: readonly SenderGroup[]): SenderSpec[] {
	let total = 0;
	for (const {count, origin} of groups) {
		total += count;
		if (total > limits.senders) {
			fail(origin, `brings the senders to ${formatCount(total)}, more than the limit of ${formatCount(limits.senders)}`);
		}
	}

	const senders: SenderSpec[] = [];
	for (const {spec, count} of groups) {
		Object.freeze(spec);
		for (let i = 0; i < count; i++) senders.push(spec);
	}

	return senders;
}
