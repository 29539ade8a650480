// Issue 5's benchmark: messages per second through sms-dash's broker mode with no simulated
// wait (mean 0), with one and with two `sms-dash worker` processes, against raw BullMQ (a
// no-op processor, the same job data, the same concurrency) measured in the same run on
// the same Redis. Starts its own redis-server on a free loopback port. Run after a build:
//   npm run build && node bench/broker.js [--messages N] [--count C] [--runs R]
// Rates are messages / (wall time from the first enqueue to the last outcome), median of R;
// the ratio is the median of R pairs (each sms-dash run against the raw run just before it).
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {Queue, Worker} from 'bullmq';
import {Redis} from 'ioredis';

const root = fileURLToPath(new URL('..', import.meta.url));
const workerCli = new URL('../dist/broker/cli.js', import.meta.url).href;
const runModule = new URL('../dist/broker/run.js', import.meta.url).href;

const argv = process.argv.slice(2);
const option = (name, fallback) => {
	const i = argv.indexOf(`--${name}`);
	return i >= 0 ? Number(argv[i + 1]) : fallback;
};

// `node bench/broker.js --raw-worker URL QUEUE CONCURRENCY`: a raw BullMQ worker process.
if (argv[0] === '--raw-worker') {
	const [, url, queue, concurrency] = argv;
	const connection = new Redis(url, {maxRetriesPerRequest: null});
	const worker = new Worker(queue, async () => undefined, {connection, concurrency: Number(concurrency)});
	await worker.waitUntilReady();
	process.stdout.write('ready\n');
	process.on('SIGTERM', async () => {
		await worker.close();
		connection.disconnect();
	});
} else {
	await main();
}

async function main() {
	const messages = option('messages', 30_000);
	const count = option('count', 50);
	const runs = option('runs', 3);
	const redis = await startRedis();
	const rows = [];
	try {
		for (const processes of [1, 2]) {
			const raw = [];
			const ours = [];
			for (let i = 0; i < runs; i++) {
				raw.push(await rawRun(redis.url, messages, count, processes));
				ours.push(await smsDashRun(redis.url, messages, count, processes));
			}

			// Each sms-dash run is held against the raw run just before it (load on a shared
			// machine drifts); the ratio reported is the median of those pairs.
			const ratio = median(ours.map((rate, i) => rate / raw[i]));
			rows.push({processes, raw: median(raw), ours: median(ours), rawRange: range(raw), oursRange: range(ours), ratio});
		}
	} finally {
		await redis.stop();
	}

	console.log(`sms-dash broker mode vs raw BullMQ — ${fmt(messages)} messages, mean 0, ${count} senders (concurrency) per process, median of ${runs}, Node ${process.version}\n`);
	console.log('| worker processes | raw BullMQ (no-op) | sms-dash worker | ratio | ≥ 0.8× |');
	console.log('|---|---|---|---|---|');
	let isOk = true;
	for (const {processes, raw, ours, rawRange, oursRange, ratio} of rows) {
		isOk &&= ratio >= 0.8;
		console.log(`| ${processes} | ${fmt(raw)} msg/s (${rawRange}) | ${fmt(ours)} msg/s (${oursRange}) | ${ratio.toFixed(2)}× | ${ratio >= 0.8 ? 'yes' : 'NO'} |`);
	}

	process.exitCode = isOk ? 0 : 1;
}

/** Raw BullMQ: addBulk in batches of 1000 while no-op workers drain; done when nothing is left. */
async function rawRun(url, messages, concurrency, processes) {
	const queueName = `raw-${Date.now()}`;
	const workers = await Promise.all(Array.from({length: processes}, () => startProcess([fileURLToPath(import.meta.url), '--raw-worker', url, queueName, String(concurrency)], /ready/)));
	const connection = new Redis(url, {maxRetriesPerRequest: null});
	const queue = new Queue(queueName, {connection, defaultJobOptions: {removeOnComplete: true, removeOnFail: true}});
	await queue.waitUntilReady();
	const started = performance.now();
	for (let n = 1; n <= messages; n += 1000) {
		const batch = [];
		for (let i = n; i < Math.min(n + 1000, messages + 1); i++) {
			batch.push({name: 'sms', data: {n: i, ph: '5551234567', tx: 'x'.repeat(1 + (i % 100)), at: Date.now()}, opts: {jobId: `r-${i}`}});
		}

		await queue.addBulk(batch);
	}

	for (;;) {
		const counts = await queue.getJobCounts('waiting', 'active');
		if (counts.waiting === 0 && counts.active === 0) break;
		await new Promise(resolve => setTimeout(resolve, 10));
	}

	const rate = (messages * 1000) / (performance.now() - started);
	await Promise.all(workers.map(w => w.stop()));
	await queue.obliterate({force: true});
	await queue.close();
	connection.disconnect();
	return rate;
}

/** sms-dash: the headless producer + monitor here, `sms-dash worker --count C --mean 0` processes. */
async function smsDashRun(url, messages, count, processes) {
	const queue = `ours-${Date.now()}`;
	const workerArgs = ['--input-type=module', '-e', `const {runWorkerCommand} = await import(${JSON.stringify(workerCli)}); process.exitCode = await runWorkerCommand(process.argv.slice(1));`, '--'];
	const workers = await Promise.all(
		Array.from({length: processes}, () =>
			startProcess([...workerArgs, '--broker', url, '--queue', queue, '--count', String(count), '--mean', '0', '--failure-rate', '0'], /senders? \(/),
		),
	);
	const {runBrokerHeadless} = await import(runModule);
	let last = '';
	const settings = {
		messages,
		senders: [],
		retries: 0,
		seed: 1,
		intervalMs: 1000,
		speed: 1,
		headless: true,
		json: true,
		logPath: undefined,
		reportPath: undefined,
		exitOnDone: false,
		thresholds: [],
		script: [],
		isSeedGiven: true,
	};
	await runBrokerHeadless(settings, {url, queue}, {write: text => (last = text)});
	const summary = JSON.parse(last.trimEnd().split('\n').at(-1));
	if (summary.sent !== messages) throw new Error(`sms-dash run finished ${summary.sent} of ${messages}`);
	await Promise.all(workers.map(w => w.stop('SIGINT')));
	return (messages * 1000) / summary.simElapsedMs;
}

function startProcess(args, readyPattern) {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, args, {cwd: root, stdio: ['ignore', 'pipe', 'inherit']});
		let out = '';
		const exited = new Promise(r => child.on('exit', r));
		child.on('error', reject);
		child.stdout.setEncoding('utf8').on('data', chunk => {
			out += chunk;
			if (readyPattern.test(out)) {
				readyPattern = /$^/;
				resolve({
					async stop(signal = 'SIGTERM') {
						child.kill(signal);
						const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
						await exited;
						clearTimeout(timer);
					},
				});
			}
		});
		void exited.then(code => reject(new Error(`worker exited (${code}) before it was ready: ${out}`)));
	});
}

async function startRedis() {
	const port = await new Promise((resolve, reject) => {
		const server = createServer().on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port: free} = server.address();
			server.close(() => resolve(free));
		});
	});
	const dir = mkdtempSync(join(tmpdir(), 'sms-dash-bench-'));
	const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {stdio: 'ignore'});
	process.once('exit', () => child.kill('SIGKILL'));
	const url = `redis://127.0.0.1:${port}`;
	for (let attempt = 0; ; attempt++) {
		const probe = new Redis(url, {lazyConnect: true, retryStrategy: () => null});
		probe.on('error', () => undefined);
		try {
			await probe.connect();
			await probe.ping();
			break;
		} catch (error) {
			if (attempt > 100) throw error;
			await new Promise(resolve => setTimeout(resolve, 30));
		} finally {
			probe.disconnect();
		}
	}

	return {
		url,
		async stop() {
			child.kill('SIGTERM');
			await new Promise(resolve => child.on('exit', resolve));
			rmSync(dir, {recursive: true, force: true});
		},
	};
}

function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

function range(values) {
	return `${fmt(Math.min(...values))}–${fmt(Math.max(...values))}`;
}

function fmt(n) {
	return Math.round(n).toLocaleString('en-US');
}
