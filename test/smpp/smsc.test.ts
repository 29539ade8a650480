// The SMSC in-process, on real sockets on loopback, spoken to by a plain SMPP client written on
// the package's typed face: binds, answers by the model's arithmetic, receipts by message id.
// No sleeps: every wait is for a PDU.
import {performance} from 'node:perf_hooks';
import {afterEach, describe, expect, it} from 'vitest';
import type {SenderSpec} from '../../source/engine/types.js';
import {isInvalidNumber, phoneText} from '../../source/engine/message.js';
import {destinationNumber, startSmsc, type Smsc, type SmscOptions} from '../../source/smpp/smsc.js';
import {pdu, status} from '../../source/smpp/wire.js';
import {SmppClient} from '../helpers/smpp-client.js';

const constant = (meanMs: number, failureRate = 0): SenderSpec => ({meanMs, failureRate, distribution: 'constant'});

let smsc: Smsc | undefined;
const clients: SmppClient[] = [];

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	await smsc?.close(0);
	smsc = undefined;
});

async function start(model: Partial<SmscOptions['model']> = {}, access: Pick<SmscOptions, 'systemId' | 'password'> = {}): Promise<number> {
	smsc = await startSmsc({port: 0, ...access, model: {send: constant(5), invalid: 0, seed: 1, ...model}});
	return smsc.port;
}

async function client(port: number, fields?: Parameters<typeof SmppClient.bound>[1], command?: string): Promise<SmppClient> {
	const opened = await SmppClient.bound(port, fields, command);
	clients.push(opened);
	return opened;
}

const numbers = (n: number, from = 5_550_000_000) => Array.from({length: n}, (_, i) => phoneText(from + i * 7919));

describe('sms-dash smsc, in-process', () => {
	it('answers every submit after the send time with a unique id, and sends each receipt by that id', async () => {
		const port = await start({send: constant(20)});
		const sms = await client(port);
		const sentAt = performance.now();
		const answers = await Promise.all(numbers(30).map(async destination_addr => sms.submit({destination_addr})));
		// Constant 20 ms: no answer before it.
		expect(performance.now() - sentAt).toBeGreaterThanOrEqual(19);
		expect(answers.map(answer => answer.command_status)).toStrictEqual(Array.from({length: 30}, () => status.ok));
		const ids = answers.map(answer => answer.message_id!);
		expect(new Set(ids).size).toBe(30);

		await sms.until(() => sms.receipts.length === 30);
		expect(sms.receipts.map(receipt => receipt.id).sort()).toStrictEqual([...ids].sort());
		expect(sms.receipts.every(receipt => receipt.state === 'DELIVRD')).toBe(true);
		// The receipt goes back to the submitter's address, from the recipient's.
		const first = sms.receipts.find(receipt => receipt.id === ids[0])!;
		expect(first.pdu.destination_addr).toBe('ALERT');
		expect(first.pdu.source_addr).toBe(numbers(1)[0]);
		expect(first.pdu.receipted_message_id).toBe(ids[0]);

		// Acknowledged receipts are counted once they are read.
		await sms.request(pdu('enquire_link'));
		const totals = smsc!.totals();
		expect(totals).toMatchObject({binds: 1, submits: 30, accepted: 30, receipts: 30, delivered: 30, receiptsPending: 0, receiptsAcknowledged: 30, inFlight: 0});
	});

	it('each answer waits its own send time from its own arrival', async () => {
		const port = await start({send: constant(30)});
		const sms = await client(port);
		const times = await Promise.all(
			numbers(5).map(async destination_addr => {
				const at = performance.now();
				await sms.submit({destination_addr});
				return performance.now() - at;
			}),
		);
		for (const ms of times) expect(ms).toBeGreaterThanOrEqual(29);
	});

	it('answers one bind out of order when a later submit draws a shorter send time', async () => {
		// Uniform 1..99 ms: twenty submits sent at once come back in the order of their draws.
		const port = await start({send: {meanMs: 50, spreadMs: 49, distribution: 'uniform', failureRate: 0}});
		const sms = await client(port);
		const order: number[] = [];
		await Promise.all(
			numbers(20).map(async (destination_addr, i) => {
				await sms.submit({destination_addr});
				order.push(i);
			}),
		);
		expect(order).not.toStrictEqual([...order].sort((a, b) => a - b));
		expect(order.sort((a, b) => a - b)).toStrictEqual(Array.from({length: 20}, (_, i) => i));
	});

	it('refuses every submit with ESME_RSUBMITFAIL at failure rate 1, none at 0, and sends no receipt for them', async () => {
		const port = await start({send: constant(1, 1)});
		const sms = await client(port);
		const answers = await Promise.all(numbers(20).map(async destination_addr => sms.submit({destination_addr})));
		expect(answers.every(answer => answer.command_status === status.submitFailed)).toBe(true);
		await sms.request(pdu('enquire_link'));
		expect(sms.receipts).toHaveLength(0);
		expect(smsc!.totals()).toMatchObject({submits: 20, failed: 20, accepted: 0, receipts: 0});
	});

	it('refuses the same invalid numbers every time, with ESME_RINVDSTADR, and no others', async () => {
		const port = await start({invalid: 0.3});
		const sms = await client(port);
		const tried = numbers(60);
		const expected = tried.map(number => isInvalidNumber(Number(number), 0.3));
		expect(expected.filter(Boolean).length).toBeGreaterThan(5);
		for (let round = 0; round < 2; round++) {
			const answers = await Promise.all(tried.map(async destination_addr => sms.submit({destination_addr})));
			expect(answers.map(answer => answer.command_status === status.invalidDestination)).toStrictEqual(expected);
			expect(answers.every(answer => answer.command_status === status.ok || answer.command_status === status.invalidDestination)).toBe(true);
		}

		// No number at all cannot receive either.
		expect((await sms.submit({destination_addr: 'not a number'})).command_status).toBe(status.invalidDestination);
		expect(destinationNumber('+4915112345678')).toBe(4_915_112_345_678);
	});

	it('throttles submits beyond the gateway bucket with ESME_RTHROTTLED', async () => {
		// One token a second, one in the bucket: of a burst of 10, one is accepted.
		const port = await start({gatewayRate: 1});
		const sms = await client(port);
		const answers = await Promise.all(numbers(10).map(async destination_addr => sms.submit({destination_addr})));
		const codes = answers.map(answer => answer.command_status);
		expect(codes.filter(code => code === status.ok)).toHaveLength(1);
		expect(codes.filter(code => code === status.throttled)).toHaveLength(9);
		expect(smsc!.totals()).toMatchObject({accepted: 1, throttled: 9});
	});

	it('refuses a wrong system id or password when one is set, and binds the right one', async () => {
		const port = await start({}, {systemId: 'alerts', password: 'secret'});
		const raw = await SmppClient.open(port);
		clients.push(raw);
		expect((await raw.request(pdu('bind_transceiver', {system_id: 'alerts', password: 'wrong'}))).command_status).toBe(status.invalidPassword);
		expect((await raw.request(pdu('bind_transceiver', {system_id: 'other', password: 'secret'}))).command_status).toBe(status.invalidSystemId);
		// Not bound: no submit.
		expect((await raw.submit({destination_addr: '5551234567'})).command_status).toBe(status.invalidBindStatus);
		const bound = await raw.request(pdu('bind_transceiver', {system_id: 'alerts', password: 'secret'}));
		expect(bound.command_status).toBe(status.ok);
		expect(bound.command).toBe('bind_transceiver_resp');
		expect((await raw.request(pdu('bind_transceiver', {system_id: 'alerts', password: 'secret'}))).command_status).toBe(status.alreadyBound);
		expect(smsc!.totals()).toMatchObject({binds: 1, bindsRefused: 2});
	});

	it('answers enquire_link and unbind, and a command it does not serve with an error', async () => {
		const port = await start();
		const sms = await client(port);
		expect((await sms.request(pdu('enquire_link'))).command).toBe('enquire_link_resp');
		expect((await sms.request(pdu('query_sm', {message_id: 'x'}))).command_status).toBe(status.invalidCommand);
		const bye = await sms.request(pdu('unbind'));
		expect(bye.command).toBe('unbind_resp');
		await sms.closed();
		expect(smsc!.totals().binds).toBe(0);
	});

	it('a transmitter submits and a receiver of the same system id gets the receipts; receivers cannot submit', async () => {
		const port = await start();
		const receiver = await client(port, {system_id: 'fleet', password: 'x'}, 'bind_receiver');
		const transmitter = await client(port, {system_id: 'fleet', password: 'x'}, 'bind_transmitter');
		expect((await receiver.submit({destination_addr: '5551234567'})).command_status).toBe(status.invalidBindStatus);
		const answer = await transmitter.submit({destination_addr: '5551234567'});
		await receiver.until(() => receiver.receipts.length === 1);
		expect(receiver.receipts[0]!.id).toBe(answer.message_id);
	});

	it('keeps a receipt whose client went until its system id binds again', async () => {
		const port = await start({delivery: {meanMs: 20, distribution: 'constant', undelivered: 0}});
		const first = await client(port, {system_id: 'again', password: 'x'});
		const answer = await first.submit({destination_addr: '5551234567'});
		first.destroy();
		await first.closed();
		const second = await client(port, {system_id: 'again', password: 'x'});
		await second.until(() => second.receipts.length === 1);
		expect(second.receipts[0]!.id).toBe(answer.message_id);
	});

	it('sends receipts only when registered_delivery asks: EXPIRED for the undelivered share, at the validity', async () => {
		const port = await start({delivery: {meanMs: 5, distribution: 'constant', undelivered: 1}, validityMs: 25});
		const sms = await client(port);
		const none = await sms.submit({destination_addr: '5551234567', registered_delivery: 0});
		const onFailure = await sms.submit({destination_addr: '5551234568', registered_delivery: 2});
		const always = await sms.submit({destination_addr: '5551234569', registered_delivery: 1});
		await sms.until(() => sms.receipts.length === 2);
		expect(sms.receipts.map(receipt => receipt.id).sort()).toStrictEqual([onFailure.message_id, always.message_id].sort());
		expect(sms.receipts.every(receipt => receipt.state === 'EXPIRED')).toBe(true);
		expect(sms.receipts.map(receipt => receipt.id)).not.toContain(none.message_id);
		expect(smsc!.totals()).toMatchObject({expired: 2, delivered: 0});
	});

	it('survives a client that vanishes with submits unanswered, and serves the next one', async () => {
		// Long enough that the client is surely gone before any answer is due.
		const port = await start({send: constant(300)});
		const gone = await client(port);
		for (const destination_addr of numbers(5)) gone.session.submit_sm({destination_addr, source_addr: 'A'});
		// The server reads PDUs in order: once this is answered, it holds the five submits.
		await gone.request(pdu('enquire_link'));
		gone.destroy();
		await gone.closed();
		const next = await client(port);
		expect((await next.submit({destination_addr: '5551234567'})).command_status).toBe(status.ok);
		expect(smsc!.totals()).toMatchObject({submits: 6, accepted: 1, dropped: 5, inFlight: 0, binds: 1});
	});

	it('closing unbinds every client, and a client that does not answer is cut after the grace', async () => {
		const port = await start();
		const polite = await client(port);
		const unbinds: string[] = [];
		polite.session.on('unbind', () => unbinds.push('polite'));
		const silent = await client(port);
		silent.session.removeAllListeners('unbind');
		silent.session.on('unbind', () => unbinds.push('silent'));
		const closing = smsc!.close(60_000);
		await polite.closed();
		expect(unbinds.sort()).toStrictEqual(['polite', 'silent']);
		smsc!.cut();
		await closing;
		await silent.closed();
	});

	it('says why it cannot listen: the port in use', async () => {
		const port = await start();
		await expect(startSmsc({port, model: {send: constant(5), invalid: 0, seed: 1}})).rejects.toMatchObject({code: 'EADDRINUSE'});
	});
});
