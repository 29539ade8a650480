// `npm run bench`: the performance targets of the issues, measured on whole processes
// of the built CLI, each the median of several runs. Prints a table; never part of tests.
// Usage: node bench/run.js [name-filter] [--runs N]
import {dashboardRatio} from './dashboard.js';
import {measure, median} from './measure.js';
import {firstFrame, startup} from './startup.js';
import {smppRun} from './smpp.js';

const argv = process.argv.slice(2);
const runsIndex = argv.indexOf('--runs');
const runs = runsIndex >= 0 ? Number(argv[runsIndex + 1]) : 3;
const filter = argv.find((a, i) => !a.startsWith('--') && argv[i - 1] !== '--runs');
const headless = ['--headless', '--json', '--seed', '1'];

/** @type {Array<{name:string, target:string, run:() => Promise<{value:string, ok:boolean}>}>} */
const benches = [
	{
		name: 'throughput',
		target: '≥ 500,000 msg/s, peak RSS < 250 MB (1M messages, 1000 senders, max speed)',
		async run() {
			const results = await repeat(() => measure([...headless, '--speed', 'max', '-m', '1000000', '-s', '1000', '--mean', '100ms', '-f', '0.1']));
			const rate = median(results.map(r => 1e9 / r.summary.wallElapsedMs)) ;
			const processRate = median(results.map(r => 1e9 / r.wallMs));
			const rss = median(results.map(r => r.maxRssMb));
			return {
				value: `${fmt(rate)} msg/s simulated run, ${fmt(processRate)} msg/s whole process, RSS ${rss.toFixed(0)} MB`,
				ok: rate >= 500_000 && rss < 250,
			};
		},
	},
	{
		name: 'memory-flat',
		target: 'peak RSS at 2,000,000 messages ≤ 1.5 × at 20,000',
		async run() {
			const small = await repeat(() => measure([...headless, '--speed', 'max', '-m', '20000', '-s', '100']));
			const large = await repeat(() => measure([...headless, '--speed', 'max', '-m', '2000000', '-s', '100']));
			const a = median(small.map(r => r.maxRssMb));
			const b = median(large.map(r => r.maxRssMb));
			return {value: `${a.toFixed(0)} MB → ${b.toFixed(0)} MB (${(b / a).toFixed(2)}×)`, ok: b / a <= 1.5};
		},
	},
	...[
		{m: 2000, s: 20, mean: '10ms'},
		{m: 100_000, s: 1000, mean: '10ms'},
		{m: 100_000, s: 10_000, mean: '100ms'},
	].map(({m, s, mean}) => ({
		name: `realtime-${m}x${s}`,
		target: `speed 1, ${m.toLocaleString('en-US')} messages over ${s.toLocaleString('en-US')} senders at ${mean} (constant): wall within 5 % of simulated`,
		async run() {
			const results = await repeat(() =>
				measure([...headless, '--speed', '1', '-m', String(m), '-s', String(s), '--mean', mean, '--distribution', 'constant', '-f', '0']),
			);
			const ratio = median(results.map(r => r.summary.wallElapsedMs / r.summary.simElapsedMs));
			const sim = median(results.map(r => r.summary.simElapsedMs));
			return {value: `simulated ${sim.toFixed(0)} ms, wall/simulated ${ratio.toFixed(3)}`, ok: Math.abs(ratio - 1) <= 0.05};
		},
	})),
	{
		name: 'failover-cost',
		target: 'failover on costs ≤ 10 % of unpaced throughput (1M messages, 1000 senders, 10 % failures, 2 retries)',
		async run() {
			const args = [...headless, '--speed', 'max', '-m', '1000000', '-s', '1000', '-f', '0.1', '--retries', '2'];
			const off = [];
			const on = [];
			// Its two figures are close, and single runs on a shared machine spread by ±10 %:
			// three times the runs of the others.
			for (let i = 0; i < 3 * runs; i++) {
				off.push(await measure(args));
				on.push(await measure([...args, '--failover', '50ms']));
			}

			const rate = rs => median(rs.map(r => 1e9 / r.summary.wallElapsedMs));
			const cost = 1 - rate(on) / rate(off);
			return {value: `${fmt(rate(off))} → ${fmt(rate(on))} msg/s (${(cost * 100).toFixed(1)} % slower)`, ok: cost <= 0.1};
		},
	},
	{
		name: 'size',
		target: 'size -m 500000 --within 10m --mean 100ms -f 0.05 --retries 2 --runs 10: answer in ≤ 30 s wall',
		async run() {
			const results = await repeat(() => measure(['size', '-m', '500000', '--within', '10m', '--mean', '100ms', '-f', '0.05', '--retries', '2', '--runs', '10', '--json']));
			const wall = median(results.map(r => r.wallMs)) / 1000;
			return {value: `${wall.toFixed(1)} s, answer ${results[0].summary.senders} senders`, ok: wall <= 30};
		},
	},
	{
		name: 'delivery-model',
		target: 'every delivery key on (2 segments, window 10, rate, gateway cap, invalid 2 %, receipts) ≤ 1.5 × none of them (1M messages, 1000 senders, max speed)',
		async run() {
			const base = [...headless, '--speed', 'max', '-m', '1000000', '-s', '1000', '--mean', '100ms', '--interval', '1000s'];
			const model = ['--text', 'a'.repeat(200), '--window', '10', '--rate', '50', '--gateway-rate', '40000', '--invalid', '0.02', '--delivery', 'mean=8s,undelivered=0.02'];
			const none = [];
			const all = [];
			// Side by side, one of each in turn.
			for (let i = 0; i < runs; i++) {
				none.push(await measure(base));
				all.push(await measure([...base, ...model]));
			}

			const a = median(none.map(r => r.cpuMs));
			const b = median(all.map(r => r.cpuMs));
			return {value: `${(b / a).toFixed(2)}× CPU (${a.toFixed(0)} vs ${b.toFixed(0)} ms); RSS ${median(none.map(r => r.maxRssMb)).toFixed(0)} vs ${median(all.map(r => r.maxRssMb)).toFixed(0)} MB`, ok: b / a <= 1.5};
		},
	},
	{
		name: 'senders-100k',
		target: '1M messages over 100,000 senders: wall ≤ 2.5 × 1M over 1,000, peak RSS ≤ 250 MB (max speed, whole process)',
		async run() {
			const base = [...headless, '--speed', 'max', '-m', '1000000', '--mean', '100ms', '--interval', '1000s'];
			const few = [];
			const many = [];
			// Side by side, one of each in turn, three times the runs of the others: the run over
			// 100,000 senders waits on memory at every event, so what else the shared machine runs
			// moves it more than the run over 1,000 (medians of 3 read 2.2× to 2.6× within an hour).
			for (let i = 0; i < 3 * runs; i++) {
				few.push(await measure([...base, '-s', '1000']));
				many.push(await measure([...base, '-s', '100000']));
			}

			const a = median(few.map(r => r.wallMs));
			const b = median(many.map(r => r.wallMs));
			const rss = median(many.map(r => r.maxRssMb));
			return {
				value: `${(b / a).toFixed(2)}× wall (${(a / 1000).toFixed(2)} vs ${(b / 1000).toFixed(2)} s), CPU ${(median(few.map(r => r.cpuMs)) / 1000).toFixed(2)} vs ${(median(many.map(r => r.cpuMs)) / 1000).toFixed(2)} s; RSS ${median(few.map(r => r.maxRssMb)).toFixed(0)} vs ${rss.toFixed(0)} MB`,
				ok: b / a <= 2.5 && rss <= 250,
			};
		},
	},
	{
		name: 'idle-senders',
		target: '100,000 idle senders (-m 1): ≤ 0.5 KB each of peak RSS over 1 sender (whole process, its summary included)',
		async run() {
			const base = [...headless, '--speed', 'max', '-m', '1'];
			const one = [];
			const many = [];
			for (let i = 0; i < runs; i++) {
				one.push(await measure([...base, '-s', '1']));
				many.push(await measure([...base, '-s', '100000']));
			}

			const a = median(one.map(r => r.maxRssMb));
			const b = median(many.map(r => r.maxRssMb));
			const each = ((b - a) * 1024 * 1024) / 100_000 / 1024;
			return {value: `${each.toFixed(2)} KB a sender (${a.toFixed(0)} → ${b.toFixed(0)} MB)`, ok: each <= 0.5};
		},
	},
	{
		name: 'rss-10m',
		target: '10M messages / 1,000 senders: peak RSS ≤ 1.1 × 1M / 1,000 (max speed)',
		async run() {
			const base = [...headless, '--speed', 'max', '-s', '1000', '--mean', '100ms', '--interval', '1000s'];
			const one = [];
			const ten = [];
			for (let i = 0; i < runs; i++) {
				one.push(await measure([...base, '-m', '1000000']));
				ten.push(await measure([...base, '-m', '10000000']));
			}

			const a = median(one.map(r => r.maxRssMb));
			const b = median(ten.map(r => r.maxRssMb));
			return {value: `${a.toFixed(0)} → ${b.toFixed(0)} MB (${(b / a).toFixed(2)}×), wall ${(median(one.map(r => r.wallMs)) / 1000).toFixed(1)} vs ${(median(ten.map(r => r.wallMs)) / 1000).toFixed(1)} s`, ok: b / a <= 1.1};
		},
	},
	{
		name: 'size-readme',
		target: "the README's worked example (500,000 recipients, 4 segments, short codes, gateway cap, --reach 95%): answer in ≤ 10 s wall",
		async run() {
			const args = ['size', '-m', '500000', '--within', '40m', '--reach', '95%', '--preset', 'short-code', '--mean', '50ms', '-f', '0.01', '--retries', '2', '--invalid', '0.01', '--text', '@examples/alert.txt', '--gateway-rate', '1000', '--delivery', 'mean=8s,distribution=lognormal,undelivered=0.02', '--price', '0.0079', '--json'];
			const results = await repeat(() => measure(args));
			const wall = median(results.map(r => r.wallMs)) / 1000;
			return {value: `${wall.toFixed(1)} s, answer ${results[0].summary.senders} senders (estimate ${results[0].summary.estimate})`, ok: wall <= 10};
		},
	},
	{
		name: 'dashboard-cpu',
		target: 'dashboard CPU ≤ 1.25 × headless (500,000 messages, 500 senders, max speed, start-up taken off)',
		async run() {
			const r = await dashboardRatio({runs: Math.max(runs, 31), messages: 500_000});
			return {
				value: `${r.ratio.toFixed(2)}× (min ${r.min.toFixed(2)}, max ${r.max.toFixed(2)}); main thread ${r.mainRatio.toFixed(2)}×; whole process ${r.whole.toFixed(2)}× (${r.headMs.toFixed(0)} vs ${r.dashMs.toFixed(0)} ms CPU)`,
				ok: r.ratio <= 1.25,
			};
		},
	},
	{
		name: 'startup',
		target: 'headless -m 1 (unpaced) within 0.03 s of node -e 0 (wall, medians of 21, run in turn)',
		async run() {
			const {bareMs, headlessMs} = await startup({runs: Math.max(runs, 21)});
			return {value: `${(headlessMs / 1000).toFixed(3)} s vs ${(bareMs / 1000).toFixed(3)} s (+${(headlessMs - bareMs).toFixed(0)} ms)`, ok: headlessMs - bareMs <= 30};
		},
	},
	{
		name: 'first-frame',
		target: "the dashboard's first frame on screen in < 0.3 s (pseudo-terminal 100×30, median of 21)",
		async run() {
			const ms = await firstFrame({runs: Math.max(runs, 21)});
			return {value: `${(ms / 1000).toFixed(3)} s`, ok: ms < 300};
		},
	},
	{
		name: 'smpp',
		target: 'sms-dash --smpp against its own smsc on loopback: 8 binds of window 10 at 20 ms (constant) ≥ 0.9 × the ceiling 4,000 submits/s; CPU per 1,000 submits for both processes',
		async run() {
			const results = await repeat(() => smppRun());
			const rate = median(results.map(r => r.rate));
			const ratio = median(results.map(r => r.ratio));
			const client = median(results.map(r => r.clientCpuPer1000));
			const server = median(results.map(r => r.smscCpuPer1000));
			return {
				value: `${fmt(rate)} submits/s of 4,000 (${ratio.toFixed(2)}×); CPU per 1,000 submits: client ${client.toFixed(0)} ms, smsc ${server.toFixed(0)} ms`,
				ok: ratio >= 0.9,
			};
		},
	},
];

async function repeat(fn) {
	const results = [];
	for (let i = 0; i < runs; i++) results.push(await fn());
	return results;
}

function fmt(n) {
	return Math.round(n).toLocaleString('en-US');
}

console.log(`sms-dash benchmarks — median of ${runs} runs, Node ${process.version}\n`);
console.log('| bench | target | measured | ok |\n|---|---|---|---|');
let failed = 0;
for (const bench of benches) {
	if (filter && !bench.name.includes(filter)) continue;
	const {value, ok} = await bench.run();
	if (!ok) failed++;
	console.log(`| ${bench.name} | ${bench.target} | ${value} | ${ok ? 'yes' : 'NO'} |`);
}

process.exitCode = failed > 0 ? 1 : 0;
