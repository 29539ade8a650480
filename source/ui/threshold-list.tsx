// --threshold rules judged live on the current figures: each with its value and
// "pass" / "FAIL" in words (and ✓ / ✗) as well as colour. A rule judged while the run
// goes on can still change; the exit code uses the final figures.
import {Text} from 'ink';
import type {Snapshot} from '../engine/types.js';
import type {Threshold} from '../settings.js';
import {evaluateThresholds, figuresOf, formatActual, type ThresholdResult} from '../thresholds.js';
import {cellsPerLine, fit} from './text.js';
import {glyph, useTheme} from './theme.js';
import {useDash} from './use-dash.js';

const gap = 3;

/** The rules judged on the live figures, as the summary judges the final ones. */
export function liveResults(thresholds: readonly Threshold[], snap: Snapshot): ThresholdResult[] {
	return evaluateThresholds(thresholds, figuresOf(snap));
}

function cellWidth(thresholds: readonly Threshold[]): number {
	const expr = Math.max(0, ...thresholds.map(t => t.expr.length));
	// "✓ " + expr + " pass " + "(actual)"
	return 2 + expr + 6 + 10;
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
		return {key: threshold.expr + index, ok: result.ok, text: `${verdict} (${formatActual(threshold, result.actual)})`};
	});
	const rows: Array<typeof items> = [];
	for (let i = 0; i < items.length; i += perLine) rows.push(items.slice(i, i + perLine));
	const hiddenFails = hidden.filter(r => !r.ok).length;
	const moreText = hidden.length === 0 ? '' : `+${hidden.length} more rules (${hiddenFails} FAIL)`;
	if (moreText !== '' && (rows.length === 0 || rows.at(-1)!.length === perLine)) rows.push([]);
	return (
		<>
			{rows.map((row, rowIndex) => (
				<Text key={rowIndex} wrap="truncate-end">
					{row.map((item, index) => (
						<Text key={item.key} color={item.ok ? theme.ok : theme.bad}>
							{index === row.length - 1 && !(rowIndex === rows.length - 1 && moreText !== '')
								? item.text
								: fit(item.text, width) + ' '.repeat(gap)}
						</Text>
					))}
					{rowIndex === rows.length - 1 && moreText !== '' ? <Text color={theme.muted}>{moreText}</Text> : null}
				</Text>
			))}
		</>
	);
}
