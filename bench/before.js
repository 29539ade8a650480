// A run with none of the delivery model's keys, this build against the build before the
// model (issue "Real SMS delivery": "no slower than before this issue"). Checks the earlier
// commit out beside this one (a git worktree), builds it with this checkout's
// node_modules, then alternates whole processes of both and prints the medians.
//   npm run build && node bench/before.js [--ref COMMIT] [--runs N]
import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync, symlinkSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {measure, median} from './measure.js';

/** The last commit before the delivery model's first one (01a05af, "The delivery model's vocabulary"). */
const beforeModel = '2a5a536';
const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const option = (name, fallback) => {
	const i = argv.indexOf(`--${name}`);
	return i >= 0 ? argv[i + 1] : fallback;
};

const ref = option('ref', beforeModel);
const runs = Number(option('runs', '15'));
const args = ['--headless', '--json', '--seed', '1', '--speed', 'max', '-m', '1000000', '-s', '1000', '--mean', '100ms', '--interval', '1000s'];

const dir = mkdtempSync(join(tmpdir(), 'sms-dash-before-'));
const git = (...words) => execFileSync('git', words, {cwd: root, stdio: ['ignore', 'ignore', 'inherit']});
try {
	git('worktree', 'add', '--detach', dir, ref);
	symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
	execFileSync(process.execPath, ['scripts/build.mjs'], {cwd: dir, stdio: ['ignore', 'ignore', 'inherit']});
	const before = [];
	const now = [];
	// Side by side, one of each in turn.
	for (let i = 0; i < runs; i++) {
		before.push(await measure(args, {cli: join(dir, 'dist/cli.js')}));
		now.push(await measure(args));
	}

	const cpu = rs => median(rs.map(r => r.cpuMs)) / 1000;
	const wall = rs => median(rs.map(r => r.wallMs)) / 1000;
	const rss = rs => median(rs.map(r => r.maxRssMb));
	console.log(`1M messages over 1,000 senders, none of the delivery keys, ${runs} alternating runs, Node ${process.version}`);
	console.log(`| build | CPU | wall | peak RSS |\n|---|---|---|---|`);
	console.log(`| before the model (${ref}) | ${cpu(before).toFixed(2)} s | ${wall(before).toFixed(2)} s | ${rss(before).toFixed(0)} MB |`);
	console.log(`| this build | ${cpu(now).toFixed(2)} s | ${wall(now).toFixed(2)} s | ${rss(now).toFixed(0)} MB |`);
	const ratio = cpu(now) / cpu(before);
	console.log(`\nCPU ${ratio.toFixed(2)}× the build before the model: ${ratio <= 1 ? 'no slower' : 'slower'}`);
	process.exitCode = ratio <= 1 ? 0 : 1;
} finally {
	git('worktree', 'remove', '--force', dir);
	rmSync(dir, {recursive: true, force: true});
}
