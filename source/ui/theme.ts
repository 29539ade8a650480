// Every colour the dashboard uses, in one place. With NO_COLOR set (no-color.org) all
// colours are undefined: chalk inside Ink does not read NO_COLOR itself. Meaning never
// rests on colour alone; the glyphs and words here carry it too.
import {createContext, useContext} from 'react';

export interface Theme {
	/** Colours are on (NO_COLOR not set). */
	isColor: boolean;
	/** Good news: sent, a threshold that passes, "done". */
	ok: string | undefined;
	/** Bad news: failed messages, a crossed threshold. */
	bad: string | undefined;
	/** Needs attention: paused, waiting for senders, resting. */
	warn: string | undefined;
	/** Headings and the brand. */
	accent: string | undefined;
	/** The filled part of the progress bar. */
	bar: string | undefined;
	/** Labels and the empty part of the bar. */
	muted: string | undefined;
	/** Sparklines. */
	spark: string | undefined;
}

/** The glyphs that carry meaning next to (or without) colour. */
export const glyph = {
	selected: '›',
	failed: '✗',
	pass: '✓',
	fail: '✗',
	running: '▶',
	paused: '‖',
	done: '✓',
	waiting: '!',
	up: '↑',
	down: '↓',
} as const;

/** NO_COLOR counts when it is present and not empty (no-color.org). */
export function isNoColor(env: Record<string, string | undefined>): boolean {
	const value = env['NO_COLOR'];
	return value !== undefined && value !== '';
}

export function createTheme(env: Record<string, string | undefined> = process.env): Theme {
	if (isNoColor(env)) {
		return {
			isColor: false,
			ok: undefined,
			bad: undefined,
			warn: undefined,
			accent: undefined,
			bar: undefined,
			muted: undefined,
			spark: undefined,
		};
	}

	return {
		isColor: true,
		ok: 'green',
		bad: 'red',
		warn: 'yellow',
		accent: 'cyan',
		bar: 'green',
		muted: 'gray',
		spark: 'cyan',
	};
}

export const ThemeContext = createContext<Theme>(createTheme({}));

export function useTheme(): Theme {
	return useContext(ThemeContext);
}
