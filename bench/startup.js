// Start-up: the wall time of a headless `-m 1` run beside `node -e 0`, run in turn (so
// both see the same machine), and the time from starting the dashboard in a
// pseudo-terminal (util-linux `script`) to its first frame on screen.
// Usage: node bench/startup.js [--runs N]
import {spawn} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {median} from './measure.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Wall ms from spawning `node args` to its exit, output thrown away. */
function wallOf(args, env = process.env) {
	return new Promise((resolve, reject) => {
		const started = performance.now();
		const child = spawn(process.execPath, args, {cwd: root, stdio: 'ignore', env});
		child.on('error', reject);
		child.on('close', () => resolve(performance.now() - started));
	});
}

/**
 * A headless run that does no more than start, make one message and stop (unpaced: at speed
 * 1 the message's own simulated time would be waited for), beside `node -e 0`: medians of
 * `runs` of each, one of each in turn.
 */
export async function startup({runs = 21} = {}) {
	const bare = [];
	const headless = [];
	for (let i = 0; i < runs; i++) {
		bare.push(await wallOf(['-e', '0']));
		headless.push(await wallOf(['dist/cli.js', '--headless', '--speed', 'max', '-m', '1']));
	}

	return {bareMs: median(bare), headlessMs: median(headless)};
}

/** Wall ms from starting the dashboard (100×30) to the first frame's header on its screen. */
function firstFrameOnce() {
	return new Promise((resolve, reject) => {
		const command = `stty cols 100 rows 30; exec node dist/cli.js -m 1 --speed max --seed 1 --exit-on-done`;
		const env = {...process.env};
		delete env.CI;
		const started = performance.now();
		const child = spawn('script', ['-qfec', command, '/dev/null'], {cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env});
		let seen = '';
		let at;
		child.stdout.setEncoding('utf8').on('data', chunk => {
			seen += chunk;
			if (at === undefined && seen.includes('sms-dash')) at = performance.now() - started;
		});
		child.on('error', reject);
		child.on('close', () => (at === undefined ? reject(new Error('no frame seen')) : resolve(at)));
	});
}

export async function firstFrame({runs = 21} = {}) {
	const times = [];
	for (let i = 0; i < runs; i++) times.push(await firstFrameOnce());
	return median(times);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const argv = process.argv.slice(2);
	const runs = argv.includes('--runs') ? Number(argv[argv.indexOf('--runs') + 1]) : 21;
	const {bareMs, headlessMs} = await startup({runs});
	console.log(`node -e 0: ${bareMs.toFixed(0)} ms; headless -m 1: ${headlessMs.toFixed(0)} ms (+${(headlessMs - bareMs).toFixed(0)} ms)`);
	console.log(`dashboard's first frame: ${(await firstFrame({runs})).toFixed(0)} ms`);
}
