// The built binary, headless, as scripts use it: JSON lines, files, exit codes, signals.
import {spawn} from 'node:child_process';
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {cliPath, interruptAfterLines, jsonLines, root, runCli, tempDir} from '../helpers/run-cli.js';

const quick = ['--headless', '--json', '--speed', 'max', '--seed', '1', '-m', '2000', '-s', '4', '--mean', '5ms'];

describe('sms-dash headless (built binary)', () => {
	it('prints progress lines then a conserved summary last, exit 0', async () => {
		const result = await runCli(quick);
		expect(result.code).toBe(0);
		const lines = jsonLines(result.stdout);
		const summary = lines.at(-1)!;
		expect(summary['type']).toBe('summary');
		expect(summary['sent'] + summary['failed']).toBe(2000);
		expect(summary['produced']).toBe(2000);
		expect(summary['attempts']).toBeGreaterThanOrEqual(2000);
		expect(summary['seed']).toBe(1);
		expect(summary['senders']).toHaveLength(4);
		// The settings first (readers skip a type they do not know), then the readings.
		expect(lines[0]).toEqual({type: 'start', messages: 2000, senders: 4, retries: 0, seed: 1, intervalMs: 1000, thresholds: [], abortOnFail: false});
		const progress = lines.slice(1, -1);
		expect(progress.length).toBeGreaterThan(1);
		for (const p of progress) {
			expect(p['type']).toBe('progress');
			expect(p['produced']).toBe(p['queued'] + p['inFlight'] + p['sent'] + p['failed']);
		}

		// One line per simulated second, then the last one at the final outcome.
		expect(progress.slice(0, -1).map(p => p['simMs'])).toEqual(progress.slice(0, -1).map((_, i) => (i + 1) * 1000));
		expect(progress.at(-1)!['simMs']).toBe(summary['simElapsedMs']);
	});

	it('gives the same summary and log for the same seed, whatever the wall time', async () => {
		const dir = tempDir();
		const a = await runCli([...quick, '--log', join(dir, 'a.log')]);
		const b = await runCli([...quick, '--log', join(dir, 'b.log')]);
		const strip = (s: string) => {
			const summary = jsonLines(s).at(-1)!;
			delete summary['wallElapsedMs'];
			return summary;
		};

		expect(strip(a.stdout)).toEqual(strip(b.stdout));
		expect(readFileSync(join(dir, 'a.log'), 'utf8')).toBe(readFileSync(join(dir, 'b.log'), 'utf8'));
	});

	it('writes one whole JSON line per finished message to --log and the summary to --report', async () => {
		const dir = tempDir();
		const log = join(dir, 'out.log');
		const report = join(dir, 'report.json');
		const result = await runCli([...quick, '--log', log, '--report', report]);
		expect(result.code).toBe(0);
		const entries = readFileSync(log, 'utf8').trimEnd().split('\n').map(line => JSON.parse(line));
		expect(entries).toHaveLength(2000);
		expect(new Set(entries.map(e => e.id)).size).toBe(2000);
		expect(entries[0]).toMatchObject({outcome: expect.stringMatching(/^(sent|failed)$/), sender: expect.any(Number)});
		expect(entries[0].phone).toMatch(/^\d{10}$/);
		const summary = JSON.parse(readFileSync(report, 'utf8'));
		expect(summary.sent).toBe(entries.filter(e => e.outcome === 'sent').length);
		expect(summary.settings.messages).toBe(2000);
	});

	it('prints text lines and a summary block without --json', async () => {
		const result = await runCli(quick.filter(a => a !== '--json'));
		expect(result.code).toBe(0);
		const lines = result.stdout.trimEnd().split('\n');
		expect(lines[0]).toMatch(/^Run {2}2,000 messages · 4 senders · retries 0 · .* · seed 1$/);
		expect(result.stdout).toMatch(/^\[\s+1\.0s\] sent [\d,]+ {2}failed [\d,]+ {2}queued [\d,]+ {2}avg [\d.]+ms {2}now [\d.]+\/s {2}eta /m);
		expect(result.stdout).toContain('Summary');
		expect(result.stdout).toMatch(/2,000 produced/);
		expect(result.stdout).toMatch(/^ {2}throughput {2}[\d.]+\/s over the whole run/m);
		for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
		const stamps = lines.map(line => /^\[\s*([^\]]+)\]/.exec(line)?.[1]).filter(stamp => stamp !== undefined);
		expect(new Set(stamps).size).toBe(stamps.length);
	});

	it.each([
		[['--failure-rate', '1.5'], 'failure-rate'],
		[['--mean=-3ms'], 'mean'],
		[['--messages', '12.5'], 'messages'],
		[['--distribution', 'gaussian'], 'distribution'],
		[['--speed', '0'], 'speed'],
		[['--sender', 'mean=oops'], 'mean'],
		[['--bogus'], 'bogus'],
		[['-c', '/nonexistent/x.yaml'], 'x.yaml'],
		[['--report', '/nonexistent/dir/r.json'], '--report'],
		[['frobnicate'], 'frobnicate'],
	])('refuses %j with one line naming %s, exit 2, nothing run', async (args, word) => {
		const result = await runCli(['--headless', ...args]);
		expect(result.code).toBe(2);
		expect(result.stdout).toBe('');
		const lines = result.stderr.trimEnd().split('\n');
		expect(lines).toHaveLength(1);
		expect(lines[0]).toContain(word);
		expect(result.stderr).not.toMatch(/\bat .*\.js:\d+/);
	});

	it('reports a malformed config file with its line', async () => {
		const dir = tempDir();
		const file = join(dir, 'bad.yaml');
		writeFileSync(file, 'messages: 10\nsenders:\n  - {mean: 50ms, failure_rate: 7}\n');
		const result = await runCli(['--headless', '-c', file]);
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/bad\.yaml:3:/);
		expect(result.stderr).toContain('failure_rate');
	});

	it('on SIGINT stops, prints the summary, completes log and report, exit 130', async () => {
		const dir = tempDir();
		const log = join(dir, 'int.log');
		const report = join(dir, 'int.json');
		const result = await runCli(
			['--headless', '--json', '--speed', '1', '--interval', '0.1', '-m', '100000', '-s', '50', '--mean', '20ms', '--seed', '3', '--log', log, '--report', report],
			// Interrupt once the run has visibly started (two progress lines).
			{onStart: interruptAfterLines(2)},
		);
		expect(result.code).toBe(130);
		const summary = jsonLines(result.stdout).at(-1)!;
		expect(summary['type']).toBe('summary');
		expect(summary['interrupted']).toBe(true);
		expect(summary['produced']).toBe(summary['queued'] + summary['inFlight'] + summary['sent'] + summary['failed']);
		const entries = readFileSync(log, 'utf8').trimEnd().split('\n').filter(Boolean).map(line => JSON.parse(line));
		expect(entries.length).toBe(summary['sent'] + summary['failed']);
		expect(JSON.parse(readFileSync(report, 'utf8')).interrupted).toBe(true);
	});

	it('ends quietly when its output is piped into head', async () => {
		const result = await new Promise<{code: number | null; stderr: string; out: string}>(resolve => {
			const child = spawn('sh', ['-c', `node ${cliPath} --headless --speed max -m 500000 -s 10 --interval 0.01 | head -3`], {
				cwd: root,
				env: {...process.env, CI: 'true'},
			});
			let stderr = '';
			let out = '';
			child.stderr.setEncoding('utf8').on('data', c => (stderr += c));
			child.stdout.setEncoding('utf8').on('data', c => (out += c));
			child.on('close', code => resolve({code, stderr, out}));
		});
		expect(result.out.trimEnd().split('\n')).toHaveLength(3);
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
	});

	it('prints --help and --version', async () => {
		const help = await runCli(['--help']);
		expect(help.code).toBe(0);
		expect(help.stdout).toContain('--failure-rate');
		const version = await runCli(['--version']);
		expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
		expect(existsSync(cliPath)).toBe(true);
	});
});
