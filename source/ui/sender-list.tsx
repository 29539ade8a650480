// The senders as a table that never outgrows its lines: a window of rows around the
// selection, one line that says how many are hidden above and below, so 1000+ senders
// fit any terminal, and one for the removed senders, so the rows add up to the totals.
import {Box, Text} from 'ink';
import {useMemo} from 'react';
import {formatCount} from '../format.js';
import {listedSenders} from '../store.js';
import {columnFigures, headerText, planColumns, removedFigures, removedRowText, removedTotals, SenderRow} from './sender-row.js';
import {useSegmentRates} from './segment-rates.js';
import {glyph, useTheme} from './theme.js';
import {useDash, useDashStore} from './use-dash.js';

export interface ListWindow {
	/** Index of the first row shown. */
	start: number;
	/** Rows shown. */
	count: number;
	showHeader: boolean;
	above: number;
	below: number;
}

/**
 * Which rows `lines` can show: the header when there is room, then a window of rows
 * centred on the selection, then a "more" line when some are hidden; `extraLines` are
 * kept free after them (the removed senders' line).
 */
export function listWindow(total: number, selected: number, lines: number, extraLines = 0): ListWindow {
	const showHeader = lines >= 3 || lines >= total + 1 + extraLines;
	const room = Math.max(1, lines - (showHeader ? 1 : 0) - extraLines);
	if (total <= room) return {start: 0, count: total, showHeader, above: 0, below: 0};
	const count = Math.max(1, room - 1);
	const start = Math.max(0, Math.min(selected - Math.floor(count / 2), total - count));
	return {start, count, showHeader, above: start, below: total - start - count};
}

export function moreText(above: number, below: number): string {
	const parts: string[] = [];
	if (above > 0) parts.push(`${glyph.up} ${formatCount(above)} more above`);
	if (below > 0) parts.push(`${glyph.down} ${formatCount(below)} more below`);
	return parts.join(' · ');
}

export interface SenderListProps {
	columns: number;
	/** Lines the list may take, its header and "more" line included. */
	lines: number;
}

export function SenderList({columns, lines}: SenderListProps) {
	const theme = useTheme();
	const store = useDashStore();
	const snap = useDash(s => s.snap);
	const selected = useDash(s => s.ui.selected);
	const senders = useMemo(() => listedSenders(snap), [snap]);
	const removed = removedTotals(snap.senders);
	// Widths change only when a figure gains a digit, so the plan is rebuilt rarely. The
	// removed line's sums are figures of the same columns.
	const {idWidth, sentWidth, failedWidth, windowWidth, capWidth, whereWidth, stateColumn} = columnFigures([...senders, ...removedFigures(removed)]);
	const plan = useMemo(
		() => planColumns(columns, {idWidth, sentWidth, failedWidth, windowWidth, capWidth, whereWidth, stateColumn}),
		[columns, idWidth, sentWidth, failedWidth, windowWidth, capWidth, whereWidth, stateColumn],
	);
	const segmentRates = useSegmentRates();
	if (senders.length === 0) {
		return (
			<Box flexDirection="column">
				<Text wrap="truncate-end" color={theme.warn}>
					{`${glyph.waiting} no senders: press a to add one`}
				</Text>
				{removed.count > 0 && lines >= 2 ? <Text wrap="truncate-end">{removedRowText(removed, plan, theme)}</Text> : null}
			</Box>
		);
	}

	const view = listWindow(senders.length, selected, lines, removed.count > 0 ? 1 : 0);
	const shown = senders.slice(view.start, view.start + view.count);
	const rates = shown.map(s => store.sparkline(s.id));
	const sparkScale = Math.max(0, ...rates.map(r => Math.max(0, ...r)));
	// With one line (a terminal of 6 rows) the selected row takes it: no room to say more.
	const hasRoomForMore = (view.showHeader ? 1 : 0) + view.count < lines;
	const more = hasRoomForMore ? moreText(view.above, view.below) : '';
	const hasRoomForRemoved = (view.showHeader ? 1 : 0) + view.count + (more === '' ? 0 : 1) < lines;
	return (
		<Box flexDirection="column">
			{view.showHeader ? (
				<Text wrap="truncate-end" color={theme.muted}>
					{headerText(plan)}
				</Text>
			) : null}
			{shown.map((sender, index) => (
				<SenderRow
					key={sender.id}
					sender={sender}
					columns={plan}
					isSelected={view.start + index === selected}
					rates={rates[index]!}
					sparkScale={sparkScale}
					segmentRate={segmentRates.senderPerSecond(sender.id)}
				/>
			))}
			{more === '' ? null : (
				<Text wrap="truncate-end" color={theme.muted}>
					{`  ${more}`}
				</Text>
			)}
			{removed.count > 0 && hasRoomForRemoved ? <Text wrap="truncate-end">{removedRowText(removed, plan, theme)}</Text> : null}
		</Box>
	);
}
