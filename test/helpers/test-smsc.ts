// A second, independent SMSC for the SMPP client's tests, written directly on the smpp package
// (through wire.ts), not on `sms-dash smsc`: it binds, answers submit_sm as each test says,
// counts every PDU and segment, tracks each bind's unanswered submits (the window) and sends receipts.
import {once} from 'node:events';
import type {AddressInfo} from 'node:net';
import {formatReceipt, type ReceiptState} from '../../source/smpp/receipt-text.js';
import {createServer, esmClass, type Pdu, type Session, type SmppServer, status} from '../../source/smpp/wire.js';

/** How the test SMSC answers one submit: a status, after `delayMs`; or no answer at all. */
export interface Reply {
	status?: number;
	delayMs?: number;
	/** Never answered (the client's --submit-timeout decides). */
	isSilent?: boolean;
	/** The receipt to send after the answer, if any; `receiptDelayMs` after it. */
	receipt?: ReceiptState;
	receiptDelayMs?: number;
}

export interface SubmitSeen {
	session: number;
	destination: string;
	source: string;
	esmClass: number;
	dataCoding: number;
	udh: Buffer | undefined;
	text: string;
	registeredDelivery: number;
	/** Unanswered submits on its bind when it came, itself included. */
	outstanding: number;
}

export interface TestSmscOptions {
	/** Refuse binds whose password is not this. */
	password?: string;
	/** Speak TLS with this key and certificate. */
	tls?: {key: Buffer; cert: Buffer};
	/** Leave enquire_link unanswered (an SMSC that hangs). */
	isDeafToEnquireLink?: boolean;
	/** Decides each submit's reply (n counts submits from 1, all binds). */
	reply?: (submit: SubmitSeen, n: number) => Reply;
}

export class TestSmsc {
	readonly submits: SubmitSeen[] = [];
	readonly binds: Array<{systemId: string; password: string; isAccepted: boolean}> = [];
	/** The most unanswered submits any bind had at once. */
	maxOutstanding = 0;
	receiptsAcked = 0;
	unbinds = 0;
	enquireLinks = 0;
	port = 0;
	private readonly server: SmppServer;
	private readonly sessions: Session[] = [];
	private readonly outstanding = new Map<Session, number>();
	private nextId = 0;
	private readonly waiters: Array<{test: () => boolean; resolve: () => void}> = [];
	private readonly timers = new Set<ReturnType<typeof setTimeout>>();

	constructor(private readonly options: TestSmscOptions = {}) {
		this.server = createServer(session => this.accept(session), options.tls);
	}

	async listen(): Promise<number> {
		this.server.listen(0, '127.0.0.1');
		await once(this.server, 'listening');
		this.port = (this.server.address() as AddressInfo).port;
		return this.port;
	}

	/** Resolves once `test` holds (checked after every PDU). */
	until(test: () => boolean): Promise<void> {
		if (test()) return Promise.resolve();
		return new Promise(resolve => this.waiters.push({test, resolve}));
	}

	/** Drops bind `index`'s connection at once (as a crashed SMSC process would). */
	drop(index: number): void {
		this.sessions[index]?.destroy();
	}

	async close(): Promise<void> {
		for (const timer of this.timers) clearTimeout(timer);
		for (const session of this.sessions) session.destroy();
		await new Promise(resolve => this.server.close(resolve));
	}

	private later(ms: number, run: () => void): void {
		if (ms <= 0) {
			run();
			return;
		}

		const timer = setTimeout(() => {
			this.timers.delete(timer);
			run();
		}, ms);
		this.timers.add(timer);
	}

	private check(): void {
		for (const waiter of [...this.waiters]) {
			if (!waiter.test()) continue;
			this.waiters.splice(this.waiters.indexOf(waiter), 1);
			waiter.resolve();
		}
	}

	private accept(session: Session): void {
		const index = this.sessions.length;
		this.sessions.push(session);
		this.outstanding.set(session, 0);
		session.on('error', () => undefined);
		session.on('bind_transceiver', (request: Pdu) => {
			const password = request.password ?? '';
			const isAccepted = this.options.password === undefined || password === this.options.password;
			this.binds.push({systemId: request.system_id ?? '', password, isAccepted});
			session.send(request.response({system_id: 'TESTSMSC', command_status: isAccepted ? status.ok : status.invalidPassword}));
			this.check();
		});
		session.on('enquire_link', (request: Pdu) => {
			this.enquireLinks++;
			if (this.options.isDeafToEnquireLink !== true) session.send(request.response());
			this.check();
		});
		session.on('unbind', (request: Pdu) => {
			this.unbinds++;
			session.send(request.response());
			this.check();
		});
		session.on('deliver_sm_resp', () => {
			this.receiptsAcked++;
			this.check();
		});
		session.on('submit_sm', (request: Pdu) => this.submitted(session, index, request));
	}

	private submitted(session: Session, index: number, request: Pdu): void {
		const outstanding = (this.outstanding.get(session) ?? 0) + 1;
		this.outstanding.set(session, outstanding);
		this.maxOutstanding = Math.max(this.maxOutstanding, outstanding);
		const body = request.short_message;
		const udh = typeof body === 'object' && !Buffer.isBuffer(body) && body.udh !== undefined ? (Array.isArray(body.udh) ? body.udh[0] : body.udh) : undefined;
		const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('latin1') : String(body?.message ?? '');
		const seen: SubmitSeen = {
			session: index,
			destination: request.destination_addr ?? '',
			source: request.source_addr ?? '',
			esmClass: request.esm_class ?? 0,
			dataCoding: request.data_coding ?? 0,
			udh,
			text,
			registeredDelivery: request.registered_delivery ?? 0,
			outstanding,
		};
		this.submits.push(seen);
		const reply = this.options.reply?.(seen, this.submits.length) ?? {};
		this.check();
		if (reply.isSilent === true) return;
		this.later(reply.delayMs ?? 0, () => {
			if (session.socket.destroyed) return;
			this.outstanding.set(session, (this.outstanding.get(session) ?? 1) - 1);
			const code = reply.status ?? status.ok;
			const id = code === status.ok ? `T${++this.nextId}` : '';
			session.send(request.response({command_status: code, message_id: id}));
			if (code !== status.ok || reply.receipt === undefined) return;
			const state = reply.receipt;
			this.later(reply.receiptDelayMs ?? 0, () => {
				if (session.socket.destroyed) return;
				const text = formatReceipt({id, state, error: state === 'DELIVRD' ? '000' : '001'}, new Date(), new Date());
				session.deliver_sm({esm_class: esmClass.receipt, source_addr: request.destination_addr, destination_addr: request.source_addr, short_message: text});
			});
		});
	}
}
