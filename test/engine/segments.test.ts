// GSM 03.38 segment counting on boundary texts: GSM-7 and its extension table, UCS-2 in
// UTF-16 units, and the real split that never cuts an escape pair or a surrogate pair.
import {describe, expect, test} from 'vitest';
import {segmentCount, segmentInfo, splitSegments, type SegmentInfo} from '../../source/engine/segments.js';

const a = (n: number) => 'a'.repeat(n);

describe('segmentInfo', () => {
	test.each<[string, string | undefined, SegmentInfo]>([
		['no text (the random stand-in)', undefined, {encoding: 'gsm7', units: 0, segments: 1}],
		['empty text', '', {encoding: 'gsm7', units: 0, segments: 1}],
		['160 GSM-7 characters', a(160), {encoding: 'gsm7', units: 160, segments: 1}],
		['161 GSM-7 characters', a(161), {encoding: 'gsm7', units: 161, segments: 2}],
		['306 GSM-7 characters', a(306), {encoding: 'gsm7', units: 306, segments: 2}],
		['307 GSM-7 characters', a(307), {encoding: 'gsm7', units: 307, segments: 3}],
		['80 euro signs (2 septets each)', '€'.repeat(80), {encoding: 'gsm7', units: 160, segments: 1}],
		['81 euro signs', '€'.repeat(81), {encoding: 'gsm7', units: 162, segments: 2}],
		['every extension character', '^{}\\[~]|€\f', {encoding: 'gsm7', units: 20, segments: 1}],
		['the basic table\'s accents and Greek', 'Ç@£$¥èéùìòØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà\r\n', {encoding: 'gsm7', units: 44, segments: 1}],
		['70 CJK characters', '中'.repeat(70), {encoding: 'ucs2', units: 70, segments: 1}],
		['71 CJK characters', '中'.repeat(71), {encoding: 'ucs2', units: 71, segments: 2}],
		['134 CJK characters', '中'.repeat(134), {encoding: 'ucs2', units: 134, segments: 2}],
		['135 CJK characters', '中'.repeat(135), {encoding: 'ucs2', units: 135, segments: 3}],
		['an emoji is a surrogate pair: 2 units', `hello ${'\u{1F600}'}`, {encoding: 'ucs2', units: 8, segments: 1}],
		['a backtick is not GSM-7', 'a`b', {encoding: 'ucs2', units: 3, segments: 1}],
		['nor is a lower-case c cedilla', 'ç', {encoding: 'ucs2', units: 1, segments: 1}],
		['nor a tab', 'a\tb', {encoding: 'ucs2', units: 3, segments: 1}],
		['nor a typographic apostrophe', 'don\u2019t', {encoding: 'ucs2', units: 5, segments: 1}],
		['one emoji makes all 160 characters UCS-2', a(159) + '\u{1F600}', {encoding: 'ucs2', units: 161, segments: 3}],
	])('%s', (_name, text, info) => {
		expect(segmentInfo(text)).toStrictEqual(info);
	});

	test('an escape pair is never cut: 152 + € + 152 is 306 septets but 3 segments', () => {
		// The first segment holds 152 'a' (the escape pair does not fit in 153), the second
		// € and 151 'a', the third the last 'a'.
		expect(segmentInfo(a(152) + '€' + a(152))).toStrictEqual({encoding: 'gsm7', units: 306, segments: 3});
		expect(segmentInfo(a(151) + '€' + a(153))).toStrictEqual({encoding: 'gsm7', units: 306, segments: 2});
	});

	test('a surrogate pair is never cut: 66 + emoji + 66 is 134 units but 3 segments', () => {
		expect(segmentInfo(a(66) + '\u{1F600}' + a(66))).toStrictEqual({encoding: 'ucs2', units: 134, segments: 3});
		expect(segmentInfo(a(65) + '\u{1F600}' + a(67))).toStrictEqual({encoding: 'ucs2', units: 134, segments: 2});
	});
});

describe('segmentCount', () => {
	test.each<[string | undefined, number]>([
		[undefined, 1],
		[a(160), 1],
		[a(161), 2],
		['€'.repeat(81), 2],
		['中'.repeat(71), 2],
		[a(153 * 3), 3],
		[a(153 * 3 + 1), 4],
	])('%j: %i', (text, segments) => {
		expect(segmentCount(text)).toBe(segments);
	});

	test('the DESIGN example: 240 characters with one emoji', () => {
		// 238 GSM-7 characters + one emoji: UCS-2, 240 units, 67 a segment.
		expect(segmentCount(a(238) + '\u{1F6A8}')).toBe(4);
	});
});

describe('splitSegments', () => {
	const cases: Array<[string, string]> = [
		['empty', ''],
		['160 GSM-7', a(160)],
		['161 GSM-7', a(161)],
		['306 GSM-7 (two full parts)', a(306)],
		['307 GSM-7', a(307)],
		['an escape pair across the 153rd septet', a(152) + '€' + a(10)],
		['extension characters only', '€'.repeat(81)],
		['70 UCS-2', 'é' + '`'.repeat(69)],
		['71 UCS-2', '`'.repeat(71)],
		['a surrogate pair across the 67th unit', '`'.repeat(66) + '\u{1F6A8}' + '`'.repeat(10)],
		['the DESIGN example', a(238) + '\u{1F6A8}'],
	];
	test.each(cases)('%s: as many parts as segmentCount, joined back to the text', (_name, text) => {
		const {parts, encoding} = splitSegments(text);
		expect(parts.length).toBe(segmentCount(text));
		expect(parts.join('')).toBe(text);
		expect(encoding).toBe(segmentInfo(text).encoding);
		if (parts.length > 1) {
			const limit = encoding === 'gsm7' ? 153 : 67;
			for (const part of parts) expect(segmentInfo(part).units).toBeLessThanOrEqual(limit);
		}
	});

	test('an escape pair is never cut: the euro moves to the next part', () => {
		const {parts} = splitSegments(a(152) + '€' + a(10));
		expect(parts[0]).toBe(a(152));
		expect(parts[1]!.startsWith('€')).toBe(true);
	});
});
