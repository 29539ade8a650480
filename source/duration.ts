// Durations as people write them ("250ms", "1.5s", "2m", "1h", bare seconds "0.2") to milliseconds
// and back, plus ValueError, the error every value parser throws. Pure; never names a flag or key.
import {showValue} from './config/error.js';

/**
 * A value that cannot be read. The message is a predicate such as
 * `must be a duration such as 250ms, 1.5s or 0.2 (seconds), got "abc"`; the caller
 * prefixes the flag or key it came from (config/rules.ts turns it into a ConfigError).
 */
export class ValueError extends Error {
	override name = 'ValueError';
}

const msPerUnit = {ms: 1, s: 1000, m: 60_000, h: 3_600_000} as const;
const durationPattern = /^(?<amount>\d+(?:\.\d*)?|\.\d+)\s*(?<unit>ms|s|m|h)?$/;

/** Options of {@link parseDuration}. */
export interface DurationOptions {
	/**
	 * Whether a number without a unit is read as seconds (`0.2` = 200 ms). Thresholds
	 * set it to false: there a duration needs its unit.
	 * @default true
	 */
	allowBareSeconds?: boolean;
}

/**
 * Reads a duration: `"250ms"`, `"1.5s"`, `"2m"`, `"1h"`, a bare `"0.2"` or a number (seconds).
 * @returns milliseconds, 0 or more, finite.
 * @throws {ValueError} for negative, non-finite, empty or unreadable input.
 */
export function parseDuration(text: string | number, {allowBareSeconds = true}: DurationOptions = {}): number {
	const example = allowBareSeconds
		? 'a duration such as 250ms, 1.5s or 0.2 (seconds)'
		: 'a duration with a unit, such as 250ms, 1.5s or 10m';
	// Shown only when short, printable and not like a secret: it may come from any file.
	const got = typeof text === 'string' ? showValue(text) : String(text);
	if (typeof text === 'number') {
		if (!Number.isFinite(text)) {
			throw new ValueError(`must be ${example}, got ${got}`);
		}

		if (text < 0) {
			throw new ValueError(`must not be negative, got ${got}`);
		}

		if (!allowBareSeconds) {
			throw new ValueError(`needs a unit (${text}ms? ${text}s?), got ${got}`);
		}

		return roundMs(text * 1000);
	}

	const trimmed = text.trim();
	if (trimmed.startsWith('-') && durationPattern.test(trimmed.slice(1).trim())) {
		throw new ValueError(`must not be negative, got ${got}`);
	}

	const groups = durationPattern.exec(trimmed)?.groups;
	if (groups?.['amount'] === undefined) {
		throw new ValueError(`must be ${example}, got ${got}`);
	}

	const unit = groups['unit'] as keyof typeof msPerUnit | undefined;
	if (unit === undefined && !allowBareSeconds) {
		throw new ValueError(`needs a unit (${trimmed}ms? ${trimmed}s?), got ${got}`);
	}

	const ms = roundMs(Number(groups['amount']) * msPerUnit[unit ?? 's']);
	if (!Number.isFinite(ms)) {
		throw new ValueError(`is too long, got ${got}`);
	}

	return ms;
}

/**
 * Formats milliseconds in the shortest unit that keeps them exact, as parseDuration reads
 * them back: 250 -> "250ms", 1500 -> "1.5s", 120000 -> "2m", 5400000 -> "90m".
 */
export function formatDuration(ms: number): string {
	if (!Number.isFinite(ms)) {
		return String(ms);
	}

	if (ms !== 0 && ms % msPerUnit.h === 0) {
		return `${ms / msPerUnit.h}h`;
	}

	if (ms !== 0 && ms % msPerUnit.m === 0) {
		return `${ms / msPerUnit.m}m`;
	}

	return Math.abs(ms) >= 1000 ? `${roundMs(ms / 1000)}s` : `${ms}ms`;
}

/** Drops the float noise of unit arithmetic (1.1 * 1000 = 1100.0000000000002) below a nanosecond. */
function roundMs(ms: number): number {
	return Math.round(ms * 1e6) / 1e6;
}
