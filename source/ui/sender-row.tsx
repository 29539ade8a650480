// One sender as one line: its settings, its state (sender-state.ts), its figures and a
// sparkline of its sent rate; with the delivery model its window in use (7/10) and its
// rate cap's use; in broker mode where it runs. The selected row is inverse and marked
// "›", so the selection shows without colour.
import {Text} from 'ink';
import type {Distribution, SenderSnapshot, SenderSpec, SenderWhere} from '../engine/types.js';
import {formatCount, formatMs, none} from '../format.js';
import {sparklineText} from './sparkline.js';
import {stateColor, stateText, stateWidth} from './sender-state.js';
import {fit, fitByRank, formatRatePercent} from './text.js';
import {glyph, paint, useTheme, type ColorName, type Theme} from './theme.js';
import {useDash} from './use-dash.js';

export type ColumnId = 'id' | 'dist' | 'mean' | 'obs' | 'p95' | 'fail' | 'state' | 'where' | 'sent' | 'failed' | 'win' | 'cap' | 'flight' | 'spark';

export interface Column {
	id: ColumnId;
	header: string;
	width: number;
	align: 'left' | 'right';
}

interface ColumnSpec extends Column {
	/** 0 = dropped last when the terminal is narrow. */
	rank: number;
}

/** Width of the selection marker ("› ") before every row. */
export const markerWidth = 2;
const sparkMin = 6;
const sparkMax = 24;

const distShort: Record<Distribution, string> = {
	gamma: 'gamma',
	exponential: 'expon',
	normal: 'normal',
	lognormal: 'lognorm',
	uniform: 'uniform',
	constant: 'const',
};

/** The widest texts among the senders, so ids and counts are never cut. */
export interface ColumnFigures {
	/** Digits of the largest id. */
	idWidth: number;
	/** Length of the largest sent count, formatted. */
	sentWidth: number;
	/** Length of the largest failed count, formatted. */
	failedWidth: number;
	/** Length of the widest window in use ("10/10"); 0 when no sender has a window above 1 (no column). */
	windowWidth?: number;
	/** Length of the widest rate cap's use ("100% of 100/s"); 0 when no sender has a rate (no column). */
	capWidth?: number;
	/** Length of the longest place ("this process", "host/pid"); 0 when no sender says (in-process: no column). */
	whereWidth?: number;
	/** Width of the state column when senders are SMPP binds ("bound 12 rcpt 3 thr"); 0: the usual. */
	stateColumn?: number;
}

/** A sender as columnFigures() reads it: the removed line's sums have no spec. */
export type FigureSource = Pick<SenderSnapshot, 'id' | 'sent' | 'failed' | 'where' | 'bind'> & {spec?: Pick<SenderSpec, 'window' | 'rate'>};

/** The widths the senders' figures need. */
export function columnFigures(senders: readonly FigureSource[]): ColumnFigures {
	let maxId = 0;
	let maxSent = 0;
	let maxFailed = 0;
	let maxWindow = 0;
	let maxRate = 0;
	let maxWhere = 0;
	let isBind = false;
	for (const s of senders) {
		if (s.where !== undefined) maxWhere = Math.max(maxWhere, whereText(s.where).length);
		isBind ||= s.bind !== undefined;
		maxId = Math.max(maxId, s.id);
		maxSent = Math.max(maxSent, s.sent);
		maxFailed = Math.max(maxFailed, s.failed);
		const window = s.spec?.window ?? 1;
		if (window > 1) maxWindow = Math.max(maxWindow, window);
		const rate = s.spec?.rate;
		if (rate !== undefined) maxRate = Math.max(maxRate, rate);
	}

	return {
		idWidth: String(maxId).length,
		sentWidth: formatCount(maxSent).length,
		failedWidth: formatCount(maxFailed).length,
		windowWidth: maxWindow === 0 ? 0 : windowText(maxWindow, maxWindow).length,
		capWidth: maxRate === 0 ? 0 : capText(maxRate, maxRate).length,
		whereWidth: Math.min(whereMax, maxWhere),
		stateColumn: isBind ? bindStateWidth : 0,
	};
}

/** The longest place shown; a longer host name is cut. */
const whereMax = 24;

/** Where a sender runs: "this process", or a worker's "host/pid". */
export function whereText(where: SenderWhere): string {
	return where.isHere ? 'this process' : `${where.host}/${where.pid}`;
}

/** Submits unanswered out of the window: "7/10". */
export function windowText(used: number, window: number): string {
	return `${formatCount(used)}/${formatCount(window)}`;
}

/** Recent segments/s against the sender's rate cap: "98% of 100/s" ("– of 100/s" before a rate is known). */
export function capText(segmentRate: number | undefined, rate: number): string {
	const cap = `${formatRateCap(rate)}/s`;
	if (segmentRate === undefined || !Number.isFinite(segmentRate) || rate <= 0) return `${none} of ${cap}`;
	return `${Math.round((segmentRate * 100) / rate)}% of ${cap}`;
}

/** A rate cap: whole numbers grouped, a fraction kept (0.5/s). */
function formatRateCap(rate: number): string {
	return Number.isInteger(rate) ? formatCount(rate) : String(Math.round(rate * 100) / 100);
}

/** The state column of SMPP binds: room for "reconnecting" and for "bound 1,234 rcpt 56 thr". */
const bindStateWidth = 22;

function specs({idWidth, sentWidth, failedWidth, windowWidth = 0, capWidth = 0, whereWidth = 0, stateColumn = 0}: ColumnFigures): ColumnSpec[] {
	const model: ColumnSpec[] = [
		...(windowWidth > 0 ? [{id: 'win', header: 'win', width: Math.max(5, windowWidth), align: 'right', rank: 3.4} as const] : []),
		...(capWidth > 0 ? [{id: 'cap', header: 'rate cap', width: Math.max(8, capWidth), align: 'right', rank: 3.5} as const] : []),
	];
	return [
		{id: 'id', header: '#', width: Math.max(3, idWidth + 1), align: 'left', rank: 0},
		{id: 'dist', header: 'dist', width: 7, align: 'left', rank: 9},
		{id: 'mean', header: 'mean', width: 7, align: 'right', rank: 4},
		{id: 'obs', header: 'obs', width: 7, align: 'right', rank: 7},
		{id: 'p95', header: 'p95', width: 7, align: 'right', rank: 8},
		{id: 'fail', header: 'fail', width: 5, align: 'right', rank: 5},
		{id: 'state', header: 'state', width: Math.max(stateWidth, stateColumn), align: 'left', rank: 1},
		...(whereWidth > 0 ? [{id: 'where', header: 'runs in', width: Math.max(7, whereWidth), align: 'left', rank: 2.5} as const] : []),
		{id: 'sent', header: 'sent', width: Math.max(7, sentWidth), align: 'right', rank: 2},
		{id: 'failed', header: 'failed', width: Math.max(6, failedWidth + 2), align: 'right', rank: 3},
		...model,
		{id: 'flight', header: 'flight', width: 6, align: 'right', rank: 10},
		{id: 'spark', header: 'sent/s', width: sparkMin, align: 'left', rank: 6},
	];
}

/**
 * The columns that fit in `columns`, in display order. The most useful are kept first;
 * the sparkline then takes what is left, up to its full length.
 */
export function planColumns(columns: number, figures: ColumnFigures): Column[] {
	const all = specs(figures);
	const room = columns - markerWidth;
	const kept = fitByRank(all, room, spec => spec.width, 1);
	const used = kept.reduce((sum, spec) => sum + spec.width, Math.max(0, kept.length - 1));
	const sparkWidth = kept.some(spec => spec.id === 'spark') ? Math.min(sparkMax, sparkMin + (room - used)) : 0;
	return kept.map(({id, header, width, align}) => ({id, header, align, width: id === 'spark' ? sparkWidth : width}));
}

/** The plain text of each cell, before padding; `segmentRate`: the sender's recent segments/s. */
export function cellText(id: ColumnId, sender: SenderSnapshot, isPaused = false, segmentRate?: number): string {
	switch (id) {
		case 'id': {
			return `#${sender.id}`;
		}

		// An SMPP bind's send time and failures are the SMSC's: no setting to show.
		case 'dist': {
			return sender.bind === undefined ? distShort[sender.spec.distribution] : none;
		}

		case 'mean': {
			return sender.bind === undefined ? formatMs(sender.spec.meanMs) : none;
		}

		case 'obs': {
			return formatMs(sender.observedMeanMs);
		}

		case 'p95': {
			return formatMs(sender.p95Ms);
		}

		case 'fail': {
			return sender.bind === undefined ? formatRatePercent(sender.spec.failureRate) : none;
		}

		case 'state': {
			return stateText(sender, isPaused);
		}

		case 'where': {
			return sender.where === undefined ? none : whereText(sender.where);
		}

		case 'sent': {
			return formatCount(sender.sent);
		}

		case 'failed': {
			return sender.failed === 0 ? '0' : `${glyph.failed} ${formatCount(sender.failed)}`;
		}

		case 'win': {
			const window = sender.spec.window ?? 1;
			return window > 1 ? windowText(sender.windowUsed, window) : none;
		}

		case 'cap': {
			return sender.spec.rate === undefined ? none : capText(segmentRate, sender.spec.rate);
		}

		case 'flight': {
			return formatCount(sender.inFlight);
		}

		case 'spark': {
			return none;
		}
	}
}

function cellColor(id: ColumnId, sender: SenderSnapshot, theme: Theme, isPaused: boolean): ColorName | undefined {
	if (id === 'failed' && sender.failed > 0) return theme.bad;
	if (id === 'sent' && sender.sent > 0) return theme.ok;
	if (id === 'state') return stateColor(sender, theme, isPaused);
	if (id === 'where' && sender.where?.isHere === true) return theme.muted;

	if (id === 'spark') return theme.spark;
	return undefined;
}

export interface SenderRowProps {
	sender: SenderSnapshot;
	columns: Column[];
	isSelected: boolean;
	/** The sender's sent per second in each recent tick, oldest first (failures not counted). */
	rates: readonly number[];
	/** The sent rate drawn as a full block (shared by the rows on screen). */
	sparkScale: number;
	/** The sender's recent segments per simulated second (its rate cap's use). */
	segmentRate?: number | undefined;
}

export function SenderRow({sender, columns, isSelected, rates, sparkScale, segmentRate}: SenderRowProps) {
	const theme = useTheme();
	// The simulated clock is stopped (not so on a broker's wall clock, where senders finish what they hold).
	const isPaused = useDash(s => s.run.isPaused && !s.run.isDone && s.run.canChangeSpeed);
	// One Text with the colours already in its string: a row is one node for React and
	// Ink to lay out, not one per column (measured in bench/dashboard.js).
	return (
		<Text wrap="truncate-end" inverse={isSelected} bold={isSelected}>
			{rowText(sender, columns, isSelected, rates, sparkScale, theme, isPaused, segmentRate)}
		</Text>
	);
}

/** A sender's line: the selection marker, then each column padded and coloured. */
export function rowText(
	sender: SenderSnapshot,
	columns: readonly Column[],
	isSelected: boolean,
	rates: readonly number[],
	sparkScale: number,
	theme: Theme,
	isPaused = false,
	segmentRate?: number,
): string {
	let line = isSelected ? `${glyph.selected} ` : '  ';
	for (const [index, column] of columns.entries()) {
		const text =
			column.id === 'spark'
				? sparklineText(rates, column.width, sparkScale)
				: fit(cellText(column.id, sender, isPaused, segmentRate), column.width, column.align);
		line += (index === 0 ? '' : ' ') + paint(text, cellColor(column.id, sender, theme, isPaused));
	}

	return line;
}

/** What the removed senders did: their rows are gone, their messages still count in the totals. */
export interface RemovedTotals {
	count: number;
	sent: number;
	failed: number;
}

export function removedTotals(senders: readonly SenderSnapshot[]): RemovedTotals {
	const totals = {count: 0, sent: 0, failed: 0};
	for (const s of senders) {
		// A gone sender (broker mode) keeps its own row.
		if (s.state !== 'removed' || s.isGone === true) continue;
		totals.count++;
		totals.sent += s.sent;
		totals.failed += s.failed;
	}

	return totals;
}

/** The removed line as a figure for columnFigures(), so its sums are never cut. */
export function removedFigures(removed: RemovedTotals): Array<Pick<SenderSnapshot, 'id' | 'sent' | 'failed'>> {
	return removed.count === 0 ? [] : [{id: 0, sent: removed.sent, failed: removed.failed}];
}

/**
 * One line for all removed senders, its figures under the rows' sent and failed columns,
 * so the rows and this line add up to the totals.
 */
export function removedRowText(removed: RemovedTotals, columns: readonly Column[], theme: Theme): string {
	const label = `${formatCount(removed.count)} removed`;
	const failed = removed.failed === 0 ? '0' : `${glyph.failed} ${formatCount(removed.failed)}`;
	if (!columns.some(column => column.id === 'state')) {
		return `  ${paint(label, theme.muted)}: ${paint(formatCount(removed.sent), theme.ok)} sent, ${paint(failed, removed.failed > 0 ? theme.bad : undefined)}`;
	}

	let line = '  ';
	for (const [index, column] of columns.entries()) {
		let cell = '';
		let color: ColorName | undefined;
		if (column.id === 'state') {
			cell = label;
			color = theme.muted;
		} else if (column.id === 'sent') {
			cell = formatCount(removed.sent);
			color = removed.sent > 0 ? theme.ok : undefined;
		} else if (column.id === 'failed') {
			cell = failed;
			color = removed.failed > 0 ? theme.bad : undefined;
		}

		line += (index === 0 ? '' : ' ') + paint(fit(cell, column.width, column.align), color);
	}

	return line.trimEnd();
}

/** The column titles, aligned as the rows. */
export function headerText(columns: Column[]): string {
	return ' '.repeat(markerWidth) + columns.map(column => fit(column.header, column.width, column.align)).join(' ');
}

