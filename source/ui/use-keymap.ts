// The app's single useInput: key presses to names to keymap.ts bindings. Input is on
// only when stdin can go raw (Ink's isRawModeSupported is undefined on a pipe, and
// useInput stands down only on isActive === false: vadimdemedes/ink#166).
import {useInput, useStdin} from 'ink';
import {useRef} from 'react';
import {dispatch, keyNames, type KeyContext} from './keymap.js';
import {useActions, useDashStore} from './use-dash.js';

export interface KeymapOptions {
	exit(code: number): void;
	pageSize: number;
}

export function useKeymap({exit, pageSize}: KeymapOptions): void {
	const store = useDashStore();
	const actions = useActions();
	const {isRawModeSupported} = useStdin();
	// The handler reads the latest values without re-subscribing on every render.
	const context = useRef<KeyContext>({actions, exit, pageSize});
	context.current = {actions, exit, pageSize};
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
