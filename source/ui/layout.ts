// How the terminal's rows are shared out. The live frame stays shorter than the
// terminal (a frame as tall as the screen flickers and wipes scrollback: ink#450, #359),
// so every section gets a line budget here and never grows past it. Pure.

export interface LayoutInput {
	rows: number;
	/** Lines the totals grid needs to show every cell. */
	totalsLines: number;
	/** Lines the threshold rules need (0 when there are none). */
	thresholdLines: number;
	senderCount: number;
	hasNote: boolean;
}

export interface Layout {
	/** Most lines the frame may take: one less than the terminal. */
	maxLines: number;
	totalsLines: number;
	thresholdLines: number;
	noteLines: number;
	/** A blank line before the sender list, when there is room. */
	spacerLines: number;
	/** Lines for the sender list: its header, the rows, the "more" line and, room allowing, one for removed senders. */
	listLines: number;
	/** The progress bar (1), or none on a terminal of a few rows (0). */
	barLines: number;
	/** The key hints (1), or none on a terminal of a few rows (0). */
	footerLines: number;
}

/** Header, progress bar and footer. */
const fixedLines = 3;
/** The smallest full frame: the fixed lines, a line of totals and one of the list. */
const fullMinimum = fixedLines + 2;
/** Sender rows kept on screen before the totals may grow. */
const minRows = 2;

export function planLayout({rows, totalsLines, thresholdLines, senderCount, hasNote}: LayoutInput): Layout {
	const maxLines = Math.max(1, rows - 1);
	if (maxLines < fullMinimum) return tinyLayout(maxLines);
	const listNatural = senderCount === 0 ? 1 : 1 + senderCount;
	const listMin = senderCount === 0 ? 1 : senderCount <= minRows ? listNatural : 1 + minRows + 1;
	let left = maxLines - fixedLines - listMin;
	const totals = Math.min(totalsLines, Math.max(1, left));
	left -= totals;
	const thresholds = Math.min(thresholdLines, Math.max(0, left));
	left -= thresholds;
	const note = hasNote && left > 0 ? 1 : 0;
	left -= note;
	const listExtra = Math.min(Math.max(0, left), listNatural - listMin);
	left -= listExtra;
	const spacer = left > 0 ? 1 : 0;
	left -= spacer;
	// A line the list may use for its removed senders (it knows whether there are any).
	const spare = left > 0 ? 1 : 0;
	// On a terminal too small for even the minimum, the list shrinks to one line.
	const listLines = Math.max(1, Math.min(listMin + listExtra + spare, maxLines - fixedLines - totals - thresholds - note - spacer));
	return {maxLines, totalsLines: totals, thresholdLines: thresholds, noteLines: note, spacerLines: spacer, listLines, barLines: 1, footerLines: 1};
}

/**
 * Fewer than six rows: what fits, most useful first. The header (state and clock), then
 * the selected sender (the one the keys act on), the progress bar, a line of totals.
 */
function tinyLayout(maxLines: number): Layout {
	return {
		maxLines,
		listLines: maxLines >= 2 ? 1 : 0,
		barLines: maxLines >= 3 ? 1 : 0,
		totalsLines: maxLines >= 4 ? 1 : 0,
		thresholdLines: 0,
		noteLines: 0,
		spacerLines: 0,
		footerLines: 0,
	};
}
