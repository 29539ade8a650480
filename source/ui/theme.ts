// Every colour the dashboard uses, in one place. With NO_COLOR set (no-color.org) all
// colours are undefined: chalk inside Ink does not read NO_COLOR itself. Meaning never
// rests on colour alone; the glyphs and words here carry it too.
import chalk from 'chalk';
import {createContext, useContext} from 'react';

/** The colours a theme uses, by the names Ink's `<Text color>` and chalk share. */
export type ColorName = 'green' | 'red' | 'yellow' | 'cyan' | 'gray';

export interface Theme {
	/** Colours are on (NO_COLOR not set). */
	isColor: boolean;
	/** Good news: sent, a threshold that passes, "done". */
	ok: ColorName | undefined;
	/** Bad news: failed messages, a crossed threshold. */
	bad: ColorName | undefined;
	/** Needs attention: paused, waiting for senders, resting. */
	warn: ColorName | undefined;
	/** Headings and the brand. */
	accent: ColorName | undefined;
	/** The filled part of the progress bar. */
	bar: ColorName | undefined;
	/** Labels and the empty part of the bar. */
	muted: ColorName | undefined;
	/** Sparklines. */
	spark: ColorName | undefined;
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

/**
 * `text` in `color` (a theme colour, or undefined for none), with the same codes Ink's
 * `<Text color>` writes: for lines composed as one string rather than a Text per piece.
 */
export function paint(text: string, color: ColorName | undefined): string {
	return color === undefined || text === '' ? text : chalk[color](text);
}

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
