// The key hints: the commonest keys from the key table that fit the width, always
// ending with "? help  q quit"; on the wall clock (broker mode) without speed and pause.
import {Text} from 'ink';
import {footerText} from './keymap.js';
import {useTheme} from './theme.js';
import {useDash} from './use-dash.js';

export function Footer({columns}: {columns: number}) {
	const theme = useTheme();
	const isRealTimeOnly = useDash(s => s.run.isRealTimeOnly);
	return (
		<Text wrap="truncate-end" color={theme.muted}>
			{footerText(columns, isRealTimeOnly)}
		</Text>
	);
}
