// A sender's recent sent rate as a row of block characters (▁ for none, ▂..█ scaled to a
// shared maximum so rows compare), always its full width: the ticks before the first are
// drawn as none, so the bars do not drift across the column early in a run (issue 20).
// Pure rendering; the figures come from the monitor.
const levels = ['▂', '▃', '▄', '▅', '▆', '▇', '█'];
const zero = '▁';

/** The last `width` values as blocks, padded on the left with none; scale is the value drawn full (the max when omitted). */
export function sparklineText(values: readonly number[], width: number, scale?: number): string {
	if (width <= 0) return '';
	const shown = values.slice(-width);
	const top = scale ?? Math.max(0, ...shown);
	let out = '';
	for (const value of shown) {
		if (!(value > 0) || !(top > 0)) {
			out += zero;
			continue;
		}

		const index = Math.min(levels.length - 1, Math.max(0, Math.ceil((value / top) * levels.length) - 1));
		out += levels[index];
	}

	return out.padStart(width, zero);
}
