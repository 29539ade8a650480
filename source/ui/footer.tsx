// The key hints: the commonest keys from the key table that fit the width, always
// ending with "? help  q quit"; without the speed keys when the run's clock cannot change speed.
import {Text} from 'ink';
import {footerText} from './keymap.js';
import {useTheme} from './theme.js';
import {useDash} from './use-dash.js';

export function Footer({columns}: {columns: number}) {
	const theme = useTheme();
	const canChangeSpeed = useDash(s => s.run.canChangeSpeed);
	return (
		<Text wrap="truncate-end" color={theme.muted}>
			{footerText(columns, canChangeSpeed)}
		</Text>
	);
}
