// A summary as JSON text in pieces, for the --json line and the --report file: joined, the
// pieces are the one JSON.stringify of the whole, but `senders` come a batch at a time, so
// no string holds 100,000 of them (some 24 MB) and each piece is written as it is made.
import type {Summary} from '../report.js';
import {senderRows, SenderTable, type SenderRows} from './sender-summaries.js';

/**
 * Senders a piece: some 50 kB of text. A string over 128 kB is made in V8's large-object
 * space, which only a full collection frees: 1,000 a piece (250 kB) kept every piece of a
 * 100,000-sender summary (24 MB) in memory until the run ended.
 */
const batch = 200;

/** The summary's --json line, then a line break: JSON.stringify(summary) in pieces. */
export function* summaryLinePieces(summary: Summary): Generator<string> {
	yield* summaryJsonPieces(summary);
	yield '\n';
}

/** JSON.stringify(summary) in pieces. */
export function* summaryJsonPieces(summary: Summary): Generator<string> {
	const text = JSON.stringify(withoutSenders(summary));
	// The top-level key comes first: the keys before it hold no such text but in strings, where a quote is escaped.
	const at = text.indexOf('"senders":[]') + '"senders":['.length;
	yield text.slice(0, at);
	yield* senderPieces(senderRows(summary), '', ',');
	yield text.slice(at);
}

/**
 * The --report file's text in pieces: JSON indented for people, each of `senders` on a line
 * of its own (a table to read, and a third of the size of one key a line at 10,000 senders).
 */
export function* reportPieces(summary: Summary): Generator<string> {
	const text = JSON.stringify(withoutSenders(summary), null, 2);
	// The top level's key alone has this indent (a string holds no raw line break).
	const marker = '\n  "senders": [],\n';
	const at = text.indexOf(marker);
	yield `${text.slice(0, at)}\n  "senders": `;
	const senders = senderRows(summary);
	if (senders.length === 0) {
		yield '[]';
	} else {
		yield '[\n';
		yield* senderPieces(senders, '    ', ',\n');
		yield '\n  ]';
	}

	yield `,\n${text.slice(at + marker.length)}\n`;
}

/** Each sender's JSON after `indent`, joined by `separator`, a batch a piece. */
function* senderPieces(senders: SenderRows, indent: string, separator: string): Generator<string> {
	for (let start = 0; start < senders.length; start += batch) {
		const end = Math.min(senders.length, start + batch);
		let piece = '';
		const table = senders instanceof SenderTable ? senders : undefined;
		for (let i = start; i < end; i++) piece += (i === 0 ? indent : separator + indent) + (table === undefined ? JSON.stringify(senders.at(i)) : table.jsonAt(i));
		yield piece;
	}
}

/** The summary's keys in order, `senders` empty: read without making the senders' list. */
function withoutSenders(summary: Summary): Summary {
	return Object.fromEntries(Object.keys(summary).map(key => [key, key === 'senders' ? [] : summary[key as keyof Summary]])) as unknown as Summary;
}
