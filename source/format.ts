// Number and time formatting shared by headless text, the summary and the dashboard.
// Pure; "–" stands for a figure that does not exist yet (never NaN).

export const none = '–';

/** 0.4ms, 97.2ms, 1.50s, 2m05s, 1h02m. */
export function formatMs(ms: number | undefined): string {
	if (ms === undefined || !Number.isFinite(ms)) return none;
	if (ms < 1000) return `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)}ms`;
	const s = ms / 1000;
	if (s < 60) return `${s.toFixed(2)}s`;
	const m = Math.floor(s / 60);
	if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
	return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Simulated clock for headers and lines: 12.0s, 3m04.5s. */
export function formatClock(ms: number): string {
	const s = ms / 1000;
	if (s < 60) return `${s.toFixed(1)}s`;
	const m = Math.floor(s / 60);
	return `${m}m${(s - m * 60).toFixed(1).padStart(4, '0')}s`;
}

/**
 * 1,234,567: what toLocaleString('en-US') writes, without it. Its first call loads ICU's
 * number formats, about 13 ms of a headless run's 150 ms start-up.
 */
export function formatCount(n: number): string {
	const whole = Math.round(n);
	// Beyond 1e21 String() writes an exponent.
	if (!(Math.abs(whole) < 1e21)) return whole.toLocaleString('en-US');
	return String(whole).replace(/\B(?=(?:\d{3})+$)/g, ',');
}

/** 292.5/s, 12.3k/s */
export function formatRate(perSecond: number | undefined): string {
	if (perSecond === undefined || !Number.isFinite(perSecond)) return none;
	if (perSecond >= 10_000) return `${(perSecond / 1000).toFixed(1)}k/s`;
	return `${perSecond.toFixed(1)}/s`;
}

/** A cost in the price's unit: 3,950.00; below 1 up to four decimals (0.0237); 0 as 0. */
export function formatCost(cost: number | undefined): string {
	if (cost === undefined || !Number.isFinite(cost)) return none;
	if (Math.abs(cost) < 1) return String(Number(cost.toFixed(4)));
	const [whole, cents] = cost.toFixed(2).split('.');
	return `${formatCount(Number(whole))}.${cents!}`;
}

/** 10.3% of a whole; "–" for an empty whole. */
export function formatPercent(part: number, whole: number): string {
	if (whole === 0) return none;
	return `${((part * 100) / whole).toFixed(1)}%`;
}

export function formatSpeed(speed: number): string {
	return Number.isFinite(speed) ? `${speed}×` : 'max';
}

/** Rounds for JSON output: 0.1 ms is finer than any figure we claim. */
export function round1(value: number | undefined): number | null {
	return value === undefined || !Number.isFinite(value) ? null : Math.round(value * 10) / 10;
}

/**
 * `head` and then `parts`, joined by `separator` on as few lines of 80 columns as they take:
 * a line that would pass 80 goes on under the first part, indented to it.
 */
export function wrapParts(head: string, parts: readonly string[], separator: string): string {
	const indent = ' '.repeat(head.length);
	const lines: string[] = [];
	let line = `${head} ${parts[0] ?? ''}`;
	for (const part of parts.slice(1)) {
		if (line.length + separator.length + part.length <= 80) line += separator + part;
		else {
			lines.push(line);
			line = `${indent} ${part}`;
		}
	}

	lines.push(line);
	return lines.join('\n');
}
