// The built binary as an SMPP client (--smpp) against an SMSC written in the test on the smpp
// package: a headless run counted exactly, a wrong password and a closed port refused (exit 2,
// one line, within seconds), Ctrl+C unbinding cleanly, and the password never shown anywhere.
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {status} from '../../source/smpp/wire.js';
import {jsonLines, runCli, tempDir} from '../helpers/run-cli.js';
import {TestSmsc, type TestSmscOptions} from '../helpers/test-smsc.js';

const password = 'Pw7secret';
let smsc: TestSmsc | undefined;
afterEach(async () => {
	await smsc?.close();
	smsc = undefined;
});

async function listening(options: TestSmscOptions): Promise<string> {
	smsc = new TestSmsc(options);
	const port = await smsc.listen();
	return `smpp://alerts:${password}@127.0.0.1:${port}`;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as {port: number};
	await new Promise(resolve => server.close(resolve));
	return port;
}

describe('sms-dash --smpp (built binary)', () => {
	it('a headless run: every segment submitted once, receipts matched, the same files as other modes, no password', async () => {
		const url = await listening({password, reply: (_, n) => ({delayMs: 2, status: n === 5 ? status.throttled : status.ok, receipt: 'DELIVRD', receiptDelayMs: 5})});
		const dir = tempDir();
		const text = 'Evacuate the river district now. '.repeat(6);
		const result = await runCli([
			'--smpp', url, '-m', '40', '-s', '2', '--window', '4', '--text', text, '--backoff', '50ms', '--headless', '--json',
			'--report', join(dir, 'r.json'), '--log', join(dir, 'l.log'), '--html', join(dir, 'h.html'), '--threshold', 'delivered>=100%',
		]);
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		const summary = jsonLines(result.stdout).at(-1)!;
		expect(summary).toMatchObject({type: 'summary', sent: 40, failed: 0, delivered: 40, undelivered: 0, segments: 80, throttled: 1, attempts: 40});
		expect(smsc!.submits).toHaveLength(81);
		expect(smsc!.maxOutstanding).toBeLessThanOrEqual(4);
		expect(smsc!.binds.every(bind => bind.systemId === 'alerts')).toBe(true);
		expect(smsc!.unbinds).toBe(2);
		const log = readFileSync(join(dir, 'l.log'), 'utf8').trim().split('\n').map(line => JSON.parse(line) as {delivery: string});
		expect(log).toHaveLength(40);
		expect(log.every(line => line.delivery === 'delivered')).toBe(true);
		for (const output of [result.stdout, readFileSync(join(dir, 'r.json'), 'utf8'), readFileSync(join(dir, 'l.log'), 'utf8'), readFileSync(join(dir, 'h.html'), 'utf8')]) {
			expect(output).not.toContain(password);
		}
	});

	it('a wrong password: exit 2, one line naming the refusal, within seconds, no password', async () => {
		const url = await listening({password: 'other'});
		const began = performance.now();
		const result = await runCli(['--smpp', url, '-m', '5', '--headless']);
		expect(result.code).toBe(2);
		expect(performance.now() - began).toBeLessThan(5000);
		expect(result.stdout).toBe('');
		expect(result.stderr.trim().split('\n')).toHaveLength(1);
		expect(result.stderr).toContain('refused the bind: ESME_RINVPASWD (wrong password)');
		expect(result.stderr).not.toContain(password);
	});

	it('a closed port: exit 2, one line, no password', async () => {
		const port = await closedPort();
		const result = await runCli(['--smpp', `smpp://alerts:${password}@127.0.0.1:${port}`, '-m', '5', '--headless']);
		expect(result.code).toBe(2);
		expect(result.stderr.trim().split('\n')).toHaveLength(1);
		expect(result.stderr).toContain('cannot reach the SMSC: connection refused');
		expect(result.stderr).not.toContain(password);
	});

	it('Ctrl+C: the summary, exit 130, every bind unbound', async () => {
		const url = await listening({reply: () => ({delayMs: 20, receipt: 'DELIVRD'})});
		const result = await runCli(['--smpp', url, '-m', '100000', '-s', '3', '--headless', '--json'], {
			onStart(child) {
				void smsc!.until(() => smsc!.submits.length >= 30).then(() => child.kill('SIGINT'));
			},
		});
		expect(result.code).toBe(130);
		const summary = jsonLines(result.stdout).at(-1)!;
		expect(summary).toMatchObject({type: 'summary', interrupted: true});
		expect(summary['produced']).toBe(summary['queued'] + summary['inFlight'] + summary['sent'] + summary['failed']);
		expect(smsc!.unbinds).toBe(3);
	});

	it('a simulation-only flag is refused with --smpp before anything connects', async () => {
		const result = await runCli(['--smpp', `smpp://a:${password}@127.0.0.1:2775`, '--failure-rate', '0.1']);
		expect(result.code).toBe(2);
		expect(result.stderr).toBe('sms-dash: --failure-rate is refused with --smpp: the SMSC decides which submits fail\n');
	});
});

describe('sms-dash --smpp over TLS (smpps://)', () => {
	it('binds through TLS when the certificate is trusted, and refuses an untrusted one with exit 2', async () => {
		const dir = tempDir();
		const key = join(dir, 'key.pem');
		const cert = join(dir, 'cert.pem');
		execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], {stdio: 'ignore'});
		smsc = new TestSmsc({password, tls: {key: readFileSync(key), cert: readFileSync(cert)}, reply: () => ({receipt: 'DELIVRD'})});
		const port = await smsc.listen();
		const url = `smpps://alerts:${password}@127.0.0.1:${port}`;
		const untrusted = await runCli(['--smpp', url, '-m', '3', '--headless']);
		expect(untrusted.code).toBe(2);
		expect(untrusted.stderr.trim().split('\n')).toHaveLength(1);
		expect(untrusted.stderr).toMatch(/cannot reach the SMSC: .*certificate/i);
		expect(untrusted.stderr).not.toContain(password);
		const trusted = await runCli(['--smpp', url, '-m', '3', '--headless', '--json'], {env: {NODE_EXTRA_CA_CERTS: cert}});
		expect(trusted.code).toBe(0);
		expect(jsonLines(trusted.stdout).at(-1)).toMatchObject({sent: 3, delivered: 3, smpp: `smpps://alerts:***@127.0.0.1:${port}`});
	});
});
