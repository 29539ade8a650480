// The key hints: the commonest keys from the key table that fit the width, always
// ending with "? help  q quit" ("? more keys" when some were left out); without the speed
// keys when the run's clock cannot change speed. Space says "resume" while paused and is
// gone once done.
import {Text} from 'ink';
import {footerText} from './keymap.js';
import {useTheme} from './theme.js';
import {useDash} from './use-dash.js';

export function Footer({columns}: {columns: number}) {
	const theme = useTheme();
	const canChangeSpeed = useDash(s => s.run.canChangeSpeed);
	const isPaused = useDash(s => s.run.isPaused);
	const isDone = useDash(s => s.run.isDone);
	return (
		<Text wrap="truncate-end" color={theme.muted}>
			{footerText(columns, {canChangeSpeed, isPaused, isDone})}
		</Text>
	);
}
