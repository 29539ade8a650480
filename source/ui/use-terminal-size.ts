// The terminal's size from Ink's stdout (not process.stdout, so tests can fake it),
// kept current on 'resize'. Falls back to 80×24 where a stream does not say. On a shrink
// it clears the screen: the terminal rewraps the old frame into more lines than Ink
// erases, which left a stale copy above the live frame (issue 20).
import {useStdout} from 'ink';
import {useEffect, useRef, useState} from 'react';

export interface TerminalSize {
	columns: number;
	rows: number;
}

export const fallbackSize: TerminalSize = {columns: 80, rows: 24};

/** Erase the screen (ED 2) and put the cursor home; the scrollback stays. */
export const clearScreen = '\u001B[2J\u001B[H';

function readSize(stdout: NodeJS.WriteStream): TerminalSize {
	return {
		columns: stdout.columns > 0 ? stdout.columns : fallbackSize.columns,
		rows: stdout.rows > 0 ? stdout.rows : fallbackSize.rows,
	};
}

export function useTerminalSize(): TerminalSize {
	const {stdout} = useStdout();
	const [size, setSize] = useState(() => readSize(stdout));
	const shown = useRef(size);
	useEffect(() => {
		const onResize = () => {
			const previous = shown.current;
			const next = readSize(stdout);
			// Keep the old object when nothing changed, so nothing re-renders.
			if (previous.columns === next.columns && previous.rows === next.rows) return;
			// Ink draws the next frame from the top; a pipe has nothing to clear.
			if (stdout.isTTY && (next.columns < previous.columns || next.rows < previous.rows)) stdout.write(clearScreen);
			shown.current = next;
			setSize(next);
		};

		onResize();
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout]);
	return size;
}
