// The --report file --replay reruns, checked as strictly as a config file and a script:
// what decided its run (seed, settings, senders, rules) and every change it recorded.
import {ValueError} from '../duration.js';
import type {Replayable} from '../replay.js';
import {parseThreshold} from '../thresholds.js';
import {deliveryReportKeys, deliveryReportSettings} from './delivery.js';
import {fileEntries, isPlainMap, originAt, readJsonSource, type ReadFile} from './file.js';
import {anything, check, describe, fail, limits, positiveMilliseconds, readEntries, whole, type Table} from './rules.js';
import {readChanges} from './script.js';
import {draftOf, expand, groupOf, senderKeys, type SenderGroup} from './sender-spec.js';

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
	...deliveryReportKeys,
} as const satisfies Table;

/** A --report file -> what decided its run, checked as strictly as a config file and a script. */
export function readReport(path: string, readFile: ReadFile): Replayable {
	const file = readJsonSource(path, '--replay', readFile);
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
		return groupOf({draft: draftOf(sender), count: sender.count, origin}, {});
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

	const standing = expand(groups);
	return {
		settings: {
			messages: messages.value,
			senders: standing,
			retries: retries.value,
			seed: seed.value,
			intervalMs: intervalMs.value,
			thresholds,
			...deliveryReportSettings(file, ['settings'], read),
		},
		// Checked like a --script; an add gives every key, so nothing comes from flags.
		actions: readChanges(file, ['actions'], report['actions'], {}, standing.length, messages.value),
	};
}
