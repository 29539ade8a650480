// Small pure text helpers for fixed-width cells, and which cells fit a width. Every glyph
// the dashboard prints is one column wide, so string length is display width here.
import {formatCount, none} from '../format.js';

/** Pads (or cuts, ending in "…") to exactly `width` columns. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	if (width <= 0) return '';
	if (text.length > width) return width === 1 ? '…' : text.slice(0, width - 1) + '…';
	return align === 'left' ? text.padEnd(width) : text.padStart(width);
}

/** Cuts a line to `width` columns (for lines built from plain text). */
export function cut(text: string, width: number): string {
	return text.length > width ? text.slice(0, Math.max(0, width)) : text;
}

/** A failure rate as a short percentage: 0.1 -> "10%", 0.125 -> "12.5%". */
export function formatRatePercent(rate: number): string {
	const percent = Math.round(rate * 1000) / 10;
	return `${percent}%`;
}

/** Greedy packing of equal-width cells: how many fit on a line of `columns`. */
export function cellsPerLine(columns: number, cellWidth: number, gap: number): number {
	return Math.max(1, Math.floor((columns + gap) / (cellWidth + gap)));
}

/** A short countdown: 4.2s, 42s, 2m05s, 1h02m (never wider than 5). */
export function formatCountdown(ms: number): string {
	const s = Math.max(0, ms) / 1000;
	if (s < 10) return `${s.toFixed(1)}s`;
	if (s < 60) return `${Math.floor(s)}s`;
	const m = Math.floor(s / 60);
	if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
	return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * The items that fit across `room` columns, lowest rank first, in their own order. Each
 * takes `widthOf(item)` plus `gap` before it (none before the first one kept). A narrower
 * item of higher rank may still fit where a wider one did not, unless `isPrefix`: then the
 * first that does not fit ends the choice, so the kept items are always the best-ranked ones.
 */
export function fitByRank<T extends {rank: number}>(items: readonly T[], room: number, widthOf: (item: T) => number, gap = 0, isPrefix = false): T[] {
	const kept = new Set<T>();
	let used = 0;
	for (const item of [...items].sort((a, b) => a.rank - b.rank)) {
		const need = widthOf(item) + (used === 0 ? 0 : gap);
		if (used + need > room) {
			if (isPrefix) break;
			continue;
		}

		kept.add(item);
		used += need;
	}

	return items.filter(item => kept.has(item));
}
