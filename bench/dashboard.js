// The dashboard's cost: CPU time of a dashboard run (in a pseudo-terminal, made with
// util-linux `script`) against the same headless run, each with its fixed start-up
// (the same command with -m 1) taken off, as medians of alternating runs.
// The main thread's share is reported beside it: the rest of a process's CPU is V8's
// compiler and garbage-collector threads (JIT work on Ink's per-character code is most of
// what the dashboard adds there).
// Usage: node bench/dashboard.js [--runs N] [--messages N]
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {measure, median} from './measure.js';

const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
const runs = option('--runs', 31);
const messages = option('--messages', 500_000);
const root = fileURLToPath(new URL('..', import.meta.url));
const preload = fileURLToPath(new URL('preload-usage.js', import.meta.url));
const common = ['-s', '500', '--speed', 'max', '--seed', '1'];

/** CPU ms (whole process, main thread) of one dashboard run inside a pseudo-terminal of 100×30. */
function dashboardCpu(m) {
	const dir = mkdtempSync(join(tmpdir(), 'sms-dash-bench-'));
	const usageFile = join(dir, 'usage.json');
	const command = `stty cols 100 rows 30; exec node --import ${preload} dist/cli.js ${[...common, '-m', String(m), '--exit-on-done'].join(' ')}`;
	execFileSync('script', ['-qfec', command, '/dev/null'], {
		cwd: root,
		stdio: ['ignore', 'ignore', 'inherit'],
		env: {...withoutCi(process.env), SMS_DASH_USAGE_FILE: usageFile},
	});
	const usage = JSON.parse(readFileSync(usageFile, 'utf8'));
	rmSync(dir, {recursive: true});
	return {cpuMs: (usage.userUs + usage.systemUs) / 1000, mainCpuMs: usage.mainUs / 1000};
}

async function headlessCpu(m) {
	const {cpuMs, mainCpuMs} = await measure(['--headless', '--json', ...common, '-m', String(m)]);
	return {cpuMs, mainCpuMs};
}

function withoutCi(env) {
	const copy = {...env};
	delete copy.CI;
	delete copy.NODE_ENV;
	delete copy.FORCE_COLOR;
	return copy;
}

/** Medians of alternating runs; the ratio is CPU with each mode's start-up taken off. */
export async function dashboardRatio({runs, messages}) {
	const samples = {dash: [], dash1: [], head: [], head1: []};
	for (let i = 0; i < runs; i++) {
		samples.head.push(await headlessCpu(messages));
		samples.dash.push(dashboardCpu(messages));
		samples.head1.push(await headlessCpu(1));
		samples.dash1.push(dashboardCpu(1));
	}

	const ratiosOf = key => samples.dash.map((d, i) => (d[key] - samples.dash1[i][key]) / (samples.head[i][key] - samples.head1[i][key]));
	const ratios = ratiosOf('cpuMs');
	const mid = (list, key) => median(list.map(sample => sample[key]));
	return {
		ratio: median(ratios),
		min: Math.min(...ratios),
		max: Math.max(...ratios),
		mainRatio: median(ratiosOf('mainCpuMs')),
		whole: median(samples.dash.map((d, i) => d.cpuMs / samples.head[i].cpuMs)),
		headMs: mid(samples.head, 'cpuMs'),
		dashMs: mid(samples.dash, 'cpuMs'),
		head1Ms: mid(samples.head1, 'cpuMs'),
		dash1Ms: mid(samples.dash1, 'cpuMs'),
		headMainMs: mid(samples.head, 'mainCpuMs'),
		dashMainMs: mid(samples.dash, 'mainCpuMs'),
		head1MainMs: mid(samples.head1, 'mainCpuMs'),
		dash1MainMs: mid(samples.dash1, 'mainCpuMs'),
	};
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const r = await dashboardRatio({runs, messages});
	console.log(`dashboard vs headless, ${messages.toLocaleString('en-US')} messages, 500 senders, --speed max — median of ${runs} alternating runs`);
	console.log('| figure | headless | dashboard |\n|---|---|---|');
	console.log(`| CPU, whole process | ${r.headMs.toFixed(0)} ms | ${r.dashMs.toFixed(0)} ms |`);
	console.log(`| CPU, start-up only (-m 1) | ${r.head1Ms.toFixed(0)} ms | ${r.dash1Ms.toFixed(0)} ms |`);
	console.log(`| main thread CPU, whole process | ${r.headMainMs.toFixed(0)} ms | ${r.dashMainMs.toFixed(0)} ms |`);
	console.log(`| main thread CPU, start-up only | ${r.head1MainMs.toFixed(0)} ms | ${r.dash1MainMs.toFixed(0)} ms |`);
	console.log(`\nCPU ratio with start-up taken off: ${r.ratio.toFixed(2)}× (min ${r.min.toFixed(2)}, max ${r.max.toFixed(2)}); target ≤ 1.25×`);
	console.log(`CPU ratio, whole process: ${r.whole.toFixed(2)}×`);
	console.log(`Main-thread CPU ratio with start-up taken off: ${r.mainRatio.toFixed(2)}×`);
}
