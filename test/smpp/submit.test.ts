// A message on the wire: its segments' submit_sm fields (UDH, esm_class, data_coding) and how
// each submit_sm_resp status reads.
import {describe, expect, it} from 'vitest';
import {segmentCount} from '../../source/engine/segments.js';
import {answerOf, concatenationUdh, sourceAddress, submitPlan} from '../../source/smpp/submit.js';
import {encodeText, status} from '../../source/smpp/wire.js';

describe('concatenationUdh', () => {
	it('is 05 00 03 ref total seq, the reference cut to one byte', () => {
		expect([...concatenationUdh(0x2a, 3, 2)]).toEqual([0x05, 0x00, 0x03, 0x2a, 3, 2]);
		expect([...concatenationUdh(0x1_2c, 2, 1)]).toEqual([0x05, 0x00, 0x03, 0x2c, 2, 1]);
	});
});

describe('submitPlan', () => {
	it('one GSM-7 segment: data_coding 0, no UDH, receipts asked for', () => {
		const [only, ...rest] = submitPlan('Evacuate now', '5551234567', 'ALERT', 1);
		expect(rest).toEqual([]);
		expect(only).toMatchObject({destination_addr: '5551234567', source_addr: 'ALERT', source_addr_ton: 5, data_coding: 0, esm_class: 0, registered_delivery: 1, short_message: encodeText('Evacuate now', 0)});
	});

	it('a long UCS-2 text: one submit per segment, UDH and esm_class 0x40, data_coding 8', () => {
		const text = 'Évacuez immédiatement la zone 🚨 '.repeat(4);
		const parts = submitPlan(text, '5551234567', '+15550001111', 300);
		expect(parts).toHaveLength(segmentCount(text));
		for (const [index, part] of parts.entries()) {
			expect(part).toMatchObject({esm_class: 0x40, data_coding: 8, source_addr: '15550001111', source_addr_ton: 1, source_addr_npi: 1});
			const body = part.short_message as {udh: Buffer; message: Buffer};
			expect([...body.udh]).toEqual([0x05, 0x00, 0x03, 300 & 0xff, parts.length, index + 1]);
		}

		// UTF-16BE, each part whole: joined, they are the text.
		expect(Buffer.concat(parts.map(part => (part.short_message as {message: Buffer}).message)).swap16().toString('utf16le')).toBe(text);
	});

	it('the random stand-in goes as one GSM-7 segment, as it is counted', () => {
		expect(submitPlan('`'.repeat(100), '1', 'ALERT', 1, true)).toHaveLength(1);
	});

	it('a numeric source is not alphanumeric', () => {
		expect(sourceAddress('12345')).toEqual({source_addr: '12345', source_addr_ton: 0, source_addr_npi: 1});
	});
});

describe('answerOf', () => {
	it.each([
		[status.ok, 'accepted'],
		[status.throttled, 'throttled'],
		[status.queueFull, 'throttled'],
		[status.invalidDestination, 'invalid'],
		[0x51, 'invalid'],
		[status.submitFailed, 'error'],
		[0x08, 'error'],
	])('status 0x%s is %s', (code, kind) => {
		expect(answerOf(code, 'id1').kind).toBe(kind);
	});
});
