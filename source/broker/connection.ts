// Where the broker is and how to talk to it: --broker URLs (redis://, rediss:// with TLS,
// an optional user and password), ioredis clients built from them, and one-line errors.
// Owns the rule that a password is never printed: every message goes through redact().
import {isIP} from 'node:net';
import {Redis, type RedisOptions} from 'ioredis';
import {ConfigError, quote} from '../config/error.js';

/**
 * The broker cannot be used: a bad --broker URL or --queue name, or a Redis that does not
 * answer at start. One line, never a password. A ConfigError, so the CLI prints it and exits 2.
 */
export class BrokerError extends ConfigError {
	override name = 'BrokerError';
}

/** A parsed --broker URL. `password` stays here and in the ioredis options only. */
export interface BrokerTarget {
	host: string;
	port: number;
	db: number;
	username: string | undefined;
	password: string | undefined;
	isTls: boolean;
	/** The URL as it may be shown: the password replaced by `***`. */
	display: string;
}

/** The default queue name (--queue). */
export const defaultQueueName = 'sms-dash';

/**
 * The URL as a user may see it: whatever stands before the last `@` (after `//`, if any) is
 * hidden, so a password with an unescaped `/`, `#`, `?` or `@` is hidden whole too.
 */
export function redactUrl(raw: string): string {
	const at = raw.lastIndexOf('@');
	if (at < 0) return raw;
	const start = /^[a-z][a-z\d+.-]*:\/\//i.exec(raw)?.[0].length ?? 0;
	return at < start ? raw : `${raw.slice(0, start)}***${raw.slice(at)}`;
}

/** Removes the target's password from a message (an error text from a library, say). */
export function redact(text: string, target: BrokerTarget | undefined): string {
	let out = text;
	for (const secret of [target?.password, target?.password === undefined ? undefined : encodeURIComponent(target.password)]) {
		if (secret !== undefined && secret !== '') out = out.split(secret).join('***');
	}

	// Any URL in it: what stands before its last `@` (within the URL) is hidden.
	return out.replaceAll(/([a-z][a-z\d+.-]*:\/\/)\S*@/gi, '$1***@');
}

/**
 * Reads `redis://[[user]:password@]host[:port][/db]` or `rediss://…` (TLS).
 * @throws {BrokerError} naming --broker and what is wrong; the password never appears
 */
export function parseBrokerUrl(raw: string): BrokerTarget {
	const shown = JSON.stringify(redactUrl(raw));
	const bad = (why: string): never => {
		throw new BrokerError(`--broker ${why}, got ${shown}`);
	};

	const text = raw.trim();
	if (text === '') bad('needs a Redis URL such as redis://127.0.0.1:6379');
	if (!/^[a-z][a-z\d+.-]*:\/\//i.test(text)) bad('must be a URL such as redis://HOST:PORT (or rediss:// for TLS)');
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return bad('is not a valid URL (redis://[:PASSWORD@]HOST:PORT[/DB])');
	}

	const scheme = url.protocol.slice(0, -1).toLowerCase();
	if (scheme !== 'redis' && scheme !== 'rediss') bad(`must start with redis:// or rediss:// (not ${scheme}://)`);
	const host = url.hostname.replace(/^\[(.*)]$/, '$1');
	if (host === '') bad('needs a host, as in redis://127.0.0.1:6379');
	const port = url.port === '' ? 6379 : Number(url.port);
	if (!Number.isInteger(port) || port < 1 || port > 65_535) bad('needs a port from 1 to 65535');
	const path = url.pathname.replace(/^\//, '');
	if (path !== '' && !/^\d{1,2}$/.test(path)) bad('may end only with a database number, as in redis://HOST:PORT/0');
	if (url.search !== '' || url.hash !== '') bad('takes no ?query or #fragment');
	const decode = (part: string): string | undefined => {
		try {
			return part === '' ? undefined : decodeURIComponent(part);
		} catch {
			return bad('has a malformed %-escape before "@" (write a "%" in a password as %25)');
		}
	};

	// `redis://SECRET@host` (no colon) is a password, as Redis clients read it.
	const [username, password] = url.password === '' ? [undefined, decode(url.username)] : [decode(url.username), decode(url.password)];
	// Whatever stands before `@` is never shown.
	const auth = username === undefined && password === undefined ? '' : username === undefined && url.password !== '' ? ':***@' : '***@';
	const hostPart = host.includes(':') ? `[${host}]` : host;
	return {
		host,
		port,
		db: path === '' ? 0 : Number(path),
		username,
		password,
		isTls: scheme === 'rediss',
		display: `${scheme}://${auth}${hostPart}:${port}${path === '' ? '' : `/${path}`}`,
	};
}

/**
 * Checks a --queue name: BullMQ refuses `:` and it names Redis keys, so letters, digits,
 * `_`, `-` and `.` only.
 * @throws {BrokerError}
 */
export function checkQueueName(name: string): string {
	if (!/^[\w.-]{1,64}$/.test(name)) {
		throw new BrokerError(`--queue must be 1 to 64 letters, digits, "_", "-" or ".", got ${quote(name)}`);
	}

	return name;
}

/** ioredis options for a long-lived client: it waits through an outage and reconnects quickly. */
export function clientOptions(target: BrokerTarget, name: string): RedisOptions {
	return {
		host: target.host,
		port: target.port,
		db: target.db,
		username: target.username,
		password: target.password,
		// SNI takes names only (Node warns about an address).
		tls: target.isTls ? (isIP(target.host) === 0 ? {servername: target.host} : {}) : undefined,
		connectionName: name,
		// Commands wait for the connection to come back (BullMQ needs this on a worker's client).
		maxRetriesPerRequest: null,
		connectTimeout: 5000,
		retryStrategy: (times: number) => Math.min(100 * times, 1000),
		lazyConnect: false,
		// A closed socket's timer (default 2 s) would keep a finished process alive that long.
		disconnectTimeout: 200,
	};
}

/** A long-lived client. Its errors are left to `onError` (ioredis logs unhandled ones). */
export function openClient(target: BrokerTarget, name: string, onError: (error: Error) => void = () => undefined): Redis {
	const client = new Redis(clientOptions(target, name));
	client.on('error', onError);
	return client;
}

/**
 * Connects once and pings, within `timeoutMs`, or fails with one clear line.
 * @throws {BrokerError} "cannot reach Redis at redis://host:port (connection refused)"
 */
export async function checkReachable(target: BrokerTarget, timeoutMs = 3000): Promise<void> {
	const client = new Redis({
		...clientOptions(target, 'sms-dash:check'),
		lazyConnect: true,
		maxRetriesPerRequest: 0,
		enableOfflineQueue: false,
		connectTimeout: timeoutMs,
		retryStrategy: () => null,
	});
	let lastError: Error | undefined;
	client.on('error', (error: Error) => {
		// What is not Redis may answer (a parse error) and then close: the answer says more.
		if (!isProtocolError(lastError)) lastError = error;
	});
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(Object.assign(new Error('timed out'), {code: 'ETIMEDOUT'})), timeoutMs);
	});
	try {
		await Promise.race([
			(async () => {
				await client.connect();
				await client.ping();
				// ioredis selects the database as it connects, and on a refusal goes on in 0.
				if (target.db !== 0) await client.select(target.db);
			})(),
			timeout,
		]);
	} catch (error) {
		if (error instanceof Error && /DB index is out of range|invalid DB index/i.test(error.message)) {
			throw new BrokerError(`--broker names database ${target.db}, which the Redis at ${target.display} does not have${await databaseCount(client)}`);
		}

		let reason = describeError(lastError ?? error, target, timeoutMs);
		if (target.isTls && /^no answer|closed/.test(reason)) reason += ': is it a TLS (rediss://) server?';
		// Closed as soon as it was asked: what listens there may not be Redis (a web server is).
		else if (/closed/.test(reason)) reason += ' at once: is it the Redis port?';
		throw new BrokerError(`cannot reach Redis at ${target.display} (${reason})`);
	} finally {
		clearTimeout(timer);
		client.disconnect();
	}
}

/** " (it has 16: 0 to 15)", or nothing when Redis does not say. */
async function databaseCount(client: Redis): Promise<string> {
	const reply = await Promise.race([
		(client.config('GET', 'databases') as Promise<string[]>).catch(() => []),
		new Promise<string[]>(resolve => setTimeout(resolve, 500, []).unref()),
	]);
	const count = Number(reply[1]);
	return Number.isInteger(count) && count > 0 ? ` (it has ${count}: 0 to ${count - 1})` : '';
}

/** A connection error in a few words, for people; never the password. */
export function describeError(error: unknown, target: BrokerTarget | undefined, timeoutMs = 3000): string {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	const message = error instanceof Error ? error.message : String(error);
	if (isProtocolError(error)) return 'what answers there does not speak the Redis protocol: is it the Redis port?';
	if (code === 'ECONNREFUSED') return 'connection refused: is redis-server running there?';
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
	if (code === 'ETIMEDOUT' || /timed? ?out/i.test(message)) return `no answer within ${timeoutMs / 1000} s`;
	if (code === 'ECONNRESET' || code === 'EPIPE') return 'the connection was closed';
	if (/NOAUTH/.test(message)) return 'Redis wants a password: redis://:PASSWORD@HOST:PORT';
	if (/WRONGPASS|invalid password|invalid username-password/i.test(message)) return 'Redis refused the user name or password';
	if (/SSL|TLS|certificate|wrong version number|EPROTO/i.test(message + (code ?? ''))) return `TLS failed (${redact(message, target)})`;
	return redact(message, target).split('\n')[0] ?? 'unknown error';
}

/** ioredis's parser failed on the reply ("Unknown RESP type 60"): something other than Redis answered. */
function isProtocolError(error: unknown): boolean {
	return error instanceof Error && (error.name === 'ParserError' || /Unknown RESP type|Protocol error|Please report this/i.test(error.message));
}

/** Quits a client, or drops it when Redis does not answer within `timeoutMs`. */
export async function closeClient(client: Redis, timeoutMs = 1000): Promise<void> {
	if (client.status === 'end') return;
	let timer: ReturnType<typeof setTimeout> | undefined;
	try {
		await Promise.race([
			client.status === 'ready' ? client.quit() : Promise.reject(new Error('not connected')),
			new Promise((_, reject) => {
				timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
			}),
		]);
	} catch {
		// Gone or slow: drop the socket.
	} finally {
		clearTimeout(timer);
		client.disconnect();
	}
}

/**
 * `say` that lets the same text through at most once in `windowMs`: an error that comes back
 * at every step (a second, a message) is one note, not dozens.
 */
export function sayOnce(say: (text: string) => void, windowMs = 30_000): (text: string) => void {
	const saidAt = new Map<string, number>();
	return text => {
		const now = performance.now();
		const last = saidAt.get(text);
		if (last !== undefined && now - last < windowMs) return;
		if (saidAt.size > 100) saidAt.clear();
		saidAt.set(text, now);
		say(text);
	};
}

/** Waits for `promise` at most `timeoutMs`; true when it settled in time. */
export async function within(promise: Promise<unknown>, timeoutMs: number): Promise<boolean> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	try {
		return await Promise.race([
			promise.then(
				() => true,
				() => true,
			),
			new Promise<boolean>(resolve => {
				timer = setTimeout(() => resolve(false), timeoutMs);
			}),
		]);
	} finally {
		clearTimeout(timer);
	}
}
