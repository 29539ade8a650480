// The app's single useInput: key presses to names to keymap.ts bindings. Input is on
// only when stdin can go raw (Ink's isRawModeSupported is undefined on a pipe, and
// useInput stands down only on isActive === false: vadimdemedes/ink#166).
import {useInput, useStdin, useStdout} from 'ink';
import {useRef} from 'react';
import {dispatch, keyNames, type KeyContext} from './keymap.js';
import {useActions, useDashStore} from './use-dash.js';
import {clearScreen} from './use-terminal-size.js';

export interface KeymapOptions {
	exit(code: number): void;
	pageSize: number;
}

export function useKeymap({exit, pageSize}: KeymapOptions): void {
	const store = useDashStore();
	const actions = useActions();
	const {isRawModeSupported} = useStdin();
	// Ink's write erases its frame, writes, then draws the last frame again in full.
	const {write} = useStdout();
	const redraw = () => {
		write(clearScreen);
	};

	// The handler reads the latest values without re-subscribing on every render.
	const context = useRef<KeyContext>({actions, exit, pageSize, redraw});
	context.current = {actions, exit, pageSize, redraw};
	useInput(
		(input, key) => {
			for (const name of keyNames(input, key)) {
				// Read help's state per key: a chunk "?q" opens help, then q closes it.
				dispatch(name, store.getState().ui.isHelpOpen, context.current);
			}
		},
		{isActive: isRawModeSupported === true},
	);
}
