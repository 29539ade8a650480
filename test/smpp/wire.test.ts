import {once} from 'node:events';
import type {AddressInfo} from 'node:net';
import {afterEach, describe, expect, it} from 'vitest';
import {formatReceipt, parseReceipt} from '../../source/smpp/receipt-text.js';
import {connect, createServer, esmClass, pdu, type Pdu, type Session, type SmppServer, status, statusName} from '../../source/smpp/wire.js';

let server: SmppServer | undefined;
afterEach(async () => {
	for (const session of server?.sessions ?? []) session.destroy();
	if (server) await new Promise(resolve => server!.close(resolve));
	server = undefined;
});

/** A server that binds anyone, answers each submit with a message id and sends a receipt for it. */
async function tinySmsc(): Promise<number> {
	let next = 0;
	server = createServer(session => {
		session.on('bind_transceiver', (request: Pdu) => session.send(request.response({system_id: 'TEST'})));
		session.on('submit_sm', (request: Pdu) => {
			const id = `m${++next}`;
			session.send(request.response({message_id: id}));
			const text = formatReceipt({id, state: 'DELIVRD', error: '000'}, new Date(0), new Date(60_000));
			session.deliver_sm({esm_class: esmClass.receipt, destination_addr: request.source_addr, source_addr: request.destination_addr, short_message: text});
		});
		session.on('deliver_sm_resp', () => undefined);
	});
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	return (server.address() as AddressInfo).port;
}

function answer(session: Session, send: (callback: (pdu: Pdu) => void) => void): Promise<Pdu> {
	return new Promise(resolve => {
		send(resolve);
	});
}

describe('the smpp package through its typed face', () => {
	it('binds, submits a concatenated UCS-2 segment and reads the receipt', async () => {
		const port = await tinySmsc();
		const session = connect({host: '127.0.0.1', port});
		await once(session, 'connect');
		const bound = await answer(session, done => session.bind_transceiver({system_id: 'sys', password: 'pw'}, done));
		expect(bound.command_status).toBe(status.ok);

		const receipt = once(session, 'deliver_sm');
		const udh = Buffer.from([0x05, 0x00, 0x03, 0x2a, 0x02, 0x01]);
		const submitted = await answer(session, done =>
			session.submit_sm({destination_addr: '5550001111', source_addr: 'ALERT', registered_delivery: 1, data_coding: 8, short_message: {udh, message: 'Évacuez 🚨'}}, done),
		);
		expect(submitted.command).toBe('submit_sm_resp');
		expect(submitted.message_id).toBe('m1');

		const [delivered] = (await receipt) as [Pdu];
		expect(delivered.esm_class! & esmClass.receipt).toBe(esmClass.receipt);
		const body = delivered.short_message as {message: string};
		expect(parseReceipt(body.message)).toEqual({id: 'm1', state: 'DELIVRD', error: '000'});
		session.send(delivered.response());
		session.destroy();
	});

	it('names status codes and builds PDUs', () => {
		expect(statusName(status.throttled)).toBe('ESME_RTHROTTLED');
		expect(statusName(0x1234)).toBe('0x00001234');
		expect(pdu('enquire_link').command).toBe('enquire_link');
	});

	it('reads receipt texts and refuses what is not one', () => {
		expect(parseReceipt('id:abc sub:001 dlvrd:000 submit date:2612041200 done date:2612041201 stat:EXPIRED err:005 text:x')).toEqual({
			id: 'abc',
			state: 'EXPIRED',
			error: '005',
		});
		expect(parseReceipt('hello')).toBeUndefined();
		expect(parseReceipt('id:1 stat:WHATEVER')).toBeUndefined();
	});
});
