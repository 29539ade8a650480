// --threshold rules judged live on the current figures: each with its value and
// "pass" / "FAIL" in words (and ✓ / ✗) as well as colour. A rule judged while the run
// goes on can still change; the exit code uses the final figures. A failed or sent share
// says "of produced": the totals show failed as a share of the finished messages.
import {Text} from 'ink';
import type {Snapshot} from '../engine/types.js';
import type {Threshold} from '../settings.js';
import {evaluateThresholds, figuresOf, formatActual, type ThresholdResult} from '../thresholds.js';
import {cellsPerLine, fit} from './text.js';
import {glyph, paint, useTheme} from './theme.js';
import {useDash} from './use-dash.js';

const gap = 3;

/** The rules judged on the live figures, as the summary judges the final ones. */
export function liveResults(thresholds: readonly Threshold[], snap: Snapshot): ThresholdResult[] {
	return evaluateThresholds(thresholds, figuresOf(snap));
}

/** A share of `failed` or `sent` is of the messages produced (DESIGN), not of those finished as in the totals. */
function isShareOfProduced(threshold: Threshold): boolean {
	return threshold.isPercent && (threshold.metric === 'failed' || threshold.metric === 'sent');
}

const ofProduced = ' of produced';

/** The live figure a rule is judged on, saying what a percentage is of. */
export function actualText(threshold: Threshold, actual: number | null): string {
	const text = formatActual(threshold, actual);
	return isShareOfProduced(threshold) && actual !== null ? text + ofProduced : text;
}

function cellWidth(thresholds: readonly Threshold[]): number {
	const expr = Math.max(0, ...thresholds.map(t => t.expr.length));
	const share = thresholds.some(t => isShareOfProduced(t)) ? ofProduced.length : 0;
	// "✓ " + expr + " pass " + "(actual)"
	return 2 + expr + 6 + 10 + share;
}

/** Lines needed to show every rule (0 without rules). */
export function thresholdNaturalLines(thresholds: readonly Threshold[], columns: number): number {
	if (thresholds.length === 0) return 0;
	return Math.ceil(thresholds.length / cellsPerLine(columns, cellWidth(thresholds), gap));
}

export interface ThresholdListProps {
	thresholds: readonly Threshold[];
	columns: number;
	lines: number;
}

export function ThresholdList({thresholds, columns, lines}: ThresholdListProps) {
	const theme = useTheme();
	const snap = useDash(s => s.snap);
	if (thresholds.length === 0 || lines <= 0) return null;
	const results = liveResults(thresholds, snap);
	const width = cellWidth(thresholds);
	const perLine = cellsPerLine(columns, width, gap);
	const room = perLine * lines;
	// When rules are hidden, the last place says how many (and how many of them fail).
	const shownCount = results.length <= room ? results.length : Math.max(0, room - 1);
	const hidden = results.slice(shownCount);
	const items = results.slice(0, shownCount).map((result, index) => {
		const threshold = thresholds[index]!;
		const verdict = result.ok ? `${glyph.pass} ${threshold.expr} pass` : `${glyph.fail} ${threshold.expr} FAIL`;
		return {ok: result.ok, text: `${verdict} (${actualText(threshold, result.actual)})`};
	});
	const rows: Array<typeof items> = [];
	for (let i = 0; i < items.length; i += perLine) rows.push(items.slice(i, i + perLine));
	const hiddenFails = hidden.filter(r => !r.ok).length;
	const moreText = hidden.length === 0 ? '' : `+${hidden.length} more rules (${hiddenFails} FAIL)`;
	if (moreText !== '' && (rows.length === 0 || rows.at(-1)!.length === perLine)) rows.push([]);
	// A line is one Text with its colours in the string (see sender-row.tsx).
	return (
		<>
			{rows.map((row, rowIndex) => {
				const isLastRow = rowIndex === rows.length - 1;
				const cells = row.map((item, index) => {
					const isLast = index === row.length - 1 && !(isLastRow && moreText !== '');
					return paint(isLast ? item.text : fit(item.text, width) + ' '.repeat(gap), item.ok ? theme.ok : theme.bad);
				});
				if (isLastRow && moreText !== '') cells.push(paint(moreText, theme.muted));
				return (
					<Text key={rowIndex} wrap="truncate-end">
						{cells.join('')}
					</Text>
				);
			})}
		</>
	);
}
