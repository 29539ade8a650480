// A plain SMPP client for tests, written directly on the package's typed face (wire.ts): it
// binds, submits, keeps every answer and receipt, and acknowledges receipts. No sleeps: each
// wait resolves on a PDU or the connection's end.
import {once} from 'node:events';
import {parseReceipt, type Receipt} from '../../source/smpp/receipt-text.js';
import {connect, esmClass, pdu, type Pdu, type PduFields, type Session} from '../../source/smpp/wire.js';

export class SmppClient {
	readonly receipts: Array<Receipt & {pdu: Pdu}> = [];
	private readonly waiters: Array<() => void> = [];
	isClosed = false;

	private constructor(readonly session: Session) {
		session.on('deliver_sm', (request: Pdu) => {
			const body = request.short_message;
			const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString() : String(body?.message);
			const receipt = parseReceipt(text);
			if (receipt !== undefined && ((request.esm_class ?? 0) & esmClass.receipt) !== 0) this.receipts.push({...receipt, pdu: request});
			if (this.ack) session.send(request.response());
			this.wake();
		});
		session.on('unbind', (request: Pdu) => session.send(request.response()));
		session.on('error', () => undefined);
		session.on('close', () => {
			this.isClosed = true;
			this.wake();
		});
	}

	/** Whether receipts are acknowledged (deliver_sm_resp). */
	ack = true;

	static async open(port: number, host = '127.0.0.1'): Promise<SmppClient> {
		const session = connect({host, port});
		await once(session, 'connect');
		return new SmppClient(session);
	}

	/** Opens and binds; throws when the bind is refused. */
	static async bound(port: number, fields: PduFields = {system_id: 'test', password: 'pw'}, command = 'bind_transceiver'): Promise<SmppClient> {
		const client = await SmppClient.open(port);
		const answer = await client.request(pdu(command, fields));
		if (answer.command_status !== 0) throw new Error(`bind refused: ${answer.command_status}`);
		return client;
	}

	/** Sends a PDU and resolves with its answer. */
	async request(request: Pdu): Promise<Pdu> {
		return new Promise((resolve, reject) => {
			if (!this.session.send(request, resolve)) reject(new Error('not connected'));
		});
	}

	async submit(fields: PduFields): Promise<Pdu> {
		return this.request(pdu('submit_sm', {source_addr: 'ALERT', registered_delivery: 1, short_message: 'test alert', ...fields}));
	}

	/** Resolves once `done()` holds, checked after every receipt and at the connection's end. */
	async until(done: () => boolean): Promise<void> {
		while (!done()) {
			if (this.isClosed) throw new Error('the connection closed first');
			await new Promise<void>(resolve => this.waiters.push(resolve));
		}
	}

	async closed(): Promise<void> {
		if (!this.isClosed) await once(this.session, 'close');
	}

	destroy(): void {
		this.session.destroy();
	}

	private wake(): void {
		for (const resolve of this.waiters.splice(0)) resolve();
	}
}
