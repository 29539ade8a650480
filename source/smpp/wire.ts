// The one door to the `smpp` package (SMPP 3.4 PDUs, sessions, a server): typed sessions,
// PDUs and the command_status codes sms-dash speaks. Nothing else imports the package.
import type {EventEmitter} from 'node:events';
import {isIP, type Server} from 'node:net';
import smppPackage from 'smpp';

/** A short message body: bytes, or text with its user data headers (concatenation). */
export type ShortMessage = Buffer | string | {udh?: Buffer | Buffer[]; message: string | Buffer};

/** The fields of a PDU that sms-dash reads or writes (the package keeps them as properties). */
export interface PduFields {
	command_status?: number;
	sequence_number?: number;
	system_id?: string;
	password?: string;
	system_type?: string;
	interface_version?: number;
	message_id?: string;
	service_type?: string;
	source_addr_ton?: number;
	source_addr_npi?: number;
	source_addr?: string;
	dest_addr_ton?: number;
	dest_addr_npi?: number;
	destination_addr?: string;
	esm_class?: number;
	registered_delivery?: number;
	data_coding?: number | null;
	short_message?: ShortMessage;
	/** deliver_sm receipts may carry these TLVs (SMPP 3.4 5.3.2.12, 5.3.2.35). */
	receipted_message_id?: string;
	message_state?: number;
}

/** A PDU as the package decodes it: the command's name and its fields. */
export interface Pdu extends PduFields {
	command: string;
	command_id: number;
	command_status: number;
	sequence_number: number;
	isResponse(): boolean;
	/** The matching response PDU (same sequence number), with the given fields. */
	response(fields?: PduFields): Pdu;
}

type OnResponse = (pdu: Pdu) => void;

/**
 * One SMPP connection, either side. Events: 'pdu' and each command's name (a Pdu),
 * 'connect', 'secureConnect', 'close', 'error' (an Error).
 */
export interface Session extends EventEmitter {
	readonly socket: import('node:net').Socket;
	/** Sends a PDU; `onResponse` gets the answer with its sequence number. False when the socket is not writable. */
	send(pdu: Pdu, onResponse?: OnResponse): boolean;
	bind_transceiver(fields: PduFields, onResponse?: OnResponse): boolean;
	submit_sm(fields: PduFields, onResponse?: OnResponse): boolean;
	deliver_sm(fields: PduFields, onResponse?: OnResponse): boolean;
	enquire_link(fields?: PduFields, onResponse?: OnResponse): boolean;
	unbind(fields?: PduFields, onResponse?: OnResponse): boolean;
	pause(): void;
	resume(): void;
	/** Ends the socket gracefully. */
	close(onClose?: () => void): void;
	/** Drops the socket at once. */
	destroy(onClose?: () => void): void;
}

/** An SMPP server: a net.Server whose connections arrive as sessions. */
export interface SmppServer extends Server {
	readonly sessions: Session[];
}

interface Package {
	connect(options: {host: string; port: number; tls?: boolean; rejectUnauthorized?: boolean; servername?: string}, onConnect?: () => void): Session;
	createServer(options: object, onSession: (session: Session) => void): SmppServer;
	PDU: new (command: string, fields?: PduFields) => Pdu;
	errors: Record<string, number>;
	encodings: Record<'ASCII' | 'UCS2', {encode(text: string): Buffer}>;
}

const library = smppPackage as Package;

/** Opens a connection (TLS when asked); `onConnect` runs once the socket is up (and the handshake done). */
export function connect(
	options: {host: string; port: number; tls?: boolean; rejectUnauthorized?: boolean},
	onConnect?: () => void,
): Session {
	// SNI carries a host name only (RFC 6066); an address is checked against the certificate as it is.
	const settings = options.tls && isIP(options.host) === 0 ? {...options, servername: options.host} : {...options};
	// The package reads (host, port) from two arguments, so a missing listener is not passed at all.
	const session = onConnect ? library.connect(settings, onConnect) : library.connect(settings);
	// Each PDU goes at once: Nagle's algorithm would hold a small submit for the last one's ACK.
	session.socket.setNoDelay(true);
	return session;
}

/** A server whose sessions reach `onSession`; listen on it as on any net.Server. */
export function createServer(onSession: (session: Session) => void, tlsOptions?: {key: Buffer | string; cert: Buffer | string}): SmppServer {
	return library.createServer(tlsOptions ?? {}, session => {
		session.socket.setNoDelay(true);
		onSession(session);
	});
}

/** A new PDU of a command (`submit_sm`, `deliver_sm`, ...) with its fields. */
export function pdu(command: string, fields: PduFields = {}): Pdu {
	return new library.PDU(command, fields);
}

function code(name: string): number {
	const value = library.errors[name];
	if (value === undefined) throw new Error(`the smpp package has no ${name}`);
	return value;
}

/** The command_status codes sms-dash sends or reads (SMPP 3.4, 5.1.3). */
export const status = {
	ok: code('ESME_ROK'),
	invalidCommand: code('ESME_RINVCMDID'),
	invalidBindStatus: code('ESME_RINVBNDSTS'),
	alreadyBound: code('ESME_RALYBND'),
	invalidDestination: code('ESME_RINVDSTADR'),
	bindFailed: code('ESME_RBINDFAIL'),
	invalidPassword: code('ESME_RINVPASWD'),
	invalidSystemId: code('ESME_RINVSYSID'),
	queueFull: code('ESME_RMSGQFUL'),
	submitFailed: code('ESME_RSUBMITFAIL'),
	throttled: code('ESME_RTHROTTLED'),
} as const;

/** The name of a command_status (`ESME_RTHROTTLED`), or its hex when the package has none. */
export function statusName(value: number): string {
	for (const [name, known] of Object.entries(library.errors)) if (known === value) return name;
	return `0x${value.toString(16).padStart(8, '0')}`;
}

/**
 * A text's bytes as a short_message of `coding` carries them: GSM 03.38 septets, one a byte
 * (the SMSC default alphabet, escapes included), or UTF-16BE. The package's own encoders,
 * so a text encoded once (the same alert to everyone) reads as the package would send it.
 */
export function encodeText(text: string, coding: (typeof dataCoding)[keyof typeof dataCoding]): Buffer {
	return coding === dataCoding.ucs2 ? library.encodings.UCS2.encode(text) : library.encodings.ASCII.encode(text);
}

/** esm_class bits: a delivery receipt (SMSC delivery receipt, 0x04) and a UDH in the message (0x40). */
export const esmClass = {receipt: 0x04, udhIndicator: 0x40} as const;

/** message_state values a receipt's TLV carries (SMPP 3.4, 5.2.28). */
export const messageState = {delivered: 2, expired: 3, undeliverable: 5} as const;

/** data_coding values: GSM-7 as the SMSC default alphabet, and UCS-2. */
export const dataCoding = {smscDefault: 0, ucs2: 8} as const;

/**
 * Refusals that no retry can change (the number, the source, the text as sent): counted
 * `invalid`, never retried. Other errors are temporary (DESIGN "A real gateway").
 */
export const permanentRefusals: ReadonlySet<number> = new Set(
	[
		'ESME_RINVDSTADR',
		'ESME_RINVDSTTON',
		'ESME_RINVDSTNPI',
		'ESME_RINVDSTADDRSUBUNIT',
		'ESME_RINVSRCADR',
		'ESME_RINVSRCTON',
		'ESME_RINVSRCNPI',
		'ESME_RINVMSGLEN',
		'ESME_RINVESMCLASS',
		'ESME_RINVDCS',
		'ESME_RPROHIBITED',
		'ESME_RX_P_APPN',
	].map(name => code(name)),
);
