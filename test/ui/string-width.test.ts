import fc from 'fast-check';
import packageStringWidth from 'string-width';
import {describe, expect, it} from 'vitest';
import stringWidth from '../../source/ui/string-width.js';

/** Characters the dashboard draws, and ones that must leave the fast path. */
const drawn = ['›', '✗', '✓', '▶', '‖', '↑', '↓', '·', '…', '█', '░', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '─', '│', '•', '–', '—', 'é', '±', '°'];
const tricky = [
	'\u001B[31m', // colour on
	'\u001B[39m', // colour off
	'\u001B[1;7m', // bold and inverse
	'\u001B]8;;https://example.com\u0007', // a hyperlink (OSC)
	'\u001B[2J', // erase the screen: not a colour
	'\u009B', // the one-byte CSI
	'\u0301', // combining acute accent: joins the character before it
	'\u200D', // zero-width joiner
	'\uFE0F', // variation selector 16: turns ✓ and others into emoji
	'\u00AD', // soft hyphen
	'\u2028', // line separator
	'✅', // a dingbat that is an emoji, two columns
	'❌',
	'◽', // a geometric shape that is an emoji
	'漢', // East Asian wide
	'😀', // astral, a surrogate pair
	'👍🏽', // emoji with a skin-tone modifier
	'\t',
	'\n',
	'\u007F',
];

describe('the dashboard string-width', () => {
	it('agrees with the package on every character of the blocks it takes a fast path for', () => {
		const ranges = [
			[0xa0, 0xff],
			[0x2000, 0x206f],
			[0x2190, 0x21ff],
			[0x2200, 0x22ff],
			[0x2500, 0x25ff],
			[0x2700, 0x27bf],
		];
		for (const [from, to] of ranges) {
			for (let code = from!; code <= to!; code++) {
				const character = String.fromCharCode(code);
				expect(stringWidth(character), `U+${code.toString(16)}`).toBe(packageStringWidth(character));
				expect(stringWidth(`a${character}b`), `a U+${code.toString(16)} b`).toBe(packageStringWidth(`a${character}b`));
			}
		}
	});

	it('agrees with the package on strings mixing ASCII, drawn glyphs and characters that join or are wide', () => {
		const piece = fc.oneof(fc.string({unit: 'grapheme-ascii', maxLength: 8}), fc.constantFrom(...drawn), fc.constantFrom(...tricky));
		fc.assert(
			fc.property(fc.array(piece, {maxLength: 30}), pieces => {
				const text = pieces.join('');
				expect(stringWidth(text)).toBe(packageStringWidth(text));
			}),
			{numRuns: 3000},
		);
	});

	it('counts a sender row with a sparkline by its length, and an emoji as two columns', () => {
		const row = '› #12  gamma   100ms   101ms  ✗ 3  ▁▂▃▄▅▆▇█';
		expect(stringWidth(row)).toBe(row.length);
		expect(stringWidth('ok ✅')).toBe(5);
		expect(stringWidth('ok ✓\uFE0F')).toBe(packageStringWidth('ok ✓\uFE0F'));
	});

	it('passes options on to the package', () => {
		expect(stringWidth('\u001B[31mred\u001B[39m', {countAnsiEscapeCodes: true})).toBe(
			packageStringWidth('\u001B[31mred\u001B[39m', {countAnsiEscapeCodes: true}),
		);
		expect(stringWidth('·', {ambiguousIsNarrow: false})).toBe(2);
	});
});
