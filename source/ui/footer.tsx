// The key hints: the commonest keys from the key table that fit the width, always
// ending with "? help  q quit".
import {Text} from 'ink';
import {footerText} from './keymap.js';
import {useTheme} from './theme.js';

export function Footer({columns}: {columns: number}) {
	const theme = useTheme();
	return (
		<Text wrap="truncate-end" color={theme.muted}>
			{footerText(columns)}
		</Text>
	);
}
