// Help is a mode that replaces the dashboard: every binding of the key table. It takes
// the first form that fits the screen: one binding a line, two columns of them, or
// (on a small screen) brief hints packed into lines. Where a full form leaves room, the
// run's totals stay above it. Only ?, Esc and q act while open.
import {Box, Text} from 'ink';
import {helpRows, type KeyScope} from './keymap.js';
import {fit} from './text.js';
import {useTheme} from './theme.js';
import {Totals, totalsCellCount, totalsNaturalLines} from './totals.js';
import {useDash} from './use-dash.js';
import {useHeartbeat} from './use-heartbeat.js';

export interface HelpOverlayProps {
	columns: number;
	/** Lines the overlay may take. */
	lines: number;
	/** Cells the totals have (the delivery model adds some). @default 10 */
	totalsCells?: number;
}

const title = 'sms-dash keys';
const closing = '? or Esc or q: close help';
const columnGap = 3;
const briefGap = '  ';

/** The body lines of help for a screen, cut with a "… n more" line as a last resort. */
export function helpLines(columns: number, room: number, scope: KeyScope = {}): string[] {
	return fullHelpLines(columns, room, scope) ?? briefHelpLines(columns, room, scope);
}

/** Every binding with its whole help line, one a line or in two columns; undefined when neither fits. */
function fullHelpLines(columns: number, room: number, scope: KeyScope): string[] | undefined {
	const rows = helpRows(scope);
	const labelWidth = Math.max(...rows.map(r => r.label.length)) + 2;
	const full = rows.map(r => fit(r.label, labelWidth) + r.help);
	if (full.length <= room) return full;
	const entryWidth = Math.max(...full.map(line => line.length));
	const half = Math.ceil(full.length / 2);
	if (half <= room && columns >= entryWidth * 2 + columnGap) {
		return Array.from({length: half}, (_, i) => fit(full[i]!, entryWidth + columnGap) + (full[i + half] ?? ''));
	}

	return undefined;
}

function briefHelpLines(columns: number, room: number, scope: KeyScope): string[] {
	const rows = helpRows(scope);
	const packed: string[] = [];
	let line = '';
	for (const r of rows) {
		const item = `${r.label} ${r.brief}`;
		if (line !== '' && line.length + briefGap.length + item.length > columns) {
			packed.push(line);
			line = item;
		} else {
			line = line === '' ? item : line + briefGap + item;
		}
	}

	if (line !== '') packed.push(line);
	if (packed.length <= room) return packed;
	const kept = packed.slice(0, Math.max(0, room - 1));
	return [...kept, '… enlarge the terminal to see every key'];
}

/**
 * Lines the totals (their cells, the bar and a blank line) may keep above help: all of
 * them when help still shows every binding in full below, else none.
 */
export function helpTotalsLines(columns: number, lines: number, scope: KeyScope = {}, totalsCells = totalsCellCount): number {
	const totals = totalsNaturalLines(columns, totalsCells) + 2;
	return fullHelpLines(columns, lines - 2 - totals, scope) === undefined ? 0 : totals;
}

export function HelpOverlay({columns, lines, totalsCells = totalsCellCount}: HelpOverlayProps) {
	const theme = useTheme();
	useHeartbeat();
	const canChangeSpeed = useDash(s => s.run.canChangeSpeed);
	const canTuneSends = useDash(s => s.run.canTuneSends);
	const scope = {canChangeSpeed, canTuneSends};
	const totalsLines = helpTotalsLines(columns, lines, scope, totalsCells);
	const helpRoom = lines - totalsLines;
	// Two lines or fewer (a terminal of three rows): the title if it fits, and how to close.
	const body = helpRoom >= 3 ? helpLines(columns, helpRoom - 2, scope) : [];
	return (
		<Box flexDirection="column">
			{totalsLines > 0 ? (
				<>
					<Totals columns={columns} maxLines={totalsLines - 2} />
					<Text> </Text>
				</>
			) : null}
			{helpRoom >= 2 ? (
				<Text bold wrap="truncate-end" color={theme.accent}>
					{title}
				</Text>
			) : null}
			{body.map(line => (
				<Text key={line} wrap="truncate-end">
					{line}
				</Text>
			))}
			<Text wrap="truncate-end" color={theme.muted}>
				{closing}
			</Text>
		</Box>
	);
}
