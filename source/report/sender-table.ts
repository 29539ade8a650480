// The text summary's senders: every one when they are few; beyond that the ones that sent
// most and least, and one line for the rest (a --report keeps every sender in full); SMPP binds.
import {formatCount, formatMs} from '../format.js';
import type {SenderSummary} from '../report.js';
import {rankingOf, type SenderRows} from './sender-summaries.js';

/** Up to this many senders every one is listed; beyond it the top and bottom `shownEachEnd`. */
export const listedSenders = 12;
export const shownEachEnd = 5;

/** A table cell: a time right-aligned in 8 columns. */
export const cell = (ms: number | null) => formatMs(ms ?? undefined).padStart(8);

function row(s: SenderSummary): string[] {
	const lines = [
		`  ${String(s.id).padStart(4)}  ${s.distribution.padEnd(12)}${formatMs(s.meanMs).padStart(8)}${String(s.failureRate).padStart(6)}${formatCount(s.sent).padStart(9)}${formatCount(s.failed).padStart(9)}${cell(s.avgTimeMs)}${cell(s.p95Ms)}${s.removed ? ' removed' : ''}`,
	];
	if (s.rests > 0) lines.push(`        rested ${formatCount(s.rests)}× ${formatMs(s.restedMs)}`);
	return lines;
}

/** 12, or 95–105: the least and most of `values` at the positions `at`. */
function span(at: Uint32Array, values: Float64Array): string {
	let least = Infinity;
	let most = -Infinity;
	for (const i of at) {
		least = Math.min(least, values[i]!);
		most = Math.max(most, values[i]!);
	}

	return least === most ? formatCount(least) : `${formatCount(least)}–${formatCount(most)}`;
}

/** The `senders` lines of the text summary, every one within 80 columns. */
export function senderLines(senders: SenderRows): string[] {
	if (senders.length === 0) return ['  senders     0'];
	const header = `  ${'#'.padStart(4)}  ${'distribution'}${'mean'.padStart(8)}${'fail'.padStart(6)}${'sent'.padStart(9)}${'failed'.padStart(9)}${'avg'.padStart(8)}${'p95'.padStart(8)}`;
	if (senders.length <= listedSenders) return [`  senders     ${senders.length}`, header, ...rowsOf(senders, 0, senders.length).flatMap(row)];
	// Most sent first; among equals, the lower id first, so the order never depends on the sort.
	// Positions are ranked, on the figures read once, rather than a copy of every sender sorted.
	const {ids, sent, failed} = rankingOf(senders);
	const ranked = new Uint32Array(senders.length).map((_, i) => i).sort((a, b) => sent[b]! - sent[a]! || ids[a]! - ids[b]!);
	const rest = ranked.subarray(shownEachEnd, -shownEachEnd);
	return [
		`  senders     ${formatCount(senders.length)} · the ${shownEachEnd} that sent most and the ${shownEachEnd} that sent least`,
		header,
		...[...ranked.subarray(0, shownEachEnd)].flatMap(i => row(senders.at(i)!)),
		`    … ${formatCount(rest.length)} more: sent ${span(rest, sent)}, failed ${span(rest, failed)} each (see --report)`,
		...[...ranked.subarray(-shownEachEnd)].flatMap(i => row(senders.at(i)!)),
	];
}

/** The senders from `start` to before `end`. */
function rowsOf(senders: SenderRows, start: number, end: number): SenderSummary[] {
	const list: SenderSummary[] = [];
	for (let i = start; i < Math.min(end, senders.length); i++) list.push(senders.at(i)!);
	return list;
}

/** The smsc and its binds, in SMPP mode (the first 20; a --report keeps every one). */
export function bindLines(smpp: string, senders: SenderRows): string[] {
	const shown = rowsOf(senders, 0, 20);
	return [
		`  smsc        ${smpp}`,
		`  senders     ${senders.length} SMPP binds`,
		...(shown.length === 0 ? [] : [`  ${'#'.padStart(4)}${'window'.padStart(8)}${'rate'.padStart(7)}${'sent'.padStart(9)}${'failed'.padStart(9)}${'throttled'.padStart(10)}${'avg'.padStart(8)}${'p95'.padStart(8)}`]),
		...shown.map(
			s =>
				`  ${String(s.id).padStart(4)}${formatCount(s.window).padStart(8)}${(s.rate === null ? 'none' : String(s.rate)).padStart(7)}${formatCount(s.sent).padStart(9)}${formatCount(s.failed).padStart(9)}${formatCount(s.throttled).padStart(10)}${cell(s.avgTimeMs)}${cell(s.p95Ms)}${s.removed ? ' removed' : ''}`,
		),
		...(senders.length > shown.length ? [`    … ${senders.length - shown.length} more (see --report)`] : []),
	];
}
