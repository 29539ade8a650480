// --threshold rules judged live: each with its value and its verdict in words (and ✓ / ✗)
// as well as colour. While the run goes on a verdict is "so far", and a share of failed
// or sent is of the messages finished (the share the totals show, and the one the end
// judges, when every message produced is finished); once done it is the final verdict.
import {Text} from 'ink';
import type {Snapshot} from '../engine/types.js';
import type {Threshold} from '../settings.js';
import {evaluateThresholds, formatActual, judgedFiguresOf, type ThresholdResult} from '../thresholds.js';
import {cellsPerLine, fit} from './text.js';
import {glyph, paint, useTheme} from './theme.js';
import {useDash} from './use-dash.js';

const gap = 3;

/** The rules judged on the figures so far (judgedFiguresOf: until the end a share is of the messages finished). */
export function liveResults(thresholds: readonly Threshold[], snap: Snapshot): ThresholdResult[] {
	return evaluateThresholds(thresholds, judgedFiguresOf(snap));
}

/** A share of `failed` or `sent` is of the messages produced (DESIGN), not of those finished as in the totals. */
function isShareOfProduced(threshold: Threshold): boolean {
	return threshold.isPercent && (threshold.metric === 'failed' || threshold.metric === 'sent');
}

const ofProduced = ' of produced';
const ofFinished = ' of finished';
const soFar = ' so far';

/** The figure a rule is judged on, saying what a percentage is of (finished while the run goes on). */
export function actualText(threshold: Threshold, actual: number | null, isDone = true): string {
	const text = formatActual(threshold, actual);
	if (!isShareOfProduced(threshold) || actual === null) return text;
	return text + (isDone ? ofProduced : ofFinished);
}

/** "✓ failed<10% pass so far (4.3% of finished)", or the final verdict once done. */
export function ruleText(threshold: Threshold, result: ThresholdResult, isDone: boolean): string {
	const verdict = result.ok ? `${glyph.pass} ${threshold.expr} pass` : `${glyph.fail} ${threshold.expr} FAIL`;
	return `${verdict}${isDone ? '' : soFar} (${actualText(threshold, result.actual, isDone)})`;
}

function cellWidth(thresholds: readonly Threshold[]): number {
	const expr = Math.max(0, ...thresholds.map(t => t.expr.length));
	const share = thresholds.some(t => isShareOfProduced(t)) ? Math.max(ofProduced.length, ofFinished.length) : 0;
	// "✓ " + expr + " pass so far " + "(actual)"
	return 2 + expr + 6 + soFar.length + 10 + share;
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
	const items = results
		.slice(0, shownCount)
		.map((result, index) => ({ok: result.ok, text: ruleText(thresholds[index]!, result, snap.isDone)}));
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
