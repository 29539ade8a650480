// `sms-dash smsc` as built (dist/), spoken to by a plain SMPP client written on the package's
// typed face: it says its port first, binds, answers, sends receipts, prints its lines, and
// stops on SIGINT/SIGTERM with its totals and exit 130. Bad flags and a port in use: one line,
// exit 2. Waits are on lines and PDUs, never fixed sleeps.
import {spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {createServer, type AddressInfo} from 'node:net';
import {afterEach, describe, expect, it} from 'vitest';
import {pdu, status} from '../../source/smpp/wire.js';
import {cliPath, jsonLines, root, runCli} from '../helpers/run-cli.js';
import {SmppClient} from '../helpers/smpp-client.js';

/** A running `sms-dash smsc`, its output so far, and a way to wait for a line. */
class SmscProcess {
	stdout = '';
	stderr = '';
	private readonly waiters: Array<() => void> = [];
	readonly ended: Promise<{code: number | null; signal: NodeJS.Signals | null}>;

	constructor(readonly child: ChildProcess) {
		child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
			this.stdout += chunk;
			this.wake();
		});
		child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
			this.stderr += chunk;
		});
		this.ended = new Promise(resolve => {
			child.on('close', (code, signal) => {
				this.wake();
				resolve({code, signal});
			});
		});
	}

	static start(args: string[]): SmscProcess {
		return new SmscProcess(spawn(process.execPath, [cliPath, 'smsc', '--port', '0', ...args], {cwd: root, env: {...process.env, CI: 'true'}, stdio: ['ignore', 'pipe', 'pipe']}));
	}

	/** Resolves with the first whole stdout line that matches. */
	async line(pattern: RegExp): Promise<string> {
		for (;;) {
			const found = this.stdout.split('\n').slice(0, -1).find(line => pattern.test(line));
			if (found !== undefined) return found;
			if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`ended without ${String(pattern)}: ${this.stdout}${this.stderr}`);
			await new Promise<void>(resolve => this.waiters.push(resolve));
		}
	}

	/** The port its first line names. */
	async port(): Promise<number> {
		const first = await this.line(/listening on|"type":"listening"/);
		const port = /listening on [^ ]+:(\d+)/.exec(first)?.[1] ?? (JSON.parse(first) as {port: number}).port;
		return Number(port);
	}

	private wake(): void {
		for (const resolve of this.waiters.splice(0)) resolve();
	}
}

const started: SmscProcess[] = [];
const clients: SmppClient[] = [];
function smsc(args: string[]): SmscProcess {
	const process = SmscProcess.start(args);
	started.push(process);
	return process;
}

afterEach(() => {
	for (const client of clients.splice(0)) client.destroy();
	for (const process of started.splice(0)) if (process.child.exitCode === null) process.child.kill('SIGKILL');
});

async function bound(port: number, fields?: Parameters<typeof SmppClient.bound>[1]): Promise<SmppClient> {
	const client = await SmppClient.bound(port, fields);
	clients.push(client);
	return client;
}

const model = ['--mean', '5ms', '--distribution', 'constant', '--seed', '7'];

describe('sms-dash smsc (built)', () => {
	it('says its port first, answers a plain SMPP client, sends receipts, and prints its totals on SIGINT with 130', async () => {
		const server = smsc([...model, '-f', '0']);
		const port = await server.port();
		expect(server.stdout.split('\n')[0]).toMatch(/^sms-dash smsc: listening on 127\.0\.0\.1:\d+ · any system id and password · seed 7$/);
		const client = await bound(port);
		const answers = await Promise.all(Array.from({length: 12}, async (_, i) => client.submit({destination_addr: `55512300${String(i).padStart(2, '0')}`})));
		expect(answers.every(answer => answer.command_status === status.ok)).toBe(true);
		await client.until(() => client.receipts.length === 12);
		expect(client.receipts.map(receipt => receipt.id).sort()).toStrictEqual(answers.map(answer => answer.message_id).sort());
		// A line a second while anything happens.
		await server.line(/^\[ +[\d.]+s\] binds 1  submits [\d,]+\/s  accepted 12  throttled 0  failed 0  invalid 0  receipts 12  pending 0$/);
		server.child.kill('SIGINT');
		const {code} = await server.ended;
		expect(code).toBe(130);
		expect(server.stdout).toContain('sms-dash smsc: stopped after');
		expect(server.stdout).toMatch(/submits {3}12: accepted 12 · throttled 0 · failed 0 · invalid 0/);
		expect(server.stdout).toMatch(/receipts {2}12 sent \(DELIVRD 12, EXPIRED 0\) · 12 acknowledged · 0 not sent/);
		expect(server.stderr).toBe('');
	});

	it('--json: every line parses; listening first, progress, the summary last (SIGTERM, 130)', async () => {
		const server = smsc([...model, '--json', '-f', '1', '--invalid', '0']);
		const port = await server.port();
		const client = await bound(port);
		const answers = await Promise.all(Array.from({length: 5}, async () => client.submit({destination_addr: '5551234567'})));
		expect(answers.every(answer => answer.command_status === status.submitFailed)).toBe(true);
		await server.line(/"type":"progress"/);
		server.child.kill('SIGTERM');
		expect((await server.ended).code).toBe(130);
		const lines = jsonLines(server.stdout);
		expect(lines[0]).toMatchObject({type: 'listening', host: '127.0.0.1', port, seed: 7});
		expect(lines.some(line => line['type'] === 'progress' && line['failed'] === 5)).toBe(true);
		expect(lines.at(-1)).toMatchObject({type: 'summary', submits: 5, failed: 5, accepted: 0, bindsInAll: 1, seed: 7});
	});

	it('refuses a wrong password when one is set, and never prints it', async () => {
		const server = smsc([...model, '--system-id', 'alerts', '--password', 'hunter2']);
		const port = await server.port();
		expect(server.stdout).toContain('system id "alerts", password set');
		const client = await SmppClient.open(port);
		clients.push(client);
		expect((await client.request(pdu('bind_transceiver', {system_id: 'alerts', password: 'nope'}))).command_status).toBe(status.invalidPassword);
		expect((await client.request(pdu('bind_transceiver', {system_id: 'alerts', password: 'hunter2'}))).command_status).toBe(status.ok);
		server.child.kill('SIGINT');
		await server.ended;
		expect(server.stdout).toContain('1 in all, 1 refused');
		expect(server.stdout + server.stderr).not.toContain('hunter2');
	});

	it.each([
		[['--port', '70000'], '--port must be at most 65,535'],
		[['--mean', '100'], '--mean 100: did you mean 100ms or 100s?'],
		[['--password', 'muchtoolongforsmpp'], '--password must be at most 8 characters'],
		[['--failure-rate', '2'], '--failure-rate must be between 0 and 1'],
		[['--window', '3'], '--window is not an option of smsc'],
		[['--delivery', 'undelivered=0.1'], '--delivery "undelivered=0.1" needs mean'],
		[['extra'], 'smsc takes no argument "extra"'],
	])('bad input %j: one line, exit 2', async (args, words) => {
		const result = await runCli(['smsc', ...args]);
		expect(result.code).toBe(2);
		expect(result.stdout).toBe('');
		expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
		expect(result.stderr).toContain(words);
	});

	it('a port in use: one line, exit 2', async () => {
		const taken = createServer();
		taken.listen(0, '127.0.0.1');
		await once(taken, 'listening');
		const {port} = taken.address() as AddressInfo;
		try {
			const result = await runCli(['smsc', '--port', String(port)]);
			expect(result.code).toBe(2);
			expect(result.stderr).toBe(`sms-dash smsc: --port ${port}: 127.0.0.1:${port} is already in use (another SMSC? --port 0 takes any free port)\n`);
		} finally {
			taken.close();
		}
	});

	it('--help fits 80 columns', async () => {
		const result = await runCli(['smsc', '--help']);
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('sms-dash smsc [--port 2775]');
		expect(result.stdout.split('\n').filter(line => line.length > 80)).toStrictEqual([]);
	});
});
