// The SMPP side of `sms-dash smsc`: a local SMSC on the engine's model (send time, failure rate,
// invalid numbers, the gateway's token bucket, receipts), in real time. It binds, answers,
// sends receipts and counts; it prints nothing and never ends the process (smsc-cli.ts does).
import {randomBytes} from 'node:crypto';
import type {AddressInfo} from 'node:net';
import {performance} from 'node:perf_hooks';
import {AttemptModel, senderRng} from '../engine/attempt.js';
import {Gateway} from '../engine/gateway.js';
import {isInvalidNumber} from '../engine/message.js';
import {defaultValidityMs, Receipts} from '../engine/receipts.js';
import type {DeliverySpec, SenderSpec} from '../engine/types.js';
import {formatReceipt, type ReceiptState} from './receipt-text.js';
import {createServer, esmClass, messageState, status, type Pdu, type PduFields, type Session, type SmppServer} from './wire.js';

/** What decides the answers: the engine's model, read from the same flags as a run's. */
export interface SmscModel {
	/** Each submit's send time (mean, distribution, spread, max wait) and failure rate. */
	send: SenderSpec;
	/** Share of destination numbers that cannot receive (the same numbers every time). */
	invalid: number;
	/** Segments per second the SMSC accepts (a token bucket of one second); undefined: no cap. */
	gatewayRate?: number | undefined;
	/** Receipts' delay and undelivered share; undefined: each receipt (DELIVRD) goes at once. */
	delivery?: DeliverySpec | undefined;
	/** When an undelivered message expires (its EXPIRED receipt). @default 48h */
	validityMs?: number | undefined;
	seed: number;
}

export interface SmscOptions {
	/** @default '127.0.0.1' */
	host?: string;
	/** @default 2775; 0: any free port */
	port?: number;
	/** When given, a bind with another system id is refused (ESME_RINVSYSID). */
	systemId?: string | undefined;
	/** When given, a bind with another password is refused (ESME_RINVPASWD). */
	password?: string | undefined;
	model: SmscModel;
}

/** What the SMSC has done so far. */
export interface SmscTotals {
	/** Binds open now. */
	binds: number;
	/** Binds accepted since the start. */
	bindsInAll: number;
	/** Binds refused: wrong system id or password. */
	bindsRefused: number;
	/** submit_sm received on a bind that may submit. */
	submits: number;
	accepted: number;
	/** Answered ESME_RTHROTTLED: beyond the gateway's rate. */
	throttled: number;
	/** Answered ESME_RSUBMITFAIL: the failure rate. */
	failed: number;
	/** Answered ESME_RINVDSTADR: a number that cannot receive, or no number at all. */
	invalid: number;
	/** Submits waiting for their answer now. */
	inFlight: number;
	/** Answers never sent: the client went before its send time was over. */
	dropped: number;
	/** Receipts (deliver_sm) sent, and of them the delivered and expired ones. */
	receipts: number;
	delivered: number;
	expired: number;
	/** Receipts due later, or waiting for their system id to bind again. */
	receiptsPending: number;
	/** deliver_sm_resp received. */
	receiptsAcknowledged: number;
}

export interface Smsc {
	readonly host: string;
	readonly port: number;
	totals(): SmscTotals;
	/**
	 * Stops: no more binds; each bound client gets an unbind (answered or not within
	 * `graceMs`), then every connection is closed. Submits and receipts still waiting stay counted.
	 */
	close(graceMs?: number): Promise<void>;
	/** Drops every connection at once (a second Ctrl+C while closing). */
	cut(): void;
}

/** setTimeout takes at most 2^31 − 1 ms (24.8 days); a longer validity is waited in steps. */
const maxTimerMs = 2 ** 31 - 1;

/** Timers that can all be cleared at once, longer ones than setTimeout allows included. */
class Timers {
	private readonly live = new Set<{timer?: NodeJS.Timeout}>();

	after(ms: number, run: () => void): void {
		const entry: {timer?: NodeJS.Timeout} = {};
		const arm = (left: number) => {
			entry.timer = setTimeout(() => {
				if (left > maxTimerMs) {
					arm(left - maxTimerMs);
					return;
				}

				this.live.delete(entry);
				run();
			}, Math.min(Math.max(0, left), maxTimerMs));
		};

		this.live.add(entry);
		arm(ms);
	}

	get size(): number {
		return this.live.size;
	}

	clear(): void {
		for (const entry of this.live) clearTimeout(entry.timer);
		this.live.clear();
	}
}

type BindKind = 'transmitter' | 'receiver' | 'transceiver';

/** One client connection and what it is bound as. */
interface Bind {
	session: Session;
	kind: BindKind | undefined;
	systemId: string;
	/** Its submits' answers, due after their send time. */
	answers: Timers;
	isClosed: boolean;
}

interface PendingReceipt {
	systemId: string;
	origin: Bind;
	fields: PduFields;
	state: ReceiptState;
}

/** A destination as the model's phone number: optional '+', 1 to 15 digits (E.164); else undefined. */
export function destinationNumber(address: string | undefined): number | undefined {
	const digits = /^\+?(\d{1,15})$/.exec(address ?? '')?.[1];
	return digits === undefined ? undefined : Number(digits);
}

/** registered_delivery's low bits: 1 a receipt for every final state, 2 for failures only. */
function wantsReceipt(registeredDelivery: number | undefined, isDelivered: boolean): boolean {
	const asked = (registeredDelivery ?? 0) & 0x03;
	return asked === 1 || (asked === 2 && !isDelivered);
}

/** Listens on host:port and answers SMPP clients until closed; rejects when it cannot listen (the error's code says why). */
export async function startSmsc(options: SmscOptions): Promise<Smsc> {
	const {model} = options;
	const attempts = new AttemptModel(model.send, senderRng(model.seed, 1));
	const gateway = model.gatewayRate === undefined ? undefined : new Gateway(model.gatewayRate);
	const validityMs = model.validityMs ?? defaultValidityMs;
	const receipts = model.delivery === undefined ? undefined : new Receipts(model.delivery, model.seed, validityMs);
	const startedAt = performance.now();
	const idPrefix = randomBytes(3).toString('hex');
	let lastId = 0;

	const totals: SmscTotals = {
		binds: 0,
		bindsInAll: 0,
		bindsRefused: 0,
		submits: 0,
		accepted: 0,
		throttled: 0,
		failed: 0,
		invalid: 0,
		inFlight: 0,
		dropped: 0,
		receipts: 0,
		delivered: 0,
		expired: 0,
		receiptsPending: 0,
		receiptsAcknowledged: 0,
	};
	const binds = new Set<Bind>();
	const receiptTimers = new Timers();
	/** Receipts whose system id has no bind that can receive them now, by system id. */
	const backlog = new Map<string, PendingReceipt[]>();
	let isClosing = false;

	const canReceive = (bind: Bind) => !bind.isClosed && (bind.kind === 'receiver' || bind.kind === 'transceiver');

	function sendReceipt(receipt: PendingReceipt): void {
		let to: Bind | undefined = canReceive(receipt.origin) ? receipt.origin : undefined;
		for (const bind of binds) {
			if (to !== undefined) break;
			if (canReceive(bind) && bind.systemId === receipt.systemId) to = bind;
		}

		if (to === undefined) {
			const waiting = backlog.get(receipt.systemId);
			if (waiting === undefined) backlog.set(receipt.systemId, [receipt]);
			else waiting.push(receipt);
			return;
		}

		to.session.deliver_sm(receipt.fields);
		totals.receiptsPending--;
		totals.receipts++;
		if (receipt.state === 'DELIVRD') totals.delivered++;
		else totals.expired++;
	}

	/** An accepted submit's receipt, when the client asked for one: after the drawn delay, or at once. */
	function scheduleReceipt(bind: Bind, request: Pdu, id: string): void {
		const fate = receipts?.draw() ?? {isDelivered: true, afterMs: 0};
		if (!wantsReceipt(request.registered_delivery, fate.isDelivered)) return;
		const state: ReceiptState = fate.isDelivered ? 'DELIVRD' : 'EXPIRED';
		const submittedAt = new Date();
		totals.receiptsPending++;
		receiptTimers.after(fate.afterMs, () => {
			const text = formatReceipt({id, state, error: fate.isDelivered ? '000' : '001'}, submittedAt, new Date());
			sendReceipt({
				systemId: bind.systemId,
				origin: bind,
				state,
				fields: {
					source_addr_ton: request.dest_addr_ton,
					source_addr_npi: request.dest_addr_npi,
					source_addr: request.destination_addr,
					dest_addr_ton: request.source_addr_ton,
					dest_addr_npi: request.source_addr_npi,
					destination_addr: request.source_addr,
					esm_class: esmClass.receipt,
					short_message: text,
					receipted_message_id: id,
					message_state: fate.isDelivered ? messageState.delivered : messageState.expired,
				},
			});
		});
	}

	function onBind(bind: Bind, request: Pdu): void {
		const kind = request.command.slice('bind_'.length) as BindKind;
		const refusal =
			bind.kind !== undefined
				? status.alreadyBound
				: options.systemId !== undefined && request.system_id !== options.systemId
					? status.invalidSystemId
					: options.password !== undefined && request.password !== options.password
						? status.invalidPassword
						: undefined;
		if (refusal !== undefined) {
			if (refusal !== status.alreadyBound) totals.bindsRefused++;
			bind.session.send(request.response({command_status: refusal}));
			return;
		}

		bind.kind = kind;
		bind.systemId = request.system_id ?? '';
		totals.binds++;
		totals.bindsInAll++;
		bind.session.send(request.response({system_id: 'SMSDASH'}));
		if (kind === 'transmitter') return;
		const waiting = backlog.get(bind.systemId);
		backlog.delete(bind.systemId);
		for (const receipt of waiting ?? []) sendReceipt(receipt);
	}

	/** A submit: judged now (gateway, number, failure), answered after its drawn send time. */
	function onSubmit(bind: Bind, request: Pdu): void {
		if (bind.kind !== 'transmitter' && bind.kind !== 'transceiver') {
			bind.session.send(request.response({command_status: status.invalidBindStatus}));
			return;
		}

		totals.submits++;
		totals.inFlight++;
		const isThrottled = gateway !== undefined && !gateway.take(performance.now() - startedAt);
		const waitMs = attempts.drawWaitMs();
		const number = destinationNumber(request.destination_addr);
		const isInvalid = !isThrottled && (number === undefined || isInvalidNumber(number, model.invalid));
		const hasFailed = !isThrottled && !isInvalid && attempts.judge(1, 0) === 'failed';
		bind.answers.after(waitMs, () => {
			totals.inFlight--;
			if (isThrottled || isInvalid || hasFailed) {
				if (isThrottled) totals.throttled++;
				else if (isInvalid) totals.invalid++;
				else totals.failed++;
				const code = isThrottled ? status.throttled : isInvalid ? status.invalidDestination : status.submitFailed;
				bind.session.send(request.response({command_status: code}));
				return;
			}

			const id = `${idPrefix}${(++lastId).toString(16).padStart(8, '0')}`;
			totals.accepted++;
			bind.session.send(request.response({message_id: id}));
			scheduleReceipt(bind, request, id);
		});
	}

	function onPdu(bind: Bind, request: Pdu): void {
		if (request.isResponse()) {
			if (request.command === 'deliver_sm_resp') totals.receiptsAcknowledged++;
			return;
		}

		switch (request.command) {
			case 'bind_transceiver':
			case 'bind_transmitter':
			case 'bind_receiver': {
				onBind(bind, request);
				break;
			}

			case 'submit_sm': {
				onSubmit(bind, request);
				break;
			}

			case 'enquire_link': {
				bind.session.send(request.response());
				break;
			}

			case 'unbind': {
				bind.session.send(request.response(), () => bind.session.close());
				unbound(bind);
				break;
			}

			default: {
				// Not an SMSC's business here (query_sm, data_sm, ...), or no command at all: a generic_nack for the unknown.
				const answer = request.command === 'unknown' ? request.response() : responseOf(request, status.invalidCommand);
				if (answer !== undefined) bind.session.send(answer);
			}
		}
	}

	/** The bind ends (unbind, or the connection went): its answers still due are dropped. */
	function unbound(bind: Bind): void {
		if (bind.kind !== undefined) totals.binds--;
		bind.kind = undefined;
		totals.dropped += bind.answers.size;
		totals.inFlight -= bind.answers.size;
		bind.answers.clear();
	}

	const server: SmppServer = createServer(session => {
		const bind: Bind = {session, kind: undefined, systemId: '', answers: new Timers(), isClosed: false};
		if (isClosing) {
			session.destroy();
			return;
		}

		binds.add(bind);
		session.on('pdu', (request: Pdu) => {
			try {
				onPdu(bind, request);
			} catch {
				// A PDU the package could not answer (a field it cannot encode): this client is cut off, the others go on.
				session.destroy();
			}
		});
		// A broken PDU, a reset connection: the client is gone or unreadable; drop it.
		session.on('error', () => session.destroy());
		session.on('close', () => {
			bind.isClosed = true;
			unbound(bind);
			binds.delete(bind);
		});
	});
	server.on('error', () => undefined);

	await new Promise<void>((resolve, reject) => {
		const onError = (error: Error) => reject(error);
		server.once('error', onError);
		server.listen(options.port ?? 2775, options.host ?? '127.0.0.1', () => {
			server.off('error', onError);
			resolve();
		});
	});
	const address = server.address() as AddressInfo;

	let closing: Promise<void> | undefined;
	async function close(graceMs = 1000): Promise<void> {
		isClosing = true;
		receiptTimers.clear();
		const closed = new Promise<void>(resolve => {
			server.close(() => resolve());
		});
		// An unbound client is closed at once; a bound one when it answers the unbind, or after the grace.
		const goodbyes = [...binds].map(
			async bind =>
				new Promise<void>(resolve => {
					bind.answers.clear();
					if (bind.isClosed) {
						resolve();
						return;
					}

					const grace = setTimeout(() => bind.session.destroy(), graceMs);
					bind.session.once('close', () => {
						clearTimeout(grace);
						resolve();
					});
					if (bind.kind === undefined || !bind.session.unbind({}, () => bind.session.close())) bind.session.destroy();
				}),
		);
		await Promise.all(goodbyes);
		await closed;
	}

	return {
		host: address.address,
		port: address.port,
		totals: () => ({...totals}),
		async close(graceMs) {
			closing ??= close(graceMs);
			return closing;
		},
		cut() {
			for (const bind of binds) bind.session.destroy();
		},
	};
}

/** `<command>_resp` with an error status, or undefined for a command that has no response. */
function responseOf(request: Pdu, code: number): Pdu | undefined {
	try {
		return request.response({command_status: code});
	} catch {
		return undefined;
	}
}
