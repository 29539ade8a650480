// How many segments (SMPP submits) a text takes, by GSM 03.38: GSM-7 with its extension
// table, else UCS-2 in UTF-16 units. Splits as a gateway does: a segment never ends inside
// an escape pair or a surrogate pair, so the count can exceed ceil(units/153). Pure.

/** GSM 03.38 basic character set: one septet each (ESC, 0x1B, is not a character). */
const basic = new Set(
	'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
/** The extension table: ESC plus one septet each (form feed is its page break). */
const extension = new Set('^{}\\[~]|€\f');

/** Septets (GSM-7) or UTF-16 units (UCS-2) one segment holds, alone and in a concatenated message. */
const room = {gsm7: {single: 160, part: 153}, ucs2: {single: 70, part: 67}} as const;

export interface SegmentInfo {
	encoding: 'gsm7' | 'ucs2';
	/** Septets for GSM-7, UTF-16 code units for UCS-2. */
	units: number;
	segments: number;
}

/** The encoding, length and segments of one text; no text (the random stand-in) is 1 GSM-7 segment. */
export function segmentInfo(text: string | undefined): SegmentInfo {
	if (text === undefined) return {encoding: 'gsm7', units: 0, segments: 1};
	const {encoding, units, parts} = layout(text);
	return {encoding, units, segments: parts.length};
}

/** Segments of one message; no text (random stand-in text) counts as 1. */
export function segmentCount(text: string | undefined): number {
	return segmentInfo(text).segments;
}

/**
 * The texts of a message's segments, in order, as an SMPP client submits them: one text
 * when it fits alone, else parts of 153 septets or 67 units (never cutting an escape pair
 * or a surrogate pair). Its length is always segmentCount(text): both come from layout().
 */
export function splitSegments(text: string): {encoding: SegmentInfo['encoding']; parts: string[]} {
	const {encoding, parts} = layout(text);
	return {encoding, parts};
}

/** The encoding, units and segment texts of a text: the one packing count and split share. */
function layout(text: string): {encoding: SegmentInfo['encoding']; units: number; parts: string[]} {
	const chars = Array.from(text);
	let encoding: SegmentInfo['encoding'] = 'gsm7';
	const sizes: number[] = [];
	for (const char of chars) {
		if (basic.has(char)) sizes.push(1);
		else if (extension.has(char)) sizes.push(2);
		else {
			encoding = 'ucs2';
			break;
		}
	}

	// UCS-2 counts UTF-16 units: an astral character (emoji) is a surrogate pair, 2 units.
	const pieces = encoding === 'gsm7' ? sizes : chars.map(char => char.length);
	const units = pieces.reduce((sum, size) => sum + size, 0);
	if (units <= room[encoding].single) return {encoding, units, parts: [text]};
	const part = room[encoding].part;
	const parts: string[] = [];
	let current = '';
	let used = 0;
	for (const [index, size] of pieces.entries()) {
		if (used + size > part) {
			parts.push(current);
			current = '';
			used = 0;
		}

		current += chars[index]!;
		used += size;
	}

	parts.push(current);
	return {encoding, units, parts};
}
