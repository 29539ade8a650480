// Runtime changes at simulated times: a --script file, and a report's `actions` that
// --replay reruns. Each change adds, removes or tunes a sender or produces more messages.
import type {SenderSpec, TimedAction} from '../engine/types.js';
import {fileEntries, isPlainMap, originAt, readSource, type Path, type ReadFile, type SourceFile} from './file.js';
import {ValueError} from '../duration.js';
import {formatCount} from '../format.js';
import {anything, describe, duration, fail, id, limits, milliseconds, readEntries, whole, type Rule, type Sourced, type Table} from './rules.js';
import {checkSpreadWidth, draftOf, finishSender, senderKeys, senderSettingKeys, type SenderDraft} from './sender-spec.js';

/** The latest a change may come: a year of simulated time (later would never be reached). */
export const maxActionMs = 365 * 24 * 3_600_000;

const within = <T extends number>(rule: Rule<T>): Rule<T> => raw => {
	const ms = rule(raw);
	if (ms > maxActionMs) throw new ValueError(`must be at most 8760h (a year of simulated time), got ${describe(raw)}`);
	return ms;
};

const scriptEntryKeys = {
	at: {rule: within(duration)},
	simMs: {rule: within(milliseconds), alias: 'at'},
	add: {rule: anything},
	remove: {rule: id},
	tune: {rule: anything},
	more: {rule: whole(0, limits.messages)},
} as const satisfies Table;

const tuneKeys = {sender: {rule: id}, ...senderSettingKeys} as const satisfies Table;

/**
 * A --script file -> its changes; an add's keys left out come from `base` (flags over file).
 * `standing` senders and `messages` are there at the start: with every add and every more
 * they stay within the limits.
 */
export function readScript(path: string, readFile: ReadFile, base: SenderDraft, standing: number, messages = 0): TimedAction[] {
	const file = readSource(path, '--script', readFile);
	return readChanges(file, [], file.value, base, standing, messages);
}

/**
 * A list of changes at `at` in `file` (a script, or a report's `actions`), sorted by time.
 * The senders it adds and the `standing` ones together stay within limits.senders, the
 * messages it asks for and the first `messages` within limits.messages.
 */
export function readChanges(file: SourceFile, at: Path, list: unknown, base: SenderDraft, standing: number, messages = 0): TimedAction[] {
	let senders = standing;
	let asked = messages;
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
			asked += read.more.value;
			if (asked > limits.messages) {
				fail(read.more.origin, `brings the messages to ${formatCount(asked)}, more than the limit of ${formatCount(limits.messages)}`);
			}

			return [{simMs, more: read.more.value}];
		}

		if (read.add !== undefined) {
			const addOrigin = read.add.origin;
			if (!isPlainMap(read.add.value)) {
				fail(addOrigin, `must be a map of sender settings such as {mean: 50ms, failure_rate: 0.1}, got ${describe(read.add.value)}`);
			}

			const added = readEntries(fileEntries(file, [...path, 'add'], read.add.value), senderKeys, 'snake');
			const spec = finishSender(draftOf(added), base, addOrigin);
			senders += added.count?.value ?? 1;
			if (senders > limits.senders) {
				fail(added.count?.origin ?? addOrigin, `brings the senders to ${formatCount(senders)}, more than the limit of ${formatCount(limits.senders)}`);
			}

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
	if (draft.rate !== undefined && draft.rate.value === undefined) {
		// JSON has no undefined: a report would drop the change, and --replay could not rebuild it.
		const what = read.rate === undefined ? 'sets no rate (smpp)' : 'lifts the rate cap';
		fail(draft.rate.origin, `${what}, which a tune cannot do (a --report could not replay it): give a rate in submits/s`);
	}

	const patch = Object.fromEntries(Object.entries(draft).map(([key, sourced]) => [key, (sourced as Sourced<unknown>).value])) as Partial<SenderSpec>;
	if (Object.keys(patch).length === 0) {
		fail(tune.origin, 'changes nothing: give one or more of mean, failure_rate, distribution, spread, max_wait, failover, window, rate, price, preset');
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
