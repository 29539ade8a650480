// Runs one whole `node dist/cli.js …` process and returns what it used: wall time,
// CPU time and peak RSS (reported by the child itself through preload-usage.js), and
// its last stdout line parsed as JSON (the summary, with --json).
import {spawn} from 'node:child_process';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const preload = fileURLToPath(new URL('preload-usage.js', import.meta.url));

/**
 * @param cli the CLI to run: this build's, or another build's (bench/before.js)
 * @returns {Promise<{wallMs:number, cpuMs:number, mainCpuMs:number, maxRssMb:number, code:number|null, summary:any}>}
 */
export function measure(args, {env = {}, nodeArgs = [], cli = 'dist/cli.js'} = {}) {
	return new Promise((resolve, reject) => {
		const started = performance.now();
		const child = spawn(process.execPath, [...nodeArgs, '--import', preload, cli, ...args], {
			cwd: root,
			env: {...process.env, ...env},
			stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
		});
		// Keep only the last whole line (the summary can be megabytes with many senders), as
		// bytes: decoding 24 MB of a 100,000-sender summary took CPU from the child on a
		// two-core machine, and only a chunk with a newline is searched.
		let lastLine = '';
		/** @type {Buffer[]} */
		let partial = [];
		let usage = '';
		let stderr = '';
		child.stdout.on('data', chunk => {
			const end = chunk.lastIndexOf(10);
			if (end < 0) {
				partial.push(chunk);
				return;
			}

			// (lastIndexOf from -1 looks at index 0: a chunk that starts with the line's end, the
			// summary's newline written on its own, would read as an empty line.)
			const before = end === 0 ? -1 : chunk.lastIndexOf(10, end - 1);
			lastLine = before < 0 ? Buffer.concat([...partial, chunk.subarray(0, end)]).toString() : chunk.toString('utf8', before + 1, end);
			partial = [chunk.subarray(end + 1)];
		});
		child.stderr.setEncoding('utf8').on('data', chunk => (stderr += chunk));
		child.stdio[3].setEncoding('utf8').on('data', chunk => (usage += chunk));
		child.on('error', reject);
		child.on('close', code => {
			const wallMs = performance.now() - started;
			const rest = Buffer.concat(partial).toString();
			if (rest.trim() !== '') lastLine = rest;
			let summary;
			try {
				summary = JSON.parse(lastLine);
			} catch {}
			const u = usage ? JSON.parse(usage) : {maxRssKb: NaN, userUs: NaN, systemUs: NaN};
			if (code !== 0) process.stderr.write(`bench: exit ${code}: ${stderr.slice(0, 300)}\n`);
			resolve({wallMs, cpuMs: (u.userUs + u.systemUs) / 1000, mainCpuMs: u.mainUs / 1000, maxRssMb: u.maxRssKb / 1024, code, summary});
		});
	});
}

export function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
