// The --report file --replay reruns, checked as strictly as a config file and a script:
// what decided its run (seed, settings, senders, rules) and every change it recorded.
import {ValueError} from '../duration.js';
import {recordedKeys, type RecordedFigures, type Replayable} from '../replay.js';
import {formatCount} from '../format.js';
import {parseThreshold} from '../thresholds.js';
import {deliveryReportKeys, deliveryReportSettings} from './delivery.js';
import {fileEntries, isPlainMap, originAt, readJsonSource, type ReadFile, type SourceFile} from './file.js';
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

	// An --smpp run's outcomes came from its SMSC, a --broker run's (the only summary that
	// counts duplicates) from its workers: nothing in this process can rerun them.
	if (typeof report['smpp'] === 'string') {
		fail(originAt(file, ['smpp']), 'names the SMSC of an --smpp run, whose outcomes came from it: such a run cannot be replayed');
	}

	if (typeof report['duplicates'] === 'number') {
		fail(originAt(file, ['duplicates']), 'is counted by a --broker run only, whose senders were its workers: such a run cannot be replayed');
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
	const actions = readChanges(file, ['actions'], report['actions'], {}, standing.length, messages.value);
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
		actions,
		...recordedFigures(
			file,
			report,
			seed.value,
			messages.value + actions.reduce((sum, action) => sum + ('more' in action ? action.more : 0), 0),
			standing.length,
			actions.some(action => 'add' in action),
		),
	};
}

/**
 * The figures a report recorded, checked against what decided its run: a seed that is not
 * the settings' seed, or more produced or finished than it asked for, is a report that does
 * not agree with itself (edited by hand). Kept for the replay to compare only when the run
 * finished (neither interrupted nor ended by --abort-on-fail).
 */
function recordedFigures(file: SourceFile, report: Record<string, unknown>, seed: number, asked: number, standing: number, adds: boolean): {recorded?: RecordedFigures} {
	const number = (key: string) => (typeof report[key] === 'number' ? report[key] : undefined);
	const disagrees = (key: string, why: string): never => fail(originAt(file, [key]), `${why}: the report does not agree with itself (edited by hand?)`);
	const topSeed = number('seed');
	if (topSeed !== undefined && topSeed !== seed) disagrees('seed', `is ${topSeed}, but settings.seed is ${seed}`);
	const produced = number('produced');
	if (produced !== undefined && produced > asked) disagrees('produced', `is ${formatCount(produced)}, more than the ${formatCount(asked)} messages its settings and changes ask for`);
	const finished = (number('sent') ?? 0) + (number('failed') ?? 0);
	if (produced !== undefined && finished > produced) disagrees('sent', `and failed add up to ${formatCount(finished)}, more than the ${formatCount(produced)} produced`);
	if (finished > 0 && standing === 0 && !adds) {
		fail(originAt(file, ['settings', 'senders']), 'lists no sender and no change adds one, yet messages were sent: a --broker run, whose senders were its workers, cannot be replayed');
	}

	if (report['interrupted'] !== false || report['abortedBy'] !== undefined) return {};
	return {recorded: Object.fromEntries(recordedKeys.flatMap(key => (number(key) === undefined ? [] : [[key, number(key)]])))};
}
