// Runs one whole `node dist/cli.js …` process and returns what it used: wall time,
// CPU time and peak RSS (reported by the child itself through preload-usage.js), and
// its last stdout line parsed as JSON (the summary, with --json).
import {spawn} from 'node:child_process';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const preload = fileURLToPath(new URL('preload-usage.js', import.meta.url));

/** @returns {Promise<{wallMs:number, cpuMs:number, maxRssMb:number, code:number|null, summary:any}>} */
export function measure(args, {env = {}, nodeArgs = []} = {}) {
	return new Promise((resolve, reject) => {
		const started = performance.now();
		const child = spawn(process.execPath, [...nodeArgs, '--import', preload, 'dist/cli.js', ...args], {
			cwd: root,
			env: {...process.env, ...env},
			stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
		});
		let lastLine = '';
		let tail = '';
		let usage = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', chunk => {
			tail = (tail + chunk).slice(-1_000_000);
		});
		child.stderr.setEncoding('utf8').on('data', chunk => (stderr += chunk));
		child.stdio[3].setEncoding('utf8').on('data', chunk => (usage += chunk));
		child.on('error', reject);
		child.on('close', code => {
			const wallMs = performance.now() - started;
			lastLine = tail.trimEnd().split('\n').at(-1) ?? '';
			let summary;
			try {
				summary = JSON.parse(lastLine);
			} catch {}
			const u = usage ? JSON.parse(usage) : {maxRssKb: NaN, userUs: NaN, systemUs: NaN};
			if (code !== 0) process.stderr.write(`bench: exit ${code}: ${stderr.slice(0, 300)}\n`);
			resolve({wallMs, cpuMs: (u.userUs + u.systemUs) / 1000, maxRssMb: u.maxRssKb / 1024, code, summary});
		});
	});
}

export function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
