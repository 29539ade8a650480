// The top line: run state in words (running / paused / done / waiting for senders),
// simulated and wall time, speed, seed and the sender count. A broker run is on the wall
// clock and its seed does not replay it: it shows the wall time only, no speed or seed.
import chalk from 'chalk';
import {Text} from 'ink';
import {useShallow} from 'zustand/shallow';
import {formatClock, formatSpeed} from '../format.js';
import {listedSenders, runningSenders, type DashState} from '../store.js';
import {fitByRank} from './text.js';
import {glyph, paint, useTheme, type ColorName, type Theme} from './theme.js';
import {useDash} from './use-dash.js';
import {useHeartbeat} from './use-heartbeat.js';

export type RunStatus = 'running' | 'paused' | 'done' | 'waiting';

export function runStatus(run: DashState['run']): RunStatus {
	if (run.isDone) return 'done';
	if (run.isPaused) return 'paused';
	if (run.isStalled) return 'waiting';
	return 'running';
}

const statusText: Record<RunStatus, string> = {
	running: `${glyph.running} running`,
	paused: `${glyph.paused} paused`,
	done: `${glyph.done} done`,
	waiting: `${glyph.waiting} waiting for senders`,
};

function statusColor(status: RunStatus, theme: Theme): ColorName | undefined {
	if (status === 'done') return theme.ok;
	if (status === 'running') return theme.accent;
	return theme.warn;
}

/** One piece of the header line; lower rank stays longer on a narrow terminal. */
export interface HeaderPart {
	id: 'title' | 'state' | 'sim' | 'wall' | 'speed' | 'seed' | 'mode' | 'senders';
	text: string;
	rank: number;
}

const partGap = '  ';

/** The parts that fit in `columns`, in display order. */
export function headerParts(parts: HeaderPart[], columns: number): HeaderPart[] {
	return fitByRank(parts, columns, part => part.text.length, partGap.length);
}

export interface HeaderProps {
	seed: number;
	columns: number;
}

export function Header({seed, columns}: HeaderProps) {
	const theme = useTheme();
	useHeartbeat();
	const [status, simMs, wallMs, speed, senderCount, goneCount, isSimulated, isSmpp] = useDash(
		useShallow((s: DashState) => [
			runStatus(s.run),
			s.snap.simMs,
			s.run.wallElapsedMs,
			s.run.speed,
			runningSenders(s.snap).length,
			listedSenders(s.snap).length - runningSenders(s.snap).length,
			// The speed keys act only on a simulated clock; a broker run's is the wall's.
			s.run.canChangeSpeed,
			// Of those, an SMPP run's binds send as the SMSC answers (their send keys are off).
			!s.run.canTuneSends,
		]),
	);
	const senders = `${senderCount} ${senderCount === 1 ? 'sender' : 'senders'}${goneCount > 0 ? `, ${goneCount} gone` : ''}`;
	const all: HeaderPart[] = isSimulated
		? [
				{id: 'title', text: 'sms-dash', rank: 6},
				{id: 'state', text: statusText[status], rank: 0},
				{id: 'sim', text: `sim ${formatClock(simMs)}`, rank: 1},
				{id: 'wall', text: `wall ${formatClock(wallMs)}`, rank: 4},
				{id: 'speed', text: `speed ${formatSpeed(speed)}`, rank: 2},
				{id: 'seed', text: `seed ${seed}`, rank: 5},
				{id: 'senders', text: senders, rank: 3},
			]
		: [
				{id: 'title', text: 'sms-dash', rank: 6},
				{id: 'state', text: statusText[status], rank: 0},
				{id: 'wall', text: `wall ${formatClock(wallMs)}`, rank: 1},
				{id: 'mode', text: isSmpp ? 'smpp' : 'broker', rank: 4},
				{id: 'senders', text: senders, rank: 3},
			];
	const parts = headerParts(all, columns);
	// One Text with its colours in the string (see sender-row.tsx).
	const line = parts
		.map((part, index) => {
			const text = index === 0 ? part.text : partGap + part.text;
			if (part.id === 'title') return paint(chalk.bold(text), theme.accent);
			if (part.id === 'state') return paint(chalk.bold(text), statusColor(status, theme));
			return text;
		})
		.join('');
	return <Text wrap="truncate-end">{line}</Text>;
}
