// A real redis-server for one test file: a free loopback port, persistence off, its own
// folder; stopped (or restarted, with or without its data) by the test. Never anything but
// 127.0.0.1. CI installs redis-server (.ci/run); without it these tests fail, never skip.
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {createConnection, createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

export interface RedisServer {
	port: number;
	/** redis://127.0.0.1:PORT (with the password when one was set). */
	url: string;
	/** Sends a command and returns the raw reply (RESP text). */
	command(...args: string[]): Promise<string>;
	/** Stops it: SHUTDOWN NOSAVE loses the data (a restart without persistence), SAVE keeps it. */
	stop(options?: {keepData?: boolean}): Promise<void>;
	/** Starts it again on the same port (loading the saved data, if any). */
	start(): Promise<void>;
}

export function hasRedisServer(): boolean {
	return spawnSync('redis-server', ['--version']).status === 0;
}

/** A port nothing listens on now. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
		});
	});
}

export async function startRedis(options: {password?: string} = {}): Promise<RedisServer> {
	if (!hasRedisServer()) throw new Error('redis-server is not installed: apt-get install -y redis-server (see .ci/run)');
	const port = await freePort();
	const dir = mkdtempSync(join(tmpdir(), 'sms-dash-redis-'));
	const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--dbfilename', 'dump.rdb'];
	if (options.password !== undefined) args.push('--requirepass', options.password);
	let child: ChildProcess | undefined;
	const auth = options.password === undefined ? [] : [['AUTH', options.password]];

	const command = (...parts: string[]) => send(port, [...auth, parts]);
	const server: RedisServer = {
		port,
		url: options.password === undefined ? `redis://127.0.0.1:${port}` : `redis://:${encodeURIComponent(options.password)}@127.0.0.1:${port}`,
		command,
		async start() {
			child = spawn('redis-server', args, {stdio: 'ignore'});
			await waitUntilUp(port, auth);
		},
		async stop({keepData = false} = {}) {
			const current = child;
			if (current === undefined || current.exitCode !== null) return;
			const exited = new Promise(resolve => current.once('exit', resolve));
			await command('SHUTDOWN', keepData ? 'SAVE' : 'NOSAVE').catch(() => undefined);
			const timer = setTimeout(() => current.kill('SIGKILL'), 3000);
			await exited;
			clearTimeout(timer);
			child = undefined;
		},
	};
	await server.start();
	process.once('exit', () => {
		child?.kill('SIGKILL');
		rmSync(dir, {recursive: true, force: true});
	});
	return server;
}

async function waitUntilUp(port: number, auth: string[][]): Promise<void> {
	// redis-server starts in milliseconds, on a busy machine in seconds.
	const deadline = performance.now() + 20_000;
	for (;;) {
		try {
			if ((await send(port, [...auth, ['PING']])).includes('PONG')) return;
		} catch {
			// Not listening yet.
		}

		if (performance.now() > deadline) throw new Error(`redis-server on port ${port} did not start`);
		await new Promise(resolve => setTimeout(resolve, 20));
	}
}

/** Sends commands (RESP arrays) and resolves with the reply to the last one. */
function send(port: number, commands: string[][]): Promise<string> {
	return new Promise((resolve, reject) => {
		const socket = createConnection({host: '127.0.0.1', port});
		let reply = '';
		const replies = commands.length;
		let seen = 0;
		socket.setEncoding('utf8');
		socket.on('connect', () => {
			socket.write(commands.map(parts => `*${parts.length}\r\n${parts.map(p => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`).join(''));
		});
		socket.on('data', chunk => {
			reply += chunk;
			seen = reply.split('\r\n').filter(line => /^[+\-:$*]/.test(line)).length;
			if (seen >= replies) {
				socket.end();
				resolve(reply);
			}
		});
		socket.on('error', reject);
		socket.on('close', () => resolve(reply));
		socket.setTimeout(3000, () => socket.destroy(new Error('timeout')));
	});
}
