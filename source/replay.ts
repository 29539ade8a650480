// A run rebuilt from its --report: the report's seed, settings and recorded changes become
// Settings whose script applies the changes at their simulated times. Pure: config/report-file.ts reads
// and validates the file first; nothing here reads a file or a clock.
import type {flags} from './config/flags.js';
import type {DeliverySettings, TimedAction} from './engine/types.js';
import type {ReportSettings, Summary} from './report.js';
import {expandSenders} from './report/sender-runs.js';
import type {Settings, Threshold} from './settings.js';
import {parseThreshold} from './thresholds.js';

/** Flags that decide outcomes. The report gives all of them, so --replay refuses them. */
export const outcomeFlags = [
	'messages',
	'senders',
	'mean',
	'failureRate',
	'distribution',
	'spread',
	'maxWait',
	'failover',
	'sender',
	'config',
	'retries',
	'seed',
	'interval',
	'script',
	'window',
	'rate',
	'price',
	'preset',
	'text',
	'gatewayRate',
	'backoff',
	'invalid',
	'delivery',
	'validity',
] as const satisfies ReadonlyArray<keyof typeof flags>;

/** Flags --replay takes: how the run is shown and written down, and extra rules. */
export const replayFlags = ['speed', 'headless', 'json', 'log', 'report', 'html', 'exitOnDone', 'threshold', 'abortOnFail'] as const satisfies ReadonlyArray<
	keyof typeof flags
>;

/** The delivery keys a report's settings carry when the run had them. */
const deliveryKeys = ['text', 'gatewayRate', 'backoffMs', 'invalid', 'delivery', 'validityMs'] as const satisfies ReadonlyArray<keyof DeliverySettings>;

/** What a report holds that decides a run: a Summary is one (its settings carry the delivery keys that were given). */
export interface Replayable {
	settings: ReportSettings & DeliverySettings;
	actions: readonly TimedAction[];
	/** The figures a finished run's report recorded, which its replay must reproduce. */
	recorded?: RecordedFigures;
}

/** The figures of a report that a replay reproduces exactly (when the run finished). */
export const recordedKeys = ['produced', 'sent', 'failed', 'attempts', 'simElapsedMs', 'avgTimeMs', 'p50Ms', 'p95Ms', 'p99Ms'] as const;
export type RecordedFigures = Partial<Record<(typeof recordedKeys)[number], number>>;

/**
 * Where a finished replay and the report it reran disagree, as one phrase
 * (`sent 146 here, 1 in the report`), or undefined when they agree.
 */
export function disagreement(recorded: RecordedFigures, summary: Summary): string | undefined {
	const differ = recordedKeys.filter(key => recorded[key] !== undefined && recorded[key] !== summary[key]);
	if (differ.length === 0) return undefined;
	return differ.map(key => `${key} ${summary[key]} here, ${recorded[key]} in the report`).join('; ');
}

/** The settings a replay leaves to the command line. */
export type Presentation = Pick<Settings, 'speed' | 'headless' | 'json' | 'logPath' | 'reportPath' | 'htmlPath' | 'exitOnDone'>;

/**
 * The Settings that run `report` again: its seed and settings, and its actions as the script.
 * `extraThresholds` are judged besides the report's own rules (a rule it has already is not doubled).
 * @throws {ValueError} for a threshold the report should not hold (config/report-file.ts checks them first)
 */
export function replaySettings(report: Replayable, presentation: Presentation, extraThresholds: readonly Threshold[] = [], abortOnFail = false): Settings {
	const {settings} = report;
	const delivery: DeliverySettings = {};
	for (const key of deliveryKeys) if (settings[key] !== undefined) Object.assign(delivery, {[key]: structuredClone(settings[key])});
	const thresholds = settings.thresholds.map(expr => parseThreshold(expr));
	const known = new Set(thresholds.map(t => t.expr));
	return {
		messages: settings.messages,
		senders: expandSenders(settings.senders),
		retries: settings.retries,
		seed: settings.seed,
		intervalMs: settings.intervalMs,
		...delivery,
		...presentation,
		thresholds: [...thresholds, ...extraThresholds.filter(t => !known.has(t.expr))],
		// A copy: the replaying engine records its own actions, and they must not alias these.
		script: structuredClone([...report.actions]),
		isSeedGiven: true,
		...(abortOnFail ? {abortOnFail: true as const} : {}),
		...(report.recorded === undefined ? {} : {recorded: report.recorded}),
	};
}

/** The summary without its wall-time fields: the part a replay reproduces exactly. */
export function replayedPart(summary: Summary): Omit<Summary, 'wallElapsedMs' | 'speed'> {
	const {wallElapsedMs: _wall, speed: _speed, ...rest} = summary;
	return rest;
}
