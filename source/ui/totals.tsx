// The run's totals as a grid of fixed-width cells (so figures do not jump as they grow),
// and the progress bar below them. When lines are short, the most useful cells stay.
import {Box, Text} from 'ink';
import type {Progress} from '../engine/monitor.js';
import type {Snapshot} from '../engine/types.js';
import {formatCount, formatMs, formatPercent, formatRate, none} from '../format.js';
import {cellsPerLine, fit, fitByRank} from './text.js';
import {glyph, paint, useTheme, type ColorName, type Theme} from './theme.js';
import {useDash} from './use-dash.js';

type Tone = 'ok' | 'bad' | 'plain';

export interface TotalsCell {
	id: string;
	label: string;
	/** Label on narrow terminals. */
	short: string;
	value: string;
	/** 1 = kept longest. */
	rank: number;
	tone: Tone;
}

/** The cells in display order (the pipeline, then the times). */
export function totalsCells(snap: Snapshot, progress: Progress, isStalled = false): TotalsCell[] {
	const finished = snap.sent + snap.failed;
	const throughput = progress.recentThroughput ?? progress.throughput;
	// The reading can lag a key press by one interval: never claim 0 left while work
	// waits, nor a time while no sender is left to do it.
	const eta = snap.isDone ? 'done' : isStalled || progress.etaMs === 0 ? none : formatMs(progress.etaMs);
	return [
		{id: 'produced', label: 'produced', short: 'made', value: formatCount(snap.produced), rank: 8, tone: 'plain'},
		{id: 'queued', label: 'queued', short: 'queue', value: formatCount(snap.queued), rank: 5, tone: 'plain'},
		{id: 'inFlight', label: 'in flight', short: 'flight', value: formatCount(snap.inFlight), rank: 6, tone: 'plain'},
		{id: 'resting', label: 'resting', short: 'rest', value: formatCount(snap.resting), rank: 10, tone: 'plain'},
		{id: 'sent', label: 'sent', short: 'sent', value: formatCount(snap.sent), rank: 1, tone: 'ok'},
		{
			id: 'failed',
			label: 'failed',
			short: 'failed',
			value: snap.failed === 0 ? '0' : `${glyph.failed} ${formatCount(snap.failed)} (${formatPercent(snap.failed, finished)})`,
			rank: 2,
			tone: snap.failed === 0 ? 'plain' : 'bad',
		},
		{id: 'avg', label: 'avg/msg', short: 'avg', value: formatMs(snap.avgTimeMs), rank: 7, tone: 'plain'},
		{id: 'e2e', label: 'e2e avg', short: 'e2e', value: formatMs(snap.avgE2eMs), rank: 9, tone: 'plain'},
		{id: 'throughput', label: 'throughput', short: 'rate', value: formatRate(throughput), rank: 4, tone: 'plain'},
		{id: 'eta', label: 'ETA', short: 'ETA', value: eta, rank: 3, tone: 'plain'},
	];
}

export interface TotalsGrid {
	isCompact: boolean;
	labelWidth: number;
	cellWidth: number;
	gap: number;
	perLine: number;
}

export function totalsGrid(columns: number): TotalsGrid {
	const isCompact = columns < 60;
	const labelWidth = isCompact ? 7 : 11;
	const cellWidth = labelWidth + (isCompact ? 11 : 13);
	const gap = isCompact ? 1 : 2;
	return {isCompact, labelWidth, cellWidth, gap, perLine: cellsPerLine(columns, cellWidth, gap)};
}

export const totalsCellCount = 10;

/** Lines the totals take with every cell shown. */
export function totalsNaturalLines(columns: number): number {
	return Math.ceil(totalsCellCount / totalsGrid(columns).perLine);
}

/** The cells that fit in `maxLines`, highest rank first, shown in display order. */
export function visibleCells(cells: TotalsCell[], perLine: number, maxLines: number): TotalsCell[] {
	return fitByRank(cells, Math.max(0, maxLines) * perLine, () => 1);
}

function toneColor(tone: Tone, theme: Theme): ColorName | undefined {
	if (tone === 'ok') return theme.ok;
	if (tone === 'bad') return theme.bad;
	return undefined;
}

export interface TotalsProps {
	columns: number;
	/** Lines for the cells (the bar takes one more). */
	maxLines: number;
	/** @default true */
	showBar?: boolean;
}

export function Totals({columns, maxLines, showBar = true}: TotalsProps) {
	const theme = useTheme();
	const snap = useDash(s => s.snap);
	const progress = useDash(s => s.progress);
	const isStalled = useDash(s => s.run.isStalled);
	const grid = totalsGrid(columns);
	const cells = visibleCells(totalsCells(snap, progress, isStalled), grid.perLine, maxLines);
	const lines: TotalsCell[][] = [];
	for (let i = 0; i < cells.length; i += grid.perLine) lines.push(cells.slice(i, i + grid.perLine));
	const valueWidth = grid.cellWidth - grid.labelWidth;
	// A line is one Text with its colours in the string (see sender-row.tsx).
	return (
		<Box flexDirection="column">
			{lines.map(line => (
				<Text key={line[0]!.id} wrap="truncate-end">
					{line
						.map((cell, index) => {
							const value = index === line.length - 1 ? cell.value : fit(cell.value, valueWidth) + ' '.repeat(grid.gap);
							const label = fit(grid.isCompact ? cell.short : cell.label, grid.labelWidth);
							return paint(label, theme.muted) + paint(value, toneColor(cell.tone, theme));
						})
						.join('')}
				</Text>
			))}
			{showBar ? <ProgressBar columns={columns} /> : null}
		</Box>
	);
}

const eighths = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A bar of `width` columns: full blocks, one partial block, then ░ for the rest. */
export function barParts(fraction: number, width: number): {filled: string; empty: string} {
	const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
	const exact = f * width;
	const full = Math.floor(exact);
	const partial = full < width ? eighths[Math.floor((exact - full) * 8)]! : '';
	const filled = '█'.repeat(full) + partial;
	return {filled, empty: '░'.repeat(Math.max(0, width - filled.length))};
}

function ProgressBar({columns}: {columns: number}) {
	const theme = useTheme();
	const finished = useDash(s => s.snap.sent + s.snap.failed);
	const total = useDash(s => s.snap.total);
	const percent = formatPercent(finished, total);
	const counts = `${formatCount(finished)}/${formatCount(total)}`;
	const suffix = columns >= 60 ? ` ${percent.padStart(6)}  ${counts} finished` : ` ${percent.padStart(6)} ${counts}`;
	const width = Math.max(4, columns - suffix.length);
	const {filled, empty} = barParts(total === 0 ? 0 : finished / total, width);
	return (
		<Text wrap="truncate-end">{paint(filled, theme.bar) + paint(empty, theme.muted) + suffix}</Text>
	);
}
