// The validated result of flags + config file: everything a run needs, nothing raw.
// Built by config/resolve.ts; read by cli.tsx, the driver, headless and the dashboard.
import type {RunSettings, TimedAction} from './engine/types.js';
import type {RecordedFigures} from './replay.js';

export type Speed = number; // simulated seconds per wall second; Infinity = "max"

/** A pass/fail rule on the final figures, e.g. "p95<250ms". */
export interface Threshold {
	/** As the user wrote it, trimmed. */
	expr: string;
	metric:
		| 'avg'
		| 'e2e'
		| 'p50'
		| 'p95'
		| 'p99'
		| 'failed'
		| 'sent'
		| 'throughput'
		| 'elapsed'
		| 'reach50'
		| 'reach95'
		| 'reach99'
		| 'delivered'
		| 'throttled'
		| 'cost';
	op: '<' | '<=' | '>' | '>=';
	/** ms for durations (reach too), count, per-second for throughput, the price's unit for cost. */
	value: number;
	/** true when value is a percentage of produced (failed, sent, delivered, throttled only). */
	isPercent: boolean;
}

export interface Settings extends RunSettings {
	speed: Speed;
	/** Lines instead of the dashboard (the flag; mode.ts also looks at the terminal). */
	headless: boolean;
	json: boolean;
	logPath: string | undefined;
	reportPath: string | undefined;
	/** --html: the report page written when the run ends. */
	htmlPath: string | undefined;
	exitOnDone: boolean;
	thresholds: Threshold[];
	/** Runtime changes to apply at their simulated times (--script, --replay). */
	script: TimedAction[];
	/** Whether the seed was given (else chosen at random and reported). */
	isSeedGiven: boolean;
	/** End the run as soon as a threshold can no longer pass (exit 3); absent means no. */
	abortOnFail?: true;
	/** Broker mode: end the run (exit 1) when no worker has come for this long. */
	waitForWorkersMs?: number;
	/** --replay of a finished run: the figures its report recorded, checked against the replay's. */
	recorded?: RecordedFigures;
	/** SMPP mode: the SMSC's URL as it may be shown (the password masked). */
	smpp?: string;
}

/** Accepted messages await receipts: drawn (--delivery) or from the SMSC (--smpp). */
export function hasReceipts(settings: Pick<Settings, 'delivery' | 'smpp'>): boolean {
	return settings.delivery !== undefined || settings.smpp !== undefined;
}
