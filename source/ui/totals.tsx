// The run's totals as a grid of fixed-width cells (so figures do not jump as they grow),
// and the progress bar below them. When lines are short, the most useful cells stay. The
// delivery model's figures show only where they mean something (a cap, receipts, a price).
import {Box, Text} from 'ink';
import type {Progress} from '../engine/monitor.js';
import type {Snapshot} from '../engine/types.js';
import {formatCost, formatCount, formatMs, formatPercent, formatRate, none} from '../format.js';
import {useRunView, type RunView} from './run-view.js';
import {useSegmentRates} from './segment-rates.js';
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

/** What the run is doing, beyond its figures. */
export interface TotalsRunState {
	isStalled?: boolean;
	isPaused?: boolean;
	/** Simulated seconds per wall second; the ETA is simulated time unless this is 1. */
	speed?: number;
}

function etaText(snap: Snapshot, progress: Progress, isStalled: boolean, isPaused: boolean): string {
	if (snap.isDone) return 'done';
	// Paused, nothing counts down.
	if (isPaused) return 'paused';
	// The reading can lag a key press by one interval: never claim 0 left while work
	// waits, nor a time while no sender is left to do it.
	return isStalled || progress.etaMs === 0 ? none : formatMs(progress.etaMs);
}

/** What the delivery model's cells need besides the snapshot. */
export interface TotalsModel extends Pick<RunView, 'gatewayRate' | 'hasReceipts'> {
	/** Segments accepted per simulated second, recently. */
	segmentRate?: number | undefined;
}

/** Which of the delivery model's cells mean something in this run. */
export interface ModelCells {
	invalid: boolean;
	delivered: boolean;
	throttled: boolean;
	gateway: boolean;
	reach: boolean;
	cost: boolean;
}

const pricedBySnap = new WeakMap<Snapshot, boolean>();

/** Some sender, running or removed, has a price (kept per snapshot: it reads every sender). */
function hasPrice(snap: Snapshot): boolean {
	let priced = pricedBySnap.get(snap);
	if (priced === undefined) {
		priced = snap.cost > 0 || snap.senders.some(sender => (sender.spec.price ?? 0) > 0);
		pricedBySnap.set(snap, priced);
	}

	return priced;
}

export function modelCells(snap: Snapshot, {gatewayRate, hasReceipts}: Omit<TotalsModel, 'segmentRate'>): ModelCells {
	const hasGateway = gatewayRate !== undefined;
	return {
		invalid: snap.failedInvalid > 0,
		delivered: hasReceipts,
		throttled: hasGateway || snap.throttled > 0,
		gateway: hasGateway,
		reach: hasReceipts,
		cost: hasPrice(snap),
	};
}

/** How many cells the totals have: the ten of every run and the model's that apply. */
export function totalsCellCountOf(snap: Snapshot, model: Omit<TotalsModel, 'segmentRate'>): number {
	return totalsCellCount + Object.values(modelCells(snap, model)).filter(Boolean).length;
}

/** The gateway's use: recent segments/s against its cap ("412/1,000 seg/s"). */
export function gatewayText(segmentRate: number | undefined, gatewayRate: number): string {
	const now = segmentRate === undefined || !Number.isFinite(segmentRate) ? none : formatCount(segmentRate);
	return `${now}/${formatCount(gatewayRate)} seg/s`;
}

/** The cells in display order (the pipeline, then the times). */
export function totalsCells(
	snap: Snapshot,
	progress: Progress,
	{isStalled = false, isPaused = false, speed = 1}: TotalsRunState = {},
	model: TotalsModel = {hasReceipts: false},
): TotalsCell[] {
	const finished = snap.sent + snap.failed;
	// The recent rate, named "now": the summary's throughput is the whole run's (issue 20).
	const throughput = progress.recentThroughput ?? progress.throughput;
	const eta = etaText(snap, progress, isStalled, isPaused);
	// At any speed but 1× an ETA is simulated time, not the time to wait (issue 20).
	const isSimEta = speed !== 1 && /\d/.test(eta);
	const shown = modelCells(snap, model);
	const cells: Array<TotalsCell | false> = [
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
		// Of the failed: numbers that cannot receive (the rest ran out of retries).
		shown.invalid && {id: 'invalid', label: 'invalid', short: 'inval', value: formatCount(snap.failedInvalid), rank: 5.2, tone: 'bad'},
		shown.delivered && {id: 'delivered', label: 'delivered', short: 'deliv', value: formatCount(snap.delivered), rank: 4.5, tone: 'ok'},
		shown.throttled && {id: 'throttled', label: 'throttled', short: 'thrott', value: formatCount(snap.throttled), rank: 5.5, tone: 'plain'},
		{id: 'avg', label: 'avg/msg', short: 'avg', value: formatMs(snap.avgTimeMs), rank: 7, tone: 'plain'},
		{id: 'e2e', label: 'e2e avg', short: 'e2e', value: formatMs(snap.avgE2eMs), rank: 9, tone: 'plain'},
		{id: 'throughput', label: 'rate now', short: 'now', value: formatRate(throughput), rank: 4, tone: 'plain'},
		shown.gateway && {id: 'gateway', label: 'gateway', short: 'gw', value: gatewayText(model.segmentRate, model.gatewayRate!), rank: 3.5, tone: 'plain'},
		shown.reach && {id: 'reach', label: 'reach p95', short: 'reach', value: formatMs(snap.reachP95Ms), rank: 3.2, tone: 'plain'},
		{id: 'eta', label: isSimEta ? 'ETA (sim)' : 'ETA', short: isSimEta ? 'ETA sim' : 'ETA', value: eta, rank: 3, tone: 'plain'},
		shown.cost && {id: 'cost', label: 'cost', short: 'cost', value: formatCost(snap.cost), rank: 6.5, tone: 'plain'},
	];
	return cells.filter(cell => cell !== false);
}

export interface TotalsGrid {
	isCompact: boolean;
	labelWidth: number;
	/** Narrowest value column: a value column widens when a figure (failed) needs it. */
	valueWidth: number;
	cellWidth: number;
	gap: number;
	/** Cells a line holds when every value fits the narrowest column. */
	perLine: number;
}

export function totalsGrid(columns: number): TotalsGrid {
	const isCompact = columns < 60;
	const labelWidth = isCompact ? 7 : 11;
	const valueWidth = isCompact ? 11 : 13;
	const cellWidth = labelWidth + valueWidth;
	const gap = isCompact ? 1 : 2;
	return {isCompact, labelWidth, valueWidth, cellWidth, gap, perLine: cellsPerLine(columns, cellWidth, gap)};
}

/** The cells shown, a line each, and the width of each value column (the last one is not padded). */
export interface TotalsArrangement {
	lines: TotalsCell[][];
	valueWidths: number[];
}

/**
 * Lines of cells whose values are never cut: each value column is as wide as its widest
 * value, and a line holds fewer cells when that would pass the width. The last column
 * runs to the edge. (A value cut at a width that showed it whole before was issue 20.)
 */
export function arrangeTotals(cells: TotalsCell[], columns: number, maxLines: number): TotalsArrangement {
	const grid = totalsGrid(columns);
	for (let perLine = grid.perLine; ; perLine--) {
		const shown = visibleCells(cells, perLine, maxLines);
		const lines: TotalsCell[][] = [];
		for (let i = 0; i < shown.length; i += perLine) lines.push(shown.slice(i, i + perLine));
		const valueWidths = Array.from({length: Math.min(perLine, shown.length)}, (_, column) =>
			Math.max(grid.valueWidth, ...lines.map(line => line[column]?.value.length ?? 0)),
		);
		const width = valueWidths.reduce((sum, value) => sum + grid.labelWidth + value, 0) + grid.gap * (valueWidths.length - 1);
		if (perLine === 1 || width <= columns) return {lines, valueWidths};
	}
}

export const totalsCellCount = 10;

/** Lines the totals take with every cell shown. */
export function totalsNaturalLines(columns: number, cellCount = totalsCellCount): number {
	return Math.ceil(cellCount / totalsGrid(columns).perLine);
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
	const isPaused = useDash(s => s.run.isPaused);
	const speed = useDash(s => s.run.speed);
	const {gatewayRate, hasReceipts} = useRunView();
	const segmentRate = useSegmentRates().totalPerSecond();
	const grid = totalsGrid(columns);
	const cells = totalsCells(snap, progress, {isStalled, isPaused, speed}, {gatewayRate, hasReceipts, segmentRate});
	const {lines, valueWidths} = arrangeTotals(cells, columns, maxLines);
	// A line is one Text with its colours in the string (see sender-row.tsx).
	return (
		<Box flexDirection="column">
			{lines.map(line => (
				<Text key={line[0]!.id} wrap="truncate-end">
					{line
						.map((cell, index) => {
							const value = index === line.length - 1 ? cell.value : fit(cell.value, valueWidths[index]!) + ' '.repeat(grid.gap);
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
