// The terminal's size from Ink's stdout (not process.stdout, so tests can fake it),
// kept current on 'resize'. Falls back to 80×24 where a stream does not say.
import {useStdout} from 'ink';
import {useEffect, useState} from 'react';

export interface TerminalSize {
	columns: number;
	rows: number;
}

export const fallbackSize: TerminalSize = {columns: 80, rows: 24};

function readSize(stdout: NodeJS.WriteStream): TerminalSize {
	return {
		columns: stdout.columns > 0 ? stdout.columns : fallbackSize.columns,
		rows: stdout.rows > 0 ? stdout.rows : fallbackSize.rows,
	};
}

export function useTerminalSize(): TerminalSize {
	const {stdout} = useStdout();
	const [size, setSize] = useState(() => readSize(stdout));
	useEffect(() => {
		const onResize = () => {
			const next = readSize(stdout);
			// Keep the old object when nothing changed, so nothing re-renders.
			setSize(previous => (previous.columns === next.columns && previous.rows === next.rows ? previous : next));
		};

		onResize();
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout]);
	return size;
}
