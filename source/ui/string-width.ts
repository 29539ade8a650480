// string-width with a fast path for the characters the dashboard draws. The build
// (scripts/build.mjs) gives this module to Ink and its text helpers in place of
// `string-width`. The package counts any string that is not pure ASCII with
// Intl.Segmenter and Unicode-property regexes, grapheme by grapheme: a sender row with a
// sparkline took 0.1-0.3 ms a call, and Ink measures each line about three times a frame.
// A string made only of printable ASCII and of characters that are one column wide and
// never join a neighbour into one grapheme is as wide as it is long, once its colour
// codes are taken out; anything else (other escape sequences, combining marks, emoji,
// East Asian wide letters, surrogates) goes to the package. test/ui/string-width.test.ts checks both agree.
import {eastAsianWidth} from 'get-east-asian-width';
import packageStringWidth from 'string-width';

type Options = Parameters<typeof packageStringWidth>[1];

/**
 * Blocks with no grapheme extenders, joiners, format or control characters in them, so
 * none of their characters joins a neighbour; each is still checked to be one column wide
 * by its East Asian Width, as the package does (the dingbats and shapes that are emoji are
 * Wide: two columns).
 */
const standaloneRanges: ReadonlyArray<readonly [number, number]> = [
	[0xa1, 0xac], // Latin-1 punctuation and signs (U+00AD soft hyphen is a format character)
	[0xae, 0xff], // Latin-1 letters and signs
	[0x2010, 0x2027], // dashes, quotes, bullet, ellipsis (U+2028 on are separators and format characters)
	[0x2030, 0x205e], // per mille, primes, guillemets (›), and other punctuation
	[0x2190, 0x21ff], // arrows
	[0x2200, 0x22ff], // mathematical operators (− ≤ ≥)
	[0x2500, 0x25ff], // box drawing, block elements (the sparklines), geometric shapes
	[0x2700, 0x27bf], // dingbats (✓ ✗)
];

/** Per UTF-16 code unit above ASCII: 0 not yet known, 1 one column and standalone, 2 not. */
const known = new Uint8Array(0x1_00_00);

/** One column wide, and never joins a neighbour into one grapheme (a UTF-16 code unit above ASCII). */
export function isStandaloneNarrow(code: number): boolean {
	let state = known[code]!;
	if (state === 0) {
		const isStandalone = standaloneRanges.some(([from, to]) => code >= from && code <= to);
		state = isStandalone && eastAsianWidth(code) === 1 ? 1 : 2;
		known[code] = state;
	}

	return state === 1;
}

/** Colour and style codes (SGR), which take no columns: the kind Ink and chalk write. */
const styleCodes = /\u001B\[[\d;]*m/g;

export default function stringWidth(text: string, options?: Options): number {
	if (typeof text !== 'string' || options !== undefined) return packageStringWidth(text, options);
	const plain = text.includes('\u001B') ? text.replace(styleCodes, '') : text;
	for (let index = 0; index < plain.length; index++) {
		const code = plain.charCodeAt(index);
		// Any other escape sequence is left to the package, with everything else.
		if ((code < 0x20 || code > 0x7e) && !isStandaloneNarrow(code)) return packageStringWidth(text);
	}

	return plain.length;
}
