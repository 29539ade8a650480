// Where the SMSC is: --smpp URLs (smpp://SYSTEM_ID:PASSWORD@HOST:PORT, smpps:// for TLS) and
// how they may be shown. Owns the rule that the password is never printed: every text about
// the SMSC goes through display or redact().
import {SmppError} from './error.js';

/** SMPP's usual port, and the one the smpp package takes for TLS (providers differ: give it). */
export const defaultSmppPort = 2775;
export const defaultSmppsPort = 3550;

/** A parsed --smpp URL. `password` goes into bind_transceiver and nowhere else. */
export interface SmppTarget {
	host: string;
	port: number;
	systemId: string;
	password: string;
	isTls: boolean;
	/** The URL as it may be shown: `smpp://SYSTEM_ID:***@HOST:PORT`. */
	display: string;
}

/**
 * A URL as a user may see it: from the first `:` after the system id to the last `@` is
 * hidden, so a password holding an unescaped `@` or `/` is hidden too.
 */
export function maskUrl(raw: string): string {
	return raw.replace(/^([a-z][a-z\d+.-]*:\/\/[^/@:]*):.*@/is, '$1:***@');
}

/** Removes the target's password from a text (an error from a library, say). */
export function redact(text: string, target: Pick<SmppTarget, 'password'> | undefined): string {
	let out = maskUrl(text);
	const password = target?.password;
	if (password !== undefined && password !== '') {
		for (const secret of [password, encodeURIComponent(password)]) out = out.split(secret).join('***');
	}

	return out;
}

/**
 * Reads `smpp://SYSTEM_ID:PASSWORD@HOST[:PORT]` or `smpps://…` (TLS).
 * @throws {SmppError} naming --smpp and what is wrong; the password never appears
 */
export function parseSmppUrl(raw: string): SmppTarget {
	const shown = JSON.stringify(maskUrl(raw.trim()));
	const bad = (why: string): never => {
		throw new SmppError(`--smpp ${why}, got ${shown}`);
	};

	const text = raw.trim();
	if (text === '') bad('needs an SMSC URL such as smpp://SYSTEM_ID:PASSWORD@127.0.0.1:2775');
	if (!/^[a-z][a-z\d+.-]*:\/\//i.test(text)) bad('must be a URL such as smpp://SYSTEM_ID:PASSWORD@HOST:PORT (or smpps:// for TLS)');
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return bad('is not a valid URL (smpp://SYSTEM_ID:PASSWORD@HOST:PORT)');
	}

	const scheme = url.protocol.slice(0, -1).toLowerCase();
	if (scheme !== 'smpp' && scheme !== 'smpps') bad(`must start with smpp:// or smpps:// (not ${scheme}://)`);
	const host = url.hostname.replace(/^\[(.*)]$/, '$1');
	if (host === '') bad('needs a host, as in smpp://SYSTEM_ID:PASSWORD@127.0.0.1:2775');
	const port = url.port === '' ? (scheme === 'smpps' ? defaultSmppsPort : defaultSmppPort) : Number(url.port);
	if (!Number.isInteger(port) || port < 1 || port > 65_535) bad('needs a port from 1 to 65535');
	if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') bad('takes no path, ?query or #fragment');
	const decode = (part: string): string => {
		try {
			return decodeURIComponent(part);
		} catch {
			return bad('has a malformed %-escape before "@" (write a "%" in a password as %25)');
		}
	};

	const systemId = decode(url.username);
	const password = decode(url.password);
	if (systemId === '') bad('needs a system id, as in smpp://SYSTEM_ID:PASSWORD@HOST:PORT');
	// SMPP 3.4 5.2.1: system_id is a C-Octet String of at most 16 octets, the NUL included.
	if (Buffer.byteLength(systemId) > 15) bad('has a system id longer than 15 characters (SMPP 3.4 allows 15)');
	const hostShown = host.includes(':') ? `[${host}]` : host;
	return {
		host,
		port,
		systemId,
		password,
		isTls: scheme === 'smpps',
		display: `${scheme}://${encodeURIComponent(systemId)}${password === '' ? '' : ':***'}@${hostShown}:${port}`,
	};
}
