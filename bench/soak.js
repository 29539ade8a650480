// Soak: 10,000,000 messages at --speed max with a random runtime change every simulated
// second (add, remove, tune or more, from a seeded --script), against a 100,000-message run
// with the same script. Memory must stay flat: peak RSS of the long run at most 1.2 × the
// short one's. Prints both figures, the ratio and the wall times. Both runs read the same
// script, so the ratio is about messages: parsing a script costs memory by its length (a
// reference row shows the short run with a script cut to its own length).
// Usage: node bench/soak.js [--runs N] [--messages N] [--small N] [--seed N]
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {measure, median} from './measure.js';

const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
const runs = option('--runs', 1);
const large = option('--messages', 10_000_000);
const small = option('--small', 100_000);
const seed = option('--seed', 1);

/** Senders at the start, their mean, and the fewest kept alive by the script. */
const startSenders = 20;
const startMeanMs = 2;
const minSenders = 5;
const maxSenders = 60;

/** mulberry32: a small seeded generator, so the script is the same on every run. */
function seeded(value) {
	let a = value >>> 0;
	return () => {
		a = (a + 0x6d_2b_79_f5) >>> 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

/**
 * One change a simulated second for the run's expected length (plus a margin): adds, removes
 * (never below minSenders), tunes (mean, failure rate, distribution) and a few more messages.
 * Sender ids are tracked as the engine gives them (1, 2, ... in order of adding), so every
 * remove and tune names a sender that is running.
 */
function script(messages, random) {
	const distributions = ['gamma', 'exponential', 'normal', 'lognormal', 'uniform', 'constant'];
	const pick = list => list[Math.floor(random() * list.length)];
	const mean = () => `${(1 + random() * 3).toFixed(2)}ms`;
	const rate = () => (random() * 0.3).toFixed(3);
	const alive = Array.from({length: startSenders}, (_, i) => i + 1);
	let nextId = startSenders + 1;
	const seconds = Math.ceil((messages / (startSenders / startMeanMs)) / 1000 * 1.2);
	const lines = [];
	for (let s = 1; s <= seconds; s++) {
		const roll = random();
		if ((roll < 0.3 && alive.length < maxSenders) || alive.length <= minSenders) {
			lines.push(`- {at: ${s}s, add: {mean: ${mean()}, failure_rate: ${rate()}, distribution: ${pick(distributions)}}}`);
			alive.push(nextId++);
		} else if (roll < 0.55) {
			const index = Math.floor(random() * alive.length);
			lines.push(`- {at: ${s}s, remove: ${alive[index]}}`);
			alive.splice(index, 1);
		} else if (roll < 0.9) {
			const change = pick([`mean: ${mean()}`, `failure_rate: ${rate()}`, `distribution: ${pick(distributions)}`]);
			lines.push(`- {at: ${s}s, tune: {sender: ${pick(alive)}, ${change}}}`);
		} else {
			lines.push(`- {at: ${s}s, more: ${1 + Math.floor(random() * 100)}}`);
		}
	}

	return {text: lines.join('\n') + '\n', actions: lines.length};
}

async function soak(messages, scriptFor, dir) {
	const {text, actions} = script(scriptFor, seeded(seed));
	const path = join(dir, `script-${scriptFor}.yaml`);
	writeFileSync(path, text);
	const args = ['--headless', '--json', '--speed', 'max', '--seed', String(seed), '-m', String(messages), '-s', String(startSenders), '--mean', `${startMeanMs}ms`, '--script', path];
	const results = [];
	for (let i = 0; i < runs; i++) results.push(await measure(args));
	const failed = results.find(r => r.code !== 0 || r.summary?.type !== 'summary');
	if (failed) throw new Error(`the ${messages}-message soak ended with exit ${failed.code}`);
	const summary = results[0].summary;
	return {
		messages,
		actions,
		finished: summary.sent + summary.failed,
		applied: summary.actions.length,
		simSeconds: summary.simElapsedMs / 1000,
		rssMb: median(results.map(r => r.maxRssMb)),
		wallS: median(results.map(r => r.wallMs)) / 1000,
	};
}

const dir = mkdtempSync(join(tmpdir(), 'sms-dash-soak-'));
try {
	console.log(`sms-dash soak — ${runs === 1 ? 'one run' : `median of ${runs} runs`} each, Node ${process.version}\n`);
	console.log('| run | messages finished | script changes (applied) | simulated | peak RSS | wall |\n|---|---|---|---|---|---|');
	const rows = [];
	for (const [messages, scriptFor] of [[small, large], [large, large], [small, small]]) {
		const r = await soak(messages, scriptFor, dir);
		rows.push(r);
		const name = `${messages.toLocaleString('en-US')}${scriptFor === large ? '' : ' (reference: script of its own length)'}`;
		console.log(`| ${name} | ${r.finished.toLocaleString('en-US')} | ${r.actions.toLocaleString('en-US')} (${r.applied.toLocaleString('en-US')}) | ${r.simSeconds.toFixed(0)} s | ${r.rssMb.toFixed(1)} MB | ${r.wallS.toFixed(1)} s |`);
	}

	const ratio = rows[1].rssMb / rows[0].rssMb;
	const ok = ratio <= 1.2;
	console.log(`\npeak RSS ${rows[1].rssMb.toFixed(1)} MB / ${rows[0].rssMb.toFixed(1)} MB = ${ratio.toFixed(2)}× (target ≤ 1.20×): ${ok ? 'ok' : 'NOT MET'}`);
	process.exitCode = ok ? 0 : 1;
} finally {
	rmSync(dir, {recursive: true, force: true});
}
