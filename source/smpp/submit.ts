// What an SMPP sender puts on the wire for one message and how it reads the answer: a
// message's segments as submit_sm fields (concatenated with a UDH and esm_class 0x40; data_coding
// 0 for GSM-7, 8 for UCS-2), and a submit_sm_resp's command_status as an outcome. Pure.
import {splitSegments} from '../engine/segments.js';
import {dataCoding, encodeText, esmClass, permanentRefusals, status, statusName, type PduFields} from './wire.js';

/** What one submit came to. `dropped`: the bind went away before the answer (sent again elsewhere). */
export type SubmitAnswer =
	| {kind: 'accepted'; messageId: string}
	| {kind: 'throttled'}
	| {kind: 'invalid'; status: number}
	| {kind: 'error'; status: number | undefined}
	| {kind: 'dropped'};

/** A submit_sm_resp's command_status (and message_id) as an answer. */
export function answerOf(code: number, messageId: string | undefined): SubmitAnswer {
	if (code === status.ok) return {kind: 'accepted', messageId: messageId ?? ''};
	if (code === status.throttled || code === status.queueFull) return {kind: 'throttled'};
	if (permanentRefusals.has(code)) return {kind: 'invalid', status: code};
	return {kind: 'error', status: code};
}

/** An answer in words, for notes: `ESME_RTHROTTLED`, `no answer`. */
export function answerText(answer: SubmitAnswer): string {
	if (answer.kind === 'accepted') return 'ESME_ROK';
	if (answer.kind === 'throttled') return 'throttled';
	if (answer.kind === 'dropped') return 'dropped';
	return answer.status === undefined ? 'no answer' : statusName(answer.status);
}

/**
 * The concatenation header of part `seq` (1-based) of `total`: IEI 00 (8-bit reference),
 * length 3, reference, total, sequence (3GPP TS 23.040 9.2.3.24.1).
 */
export function concatenationUdh(reference: number, total: number, seq: number): Buffer {
	return Buffer.from([0x05, 0x00, 0x03, reference & 0xff, total, seq]);
}

/** The source address's type of number and numbering plan: alphanumeric, international (+) or unknown. */
export function sourceAddress(from: string): Pick<PduFields, 'source_addr' | 'source_addr_ton' | 'source_addr_npi'> {
	if (/^\+\d+$/.test(from)) return {source_addr: from.slice(1), source_addr_ton: 1, source_addr_npi: 1};
	if (/^\d+$/.test(from)) return {source_addr: from, source_addr_ton: 0, source_addr_npi: 1};
	return {source_addr: from, source_addr_ton: 5, source_addr_npi: 0};
}

/** A text's segments, encoded once: the same bytes go to every recipient. */
export interface EncodedText {
	coding: number;
	parts: Buffer[];
}

/**
 * A text split into its segments (as segments.ts counts them) and encoded: GSM-7 as data_coding
 * 0, UCS-2 as 8. sms-dash's random stand-in goes as one GSM-7 segment, as it is counted.
 */
export function encodeSegments(text: string, isStandIn = false): EncodedText {
	const {encoding, parts} = isStandIn ? {encoding: 'gsm7' as const, parts: [text]} : splitSegments(text);
	const coding = encoding === 'ucs2' ? dataCoding.ucs2 : dataCoding.smscDefault;
	return {coding, parts: parts.map(part => encodeText(part, coding))};
}

/** The submit_sm fields of one message to `phone`, one per segment; receipts asked for. */
export function submitFields(text: EncodedText, phone: string, source: ReturnType<typeof sourceAddress>, reference: number): PduFields[] {
	const base: PduFields = {...source, dest_addr_ton: 0, dest_addr_npi: 1, destination_addr: phone, registered_delivery: 1, data_coding: text.coding};
	const {parts} = text;
	if (parts.length === 1) return [{...base, esm_class: 0, short_message: parts[0]!}];
	return parts.map((part, index) => ({
		...base,
		esm_class: esmClass.udhIndicator,
		short_message: {udh: concatenationUdh(reference, parts.length, index + 1), message: part},
	}));
}

/** The submit_sm fields of one message: `text` to `phone` from `from` (see encodeSegments). */
export function submitPlan(text: string, phone: string, from: string, reference: number, isStandIn = false): PduFields[] {
	return submitFields(encodeSegments(text, isStandIn), phone, sourceAddress(from), reference);
}
