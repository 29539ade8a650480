// One SMPP bind (a transceiver session) as a sender uses it: connect and bind, enquire_link,
// the submits it has in flight and their answers (or their timeout), receipts handed on and
// acknowledged, a dropped connection bound again with backoff, and a clean unbind at the end.
// Knows nothing of messages or counts (simulation.ts does); the password stays in here.
import {SmppError} from './error.js';
import {parseReceipt, type Receipt} from './receipt-text.js';
import {answerOf, type SubmitAnswer} from './submit.js';
import {redact, type SmppTarget} from './url.js';
import {connect, esmClass, pdu, status, statusName, type Pdu, type PduFields, type Session} from './wire.js';

/** binding: the first connect and bind; bound: submitting; reconnecting: dropped, binding again. */
export type BindState = 'binding' | 'bound' | 'reconnecting' | 'closed';

export interface BindOptions {
	target: SmppTarget;
	/** A submit unanswered this long is a temporary failure. */
	submitTimeoutMs: number;
	/** How often an idle bind asks the SMSC whether it is there. @default 30000 */
	enquireLinkMs?: number;
	/** The first wait before binding again after a drop; doubles up to maxReconnectMs. @default 250 */
	reconnectMs?: number;
	/** @default 5000 */
	maxReconnectMs?: number;
	/** A delivery receipt came (deliver_sm with esm_class 0x04); it is acknowledged already. */
	onReceipt(receipt: Receipt): void;
	/** The state changed (bound again after a drop: more submits may go). */
	onState(state: BindState): void;
	/** The connection dropped: every submit in flight was answered `dropped`. */
	onDropped(why: string): void;
	/** Binding again failed (told once per outage; it goes on trying). */
	onRebindFailed?(why: string): void;
}

/** How long the first bind may take before the SMSC counts as unreachable. */
export const bindTimeoutMs = 5000;

interface InFlight {
	resolve(answer: SubmitAnswer): void;
	sentAt: number;
}

export class Bind {
	state: BindState = 'binding';
	/** Times the connection dropped and was bound again. */
	reconnects = 0;
	private session: Session | undefined;
	private readonly inFlight = new Map<number, InFlight>();
	private sweep: ReturnType<typeof setInterval> | undefined;
	private retry: ReturnType<typeof setTimeout> | undefined;
	private lastHeardAt = 0;
	private enquiryAt: number | undefined;
	private nextWaitMs: number;
	private isClosing = false;
	private isCorked = false;
	private isRebindTold = false;

	constructor(private readonly options: BindOptions) {
		this.nextWaitMs = options.reconnectMs ?? 250;
	}

	/** Submits unanswered now. */
	get unanswered(): number {
		return this.inFlight.size;
	}

	/**
	 * Connects and binds; resolves once bound. A refused bind or an SMSC that does not
	 * answer rejects with one line (never the password); later drops reconnect by themselves.
	 * @throws {SmppError}
	 */
	open({isRetried = false}: {isRetried?: boolean} = {}): Promise<void> {
		return new Promise((resolve, reject) => {
			this.attempt(error => {
				if (error === undefined) {
					resolve();
					return;
				}

				// A bind opened during the run keeps trying, as a dropped one does.
				if (isRetried) this.again();
				reject(error);
			});
		});
	}

	/** Sends one submit_sm; resolves with the SMSC's answer, a timeout, or `dropped`. */
	submit(fields: PduFields): Promise<SubmitAnswer> {
		const session = this.session;
		if (this.state !== 'bound' || session === undefined) return Promise.resolve({kind: 'dropped'});
		return new Promise(resolve => {
			let sequence = 0;
			const settle = (answer: SubmitAnswer) => {
				if (this.inFlight.get(sequence) !== entry) return;
				this.inFlight.delete(sequence);
				resolve(answer);
			};

			const entry: InFlight = {resolve: settle, sentAt: performance.now()};
			this.cork(session);
			const request = pdu('submit_sm', fields);
			const isSent = session.send(request, response => {
				this.lastHeardAt = performance.now();
				settle(answerOf(response.command_status, response.message_id));
			});
			if (!isSent) {
				resolve({kind: 'dropped'});
				return;
			}

			// Numbered by the package as it was sent.
			sequence = request.sequence_number;
			this.inFlight.set(sequence, entry);
		});
	}

	/** Unbinds (bounded) and closes; submits still in flight are answered `dropped`. Idempotent. */
	async close(graceMs = 1000): Promise<void> {
		if (this.isClosing) return;
		this.isClosing = true;
		clearTimeout(this.retry);
		clearInterval(this.sweep);
		const session = this.session;
		if (session !== undefined && this.state === 'bound') {
			await new Promise<void>(resolve => {
				const timer = setTimeout(resolve, graceMs);
				const isSent = session.unbind({}, () => {
					clearTimeout(timer);
					resolve();
				});
				if (!isSent) {
					clearTimeout(timer);
					resolve();
				}
			});
		}

		this.answerAllDropped();
		this.setState('closed');
		if (session !== undefined && !session.socket.destroyed) {
			await new Promise<void>(resolve => {
				setTimeout(resolve, 500).unref();
				session.destroy(() => resolve());
			});
		}

		this.session = undefined;
	}

	// ---- connecting ----

	/** One connect and bind; `done` hears how the first one went (later ones are retried). */
	private attempt(done?: (error?: SmppError) => void): void {
		const {target} = this.options;
		let isSettled = false;
		const fail = (why: string) => {
			if (isSettled) return;
			isSettled = true;
			clearTimeout(timer);
			session.removeAllListeners();
			session.on('error', () => undefined);
			session.destroy();
			if (this.session === session) this.session = undefined;
			if (done !== undefined) {
				done(new SmppError(redact(`${why} (--smpp ${target.display})`, target)));
				return;
			}

			if (!this.isRebindTold) this.options.onRebindFailed?.(redact(why, target));
			this.isRebindTold = true;
			this.again();
		};

		const timer = setTimeout(() => fail(`the SMSC did not bind within ${bindTimeoutMs / 1000} s`), bindTimeoutMs);
		const session = connect({host: target.host, port: target.port, tls: target.isTls, rejectUnauthorized: target.isTls ? true : undefined}, () => {
			session.bind_transceiver({system_id: target.systemId, password: target.password, interface_version: 0x34}, response => {
				if (isSettled) return;
				if (response.command_status !== status.ok) {
					fail(`the SMSC refused the bind: ${statusName(response.command_status)}${bindRefusal(response.command_status)}`);
					return;
				}

				isSettled = true;
				clearTimeout(timer);
				this.bound(session);
				done?.();
			});
		});
		this.session = session;
		session.on('error', (error: Error) => {
			if (!isSettled) fail(`cannot reach the SMSC: ${describeSocketError(error)}`);
			else this.dropped(session, describeSocketError(error));
		});
		session.on('close', () => {
			if (!isSettled) fail('the SMSC closed the connection before the bind was answered');
			else this.dropped(session, 'the SMSC closed the connection');
		});
	}

	private bound(session: Session): void {
		this.nextWaitMs = this.options.reconnectMs ?? 250;
		this.isRebindTold = false;
		this.lastHeardAt = performance.now();
		this.enquiryAt = undefined;
		session.on('deliver_sm', (pdu: Pdu) => this.delivered(session, pdu));
		session.on('enquire_link', (request: Pdu) => session.send(request.response()));
		session.on('unbind', (request: Pdu) => {
			session.send(request.response());
			this.dropped(session, 'the SMSC unbound');
		});
		session.on('pdu', () => (this.lastHeardAt = performance.now()));
		clearInterval(this.sweep);
		this.sweep = setInterval(() => this.check(), Math.min(250, Math.max(10, this.options.submitTimeoutMs / 4)));
		this.setState('bound');
	}

	private delivered(session: Session, request: Pdu): void {
		this.cork(session);
		session.send(request.response());
		if (((request.esm_class ?? 0) & esmClass.receipt) === 0) return;
		const body = request.short_message;
		const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('latin1') : typeof body?.message === 'string' ? body.message : (body?.message.toString('latin1') ?? '');
		const receipt = parseReceipt(text);
		// The receipt TLVs win over the text where they are given (SMPP 3.4 5.3.2.12).
		if (receipt !== undefined && request.receipted_message_id !== undefined && request.receipted_message_id !== '') receipt.id = request.receipted_message_id;
		if (receipt !== undefined) this.options.onReceipt(receipt);
	}

	/**
	 * Holds the socket's writes until the end of this tick: the PDUs sent meanwhile (a window's
	 * worth of submits, a batch of receipt answers) leave in one write, not one each.
	 */
	private cork(session: Session): void {
		if (this.isCorked) return;
		this.isCorked = true;
		session.socket.cork();
		process.nextTick(() => {
			this.isCorked = false;
			session.socket.uncork();
		});
	}

	/** Submits past their timeout fail; an SMSC silent for long is asked whether it is there. */
	private check(): void {
		const now = performance.now();
		const timeoutMs = this.options.submitTimeoutMs;
		for (const entry of this.inFlight.values()) {
			// In the order sent: the first one not due ends the look.
			if (now - entry.sentAt < timeoutMs) break;
			entry.resolve({kind: 'error', status: undefined});
		}

		const session = this.session;
		if (this.state !== 'bound' || session === undefined) return;
		if (this.enquiryAt !== undefined) {
			if (now - this.enquiryAt >= Math.max(timeoutMs, 1000) && this.lastHeardAt < this.enquiryAt) this.dropped(session, 'the SMSC stopped answering enquire_link');
			else if (this.lastHeardAt >= this.enquiryAt) this.enquiryAt = undefined;
			return;
		}

		if (now - this.lastHeardAt >= (this.options.enquireLinkMs ?? 30_000)) {
			this.enquiryAt = now;
			session.enquire_link({}, () => (this.lastHeardAt = performance.now()));
		}
	}

	private dropped(session: Session, why: string): void {
		if (this.session !== session || this.isClosing) return;
		this.session = undefined;
		clearInterval(this.sweep);
		session.removeAllListeners();
		session.on('error', () => undefined);
		session.destroy();
		this.answerAllDropped();
		this.options.onDropped(redact(why, this.options.target));
		this.again();
	}

	/** Binds again after a wait that doubles on each failure. */
	private again(): void {
		if (this.isClosing) return;
		this.setState('reconnecting');
		const waitMs = this.nextWaitMs;
		this.nextWaitMs = Math.min(this.nextWaitMs * 2, this.options.maxReconnectMs ?? 5000);
		clearTimeout(this.retry);
		this.retry = setTimeout(() => {
			this.reconnects++;
			this.attempt();
		}, waitMs);
	}

	private answerAllDropped(): void {
		for (const entry of [...this.inFlight.values()]) entry.resolve({kind: 'dropped'});
	}

	private setState(state: BindState): void {
		if (this.state === state) return;
		this.state = state;
		this.options.onState(state);
	}
}

/** What a refused bind's status means, in words, for the one line. */
function bindRefusal(code: number): string {
	if (code === status.invalidPassword) return ' (wrong password)';
	if (code === status.invalidSystemId) return ' (unknown system id)';
	return '';
}

/** `connection refused (ECONNREFUSED)` rather than a stack. */
function describeSocketError(error: Error): string {
	const code = (error as NodeJS.ErrnoException).code;
	const words: Record<string, string> = {
		ECONNREFUSED: 'connection refused',
		ECONNRESET: 'connection reset',
		ETIMEDOUT: 'timed out',
		ENOTFOUND: 'host not found',
		EHOSTUNREACH: 'host unreachable',
		EPIPE: 'connection closed',
	};
	if (code !== undefined && words[code] !== undefined) return `${words[code]} (${code})`;
	return error.message.split('\n')[0] ?? 'connection error';
}
