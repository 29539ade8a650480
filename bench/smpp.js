// The SMPP benchmark: sms-dash --smpp against its own `sms-dash smsc` on loopback, both whole
// processes of the built CLI. Submits per second against the ceiling binds × window ÷ response
// time, and the CPU each process spent per 1,000 submits (its own report at exit, preload-usage.js).
import {spawn} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {measure} from './measure.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const preload = fileURLToPath(new URL('preload-usage.js', import.meta.url));

/** Starts `sms-dash smsc` on a free port; resolves with its port and a stop() that gives its CPU. */
function startSmsc(args) {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--import', preload, 'dist/cli.js', 'smsc', '--port', '0', ...args], {cwd: root, stdio: ['ignore', 'pipe', 'pipe', 'pipe']});
		let out = '';
		let usage = '';
		let isReady = false;
		child.stdio[3].setEncoding('utf8').on('data', chunk => (usage += chunk));
		child.stderr.setEncoding('utf8').on('data', chunk => (out += chunk));
		child.stdout.setEncoding('utf8').on('data', chunk => {
			out += chunk;
			const port = /listening on [^\s:]+:(\d+)/.exec(out)?.[1];
			if (port === undefined || isReady) return;
			isReady = true;
			resolve({
				port: Number(port),
				stop: () =>
					new Promise(done => {
						child.on('close', () => {
							const u = usage ? JSON.parse(usage) : {userUs: NaN, systemUs: NaN};
							done({cpuMs: (u.userUs + u.systemUs) / 1000});
						});
						child.kill('SIGINT');
					}),
			});
		});
		child.on('error', reject);
		child.on('close', code => {
			if (!isReady) reject(new Error(`smsc exited ${code}: ${out.slice(0, 300)}`));
		});
	});
}

/**
 * One run: `binds` binds of `window` against an SMSC answering in `responseMs` (constant, no
 * failures, receipts at once), `messages` one-segment messages (enough that start-up and the
 * first seconds' compiling weigh little: about 30 s a run).
 */
export async function smppRun({binds = 8, window = 10, responseMs = 20, messages = 100_000} = {}) {
	const smsc = await startSmsc(['--mean', `${responseMs}ms`, '--distribution', 'constant', '-f', '0', '--seed', '1']);
	let client;
	let server;
	try {
		client = await measure(['--smpp', `smpp://bench:pw@127.0.0.1:${smsc.port}`, '--headless', '--json', '-m', String(messages), '-s', String(binds), '--window', String(window)]);
	} finally {
		server = await smsc.stop();
	}

	const summary = client.summary;
	const submits = summary.attempts + summary.throttled;
	const seconds = summary.simElapsedMs / 1000;
	const rate = submits / seconds;
	const ceiling = (binds * window * 1000) / responseMs;
	return {rate, ceiling, ratio: rate / ceiling, clientCpuPer1000: client.cpuMs / (submits / 1000), smscCpuPer1000: server.cpuMs / (submits / 1000), sent: summary.sent};
}
