// The --config file: a YAML or JSON map of settings (the Rust peer's keys too), its senders
// as a list or a count, and its threshold rules, each value checked with its file:line:col.
import type {Threshold} from '../settings.js';
import {deliveryFileDraft, deliveryFileKeys, type DeliveryDraft} from './delivery.js';
import {parseThreshold} from '../thresholds.js';
import {fileEntries, isPlainMap, originAt, readSource, type ReadFile, type SourceFile} from './file.js';
import {
	anything,
	boolean,
	check,
	describe,
	fail,
	fileName,
	intervalDuration,
	limits,
	readEntries,
	speed,
	whole,
	type Read,
	type Sourced,
	type Table,
} from './rules.js';
import {draftOf, senderKeys, senderSettingKeys, type SenderDraft, type SenderEntry} from './sender-spec.js';

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
	...deliveryFileKeys,
	thresholds: {rule: anything},
	log: {rule: fileName},
	report: {rule: fileName},
	html: {rule: fileName},
	headless: {rule: boolean},
	json: {rule: boolean},
	exitOnDone: {rule: boolean},
	abortOnFail: {rule: boolean},
} as const satisfies Table;

/** A --config file, read and checked; the flags are laid over it in resolve.ts. */
export interface FileSettings {
	read: Read<typeof fileKeys>;
	draft: SenderDraft;
	/** The run's delivery keys the file gives. */
	delivery: DeliveryDraft;
	/** The file's senders as drafts (a list) or a count (`senders: 5`); undefined when absent. */
	senders: SenderEntry[] | Sourced<number> | undefined;
	thresholds: Threshold[] | undefined;
}

export function readConfigFile(path: string, readFile: ReadFile): FileSettings {
	const file = readSource(path, '--config', readFile);
	if (!isPlainMap(file.value)) {
		fail(originAt(file, []), `must be a map of settings such as "messages: 1000", got ${describe(file.value)}`);
	}

	const read = readEntries(fileEntries(file, [], file.value), fileKeys, 'snake');
	return {read, draft: draftOf(read), delivery: deliveryFileDraft(file, read), senders: readFileSenders(file, read.senders), thresholds: readFileThresholds(file, read.thresholds)};
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
