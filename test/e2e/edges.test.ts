// Careful at every edge, on the built binary: --help and --version win wherever they stand,
// outputs never land on inputs or on each other (by real path), what is not a regular file
// or is too large is refused at once, no secret and no raw control character is ever
// echoed, every limit holds whatever the path (flag, file, script, report), a far-off
// scripted action (or a next event hours off) does not print a line per idle interval, size
// answers at once what it can know, messages name the problem, not the parser's internals,
// and the dashboard hears two Ctrl+C read at once and ends cleanly when its terminal closes.
import {spawn} from 'node:child_process';
import {execFileSync} from 'node:child_process';
import {existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {chooseMode} from '../../source/mode.js';
import {cliPath, root, tempDir, type CliResult} from '../helpers/run-cli.js';
import {ensureBuilt, hasTmux, Pane} from '../helpers/tmux.js';

const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {version: string}).version;

/** Runs the binary in `cwd`; one that has not ended after `timeoutMs` is killed (and the test fails on its code). */
function run(args: readonly string[], {cwd = root, timeoutMs = 40_000, env = {}}: {cwd?: string; timeoutMs?: number; env?: Record<string, string>} = {}): Promise<CliResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [cliPath, ...args], {cwd, env: {...process.env, CI: 'true', ...env}, stdio: ['ignore', 'pipe', 'pipe']});
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		child.on('error', reject);
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({code, signal, stdout, stderr});
		});
	});
}

/** Control characters other than the line's end: ESC, BEL, C1 (CSI is U+009B), DEL. */
const rawControl = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/;

/** Refused: exactly one line on stderr naming every word, exit 2, no stack, nothing on stdout, no raw control character. */
function expectRefused(result: CliResult, words: readonly string[], prefix = 'sms-dash'): void {
	const shown = JSON.stringify(result.stderr);
	expect(result.code, shown).toBe(2);
	expect(result.stdout).toBe('');
	expect(result.stderr, shown).toMatch(new RegExp(`^${prefix}: [^\\n]+\\n$`));
	expect(result.stderr, 'no stack trace').not.toMatch(/\bat .+:\d+:\d+|node:internal|URIError|RangeError|please use/i);
	expect(result.stderr, 'no raw control character').not.toMatch(rawControl);
	for (const word of words) expect(result.stderr, shown).toContain(word);
}

describe.concurrent('careful at every edge (built binary)', {timeout: 60_000}, () => {
	describe('--help and --version win wherever they stand, in every command', () => {
		const mainHelp = 'Simulate an emergency SMS alert broadcast';
		it.each<[string[], string]>([
			[['-m', '3', '--help'], mainHelp],
			[['--help', '-m', '3'], mainHelp],
			[['-h'], mainHelp],
			[['--headless', '-m', '3', '--seed', '1', '-h'], mainHelp],
			// Even after what would be refused: the help is what was asked for.
			[['--mean', '-5ms', '--help'], mainHelp],
			[['--no-such-flag', '-h'], mainHelp],
			[['size', '--within', '1s', '--help'], 'sms-dash size -m'],
			[['size', '-h'], 'sms-dash size -m'],
			// Would connect and take messages from a live queue.
			[['worker', '--broker', 'redis://127.0.0.1:1', '--help'], '--broker'],
			[['worker', '-h', '--broker', 'redis://127.0.0.1:1'], '--broker'],
		])('%j prints the help, exit 0, nothing else', async (args, words) => {
			const out = tempDir();
			const result = await run([...args, '--log', join(out, 'x.log')]);
			expect(result.code, result.stderr).toBe(0);
			expect(result.stderr).toBe('');
			expect(result.stdout).toContain(words);
			expect(result.stdout).toContain('Usage');
			expect(result.stdout).not.toMatch(/produced|Summary|on redis:/);
			expect(existsSync(join(out, 'x.log')), 'nothing ran').toBe(false);
		});

		it.each([
			[['--version']],
			[['-v']],
			[['-m', '3', '--headless', '--version']],
			[['size', '--within', '1s', '-m', '10', '--version']],
			[['size', '-v']],
			[['worker', '--broker', 'redis://127.0.0.1:1', '--version']],
		])('%j prints the version only, exit 0', async args => {
			const result = await run(args);
			expect(result).toMatchObject({code: 0, stderr: '', stdout: `${version}\n`});
		});

		it('after `--` the words are not flags', async () => {
			expectRefused(await run(['--headless', '--', '--help']), ['unknown command', '--help']);
		});
	});

	describe('a misspelt command gets a "did you mean"', () => {
		it.each([
			['sise', 'did you mean size?'],
			['SIZE', 'did you mean size?'],
			['szie', 'did you mean size?'],
			['wroker', 'did you mean worker?'],
			['worke', 'did you mean worker?'],
			['frobnicate', 'see sms-dash --help'],
		])('%s: %s', async (word, words) => {
			expectRefused(await run([word]), ['unknown command', word, words]);
		});

		it('a command given after flags is said to come first', async () => {
			expectRefused(await run(['-m', '5', 'size']), ['unknown command "size"', 'give it first']);
		});
	});

	describe('outputs never overwrite inputs or each other, compared by real path', () => {
		const dir = tempDir();
		const config = join(dir, 'c.yaml');
		const script = join(dir, 's.yaml');
		writeFileSync(config, 'messages: 5\nseed: 1\n');
		writeFileSync(script, '- {at: 1s, more: 1}\n');
		mkdirSync(join(dir, 'sub'));
		symlinkSync(config, join(dir, 'config-link.yaml'));
		symlinkSync(join(dir, 'sub'), join(dir, 'sub-link'));
		symlinkSync(join(dir, 'out.log'), join(dir, 'log-link'));

		it.each<[string[], string[]]>([
			[['-c', 'c.yaml', '--log', 'c.yaml'], ['--log', '--config']],
			[['-c', 'c.yaml', '--log', './c.yaml'], ['--log', '--config']],
			[['-c', './c.yaml', '--report', 'sub/../c.yaml'], ['--report', '--config']],
			[['-c', 'c.yaml', '--log', 'config-link.yaml'], ['--log', '--config']],
			[['-c', 'config-link.yaml', '--report', join(dir, 'c.yaml')], ['--report', '--config']],
			[['--script', 's.yaml', '--log', 's.yaml'], ['--log', '--script']],
			[['--script', 's.yaml', '--report', './s.yaml'], ['--report', '--script']],
			// Outputs between themselves: the second would overwrite the first.
			[['--log', 'out.log', '--report', 'out.log'], ['--report', '--log']],
			[['--log', 'out.log', '--report', 'log-link'], ['--report', '--log']],
			[['--log', 'sub/x', '--report', 'sub-link/x'], ['--report', '--log']],
		])('%j is refused', async (args, words) => {
			const before = readFileSync(config, 'utf8') + readFileSync(script, 'utf8');
			expectRefused(await run(['--headless', '--speed', 'max', ...args], {cwd: dir}), [...words, 'same file']);
			expect(readFileSync(config, 'utf8') + readFileSync(script, 'utf8')).toBe(before);
		});

		it('--log or --report onto the --replay report is refused, and the report is intact', async () => {
			const out = tempDir();
			const report = join(out, 'r.json');
			expect((await run(['--headless', '-m', '5', '--seed', '1', '--speed', 'max', '--report', report])).code).toBe(0);
			const text = readFileSync(report, 'utf8');
			symlinkSync(report, join(out, 'r-link.json'));
			expectRefused(await run(['--replay', 'r.json', '--headless', '--log', './r.json'], {cwd: out}), ['--log', '--replay', 'same file']);
			expectRefused(await run(['--replay', 'r.json', '--headless', '--report', 'r-link.json'], {cwd: out}), ['--report', '--replay', 'same file']);
			expect(readFileSync(report, 'utf8')).toBe(text);
		});

		it('distinct files in the same folder are accepted', async () => {
			const out = tempDir();
			writeFileSync(join(out, 'c.yaml'), 'messages: 3\nseed: 1\n');
			const result = await run(['--headless', '--speed', 'max', '-c', 'c.yaml', '--log', 'c.log', '--report', 'c.json'], {cwd: out});
			expect(result.code, result.stderr).toBe(0);
			expect(existsSync(join(out, 'c.json'))).toBe(true);
		});
	});

	describe('never a secret', () => {
		const secret = 's3cretPW';
		it.each([
			`redis://${secret}@127.0.0.1:1`,
			`redis://:${secret}@127.0.0.1:1`,
			`redis://alerts:${secret}@127.0.0.1:1`,
			`rediss://${secret}@127.0.0.1:1`,
			// A malformed % escape: a clear line, not a URIError stack.
			`redis://:${secret}%zz@127.0.0.1:1`,
			`redis://${secret}%E0%A4%A@127.0.0.1:1`,
			`redis://${secret}@127.0.0.1:1/x`,
			`redis://${secret}@127.0.0.1:99999`,
		])('--broker %s: the password is never shown', async url => {
			for (const args of [['--headless', '--broker', url], ['worker', '--broker', url]]) {
				const result = await run(args);
				expectRefused(result, ['***@'], args[0] === 'worker' ? 'sms-dash worker' : 'sms-dash');
				expect(result.stderr).not.toContain(secret);
				expect(result.stderr).not.toContain('s3cret');
			}
		});

		it.each([
			// An /etc/shadow line and a .env's API key: neither is quoted back.
			['shadow', 'root:$6$abcdefgh12345678$0123456789abcdefABCDEF0123456789:19000:0:99999:7:::\n', '0123456789abcdef'],
			['.env', 'API_KEY=sk-live-abc123def456ghi789jkl012\n', 'abc123def456'],
			['key.yaml', 'sk_live_abc123def456ghi789: 1\n', 'abc123def456'],
			['value.yaml', 'distribution: sk_live_abc123def456ghi789\n', 'abc123def456'],
		])('-c %s: what the file holds is not echoed', async (name, text, secretPart) => {
			const dir = tempDir();
			writeFileSync(join(dir, name), text);
			const result = await run(['--headless', '-c', name], {cwd: dir});
			expectRefused(result, [name]);
			expect(result.stderr).not.toContain(secretPart);
		});
	});

	describe('never a raw control character: what a user typed is escaped', () => {
		const esc = '\u001B]0;pwned\u0007\u001B[2J';
		const csi = '\u009B2J';
		it.each<[string[], string]>([
			[[`--x${esc}`], 'is not a known flag'],
			[[`--y${csi}`], 'is not a known flag'],
			[[`cmd${esc}`], 'unknown command'],
			[['--sender', `k${esc}=1`], 'is not a known key'],
			[['--sender', `mean${csi}=1`], 'is not a known key'],
			[['--sender', `mean=1${esc}`], '--sender'],
			[['--mean', `1${esc}`], '--mean'],
			[['--distribution', `gamma${csi}`], '--distribution'],
		])('%j', async (args, words) => {
			const result = await run(['--headless', ...args]);
			expectRefused(result, [words]);
			expect(result.stderr, 'escaped, or not shown at all').toMatch(/\\u00(1b|9b)|not shown/);
		});

		it.each([`q${esc}`, `q${csi}`])('worker --queue %j', async queue => {
			expectRefused(await run(['worker', '--broker', 'redis://127.0.0.1:1', '--queue', queue]), ['--queue'], 'sms-dash worker');
		});

		it.each([
			['keys', `"m${esc}": 1\n`],
			['C1 keys', `"m${csi}": 1\n`],
			['values', `distribution: "g${esc}"\n`],
			['script keys', `- {at: 1s, "more${csi}": 1}\n`],
		])('a file with control characters in %s', async (_, text) => {
			const dir = tempDir();
			writeFileSync(join(dir, 'f.yaml'), text);
			const isScript = text.startsWith('-');
			expectRefused(await run(['--headless', isScript ? '--script' : '-c', 'f.yaml'], {cwd: dir}), ['f.yaml']);
		});
	});

	describe('special and huge files are refused at once', () => {
		const dir = tempDir();
		execFileSync('mkfifo', [join(dir, 'fifo')]);
		mkdirSync(join(dir, 'folder'));
		// A valid settings file just over the cap: a comment line makes it large.
		writeFileSync(join(dir, 'big.yaml'), `messages: 5\n#${'x'.repeat(1024 * 1024)}\n`);
		writeFileSync(join(dir, 'big-script.yaml'), `- {at: 1s, more: 1}\n#${'x'.repeat(1024 * 1024)}\n`);

		it.each<[string, string, string]>([
			['-c', 'fifo', 'FIFO'],
			['--script', 'fifo', 'FIFO'],
			['--replay', 'fifo', 'FIFO'],
			['-c', '/dev/zero', 'device'],
			['--script', '/dev/zero', 'device'],
			['--replay', '/dev/zero', 'device'],
			['-c', '/dev/null', 'device'],
			['--replay', '/dev/urandom', 'device'],
			['-c', 'folder', 'directory'],
			['-c', 'big.yaml', '1 MiB'],
			['--script', 'big-script.yaml', '1 MiB'],
		])('%s %s: refused (%s)', async (flag, path, words) => {
			const started = performance.now();
			expectRefused(await run(['--headless', flag, path], {cwd: dir, timeoutMs: 8000}), [flag === '-c' ? '--config' : flag, words]);
			expect(performance.now() - started, 'refused at once, not after reading').toBeLessThan(8000);
		});
	});

	describe('every limit holds whatever the path', () => {
		it.each<[string, string, string[]]>([
			['ten adds of 100,000', Array.from({length: 10}, () => '- {at: 1s, add: {count: 100000}}').join('\n'), ['100,000']],
			['adds over the standing senders', '- {at: 1s, add: {count: 99998}}\n', ['100,001', 'limit of 100,000']],
			['an action after a year', '- {at: 8761h, more: 1}\n', ['8760h']],
			['an action at 100000000h', '- {at: 100000000h, more: 1}\n', ['8760h']],
			['sim_ms past a year', '- {sim_ms: 1e308, more: 1}\n', ['8760h']],
		])('--script with %s is refused', async (_, text, words) => {
			const dir = tempDir();
			writeFileSync(join(dir, 's.yaml'), text);
			expectRefused(await run(['--headless', '-s', '3', '--script', 's.yaml'], {cwd: dir}), ['s.yaml', ...words]);
		});

		it.each([
			['an action at simMs 1e308', (report: any) => report.actions.push({simMs: 1e308, more: 1}), ['8760h']],
			[
				'adds past the senders limit',
				(report: any) => report.actions.push(...Array.from({length: 2}, () => ({simMs: 5, add: {...report.settings.senders[0], count: 60_000}}))),
				['limit of 100,000'],
			],
		])('--replay of a report with %s is refused', async (_, edit, words) => {
			const dir = tempDir();
			expect((await run(['--headless', '-m', '3', '--seed', '1', '--speed', 'max', '--report', 'r.json'], {cwd: dir})).code).toBe(0);
			const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as Record<string, unknown>;
			edit(report);
			writeFileSync(join(dir, 'r.json'), JSON.stringify(report));
			expectRefused(await run(['--headless', '--replay', 'r.json'], {cwd: dir}), ['r.json', ...words]);
		});

		it.each(['5e-324', '0.0009', '1e-300'])('--speed %s is refused, saying the floor', async value => {
			expectRefused(await run(['--headless', '--speed', value]), ['--speed', '0.001']);
		});

		it('speed: 1e-9 in a config file is refused too', async () => {
			const dir = tempDir();
			writeFileSync(join(dir, 'c.yaml'), 'speed: 1e-9\n');
			expectRefused(await run(['--headless', '-c', 'c.yaml'], {cwd: dir}), ['speed', '0.001']);
		});
	});

	// More than 1,000 idle intervals (1 s each) before the action: they are skipped.
	describe('a timeline that waits for a far-off action', () => {
		it.each(['8000h', '1h', '2000s'])('an action at %s: no line for idle intervals, every message counted, the replay exact', async at => {
			const dir = tempDir();
			writeFileSync(join(dir, 's.yaml'), `- {at: ${at}, more: 2}\n`);
			const args = ['--headless', '--json', '--speed', 'max', '-m', '3', '--seed', '7', '--script', 's.yaml'];
			const result = await run([...args, '--report', 'r.json'], {cwd: dir});
			expect(result.code, result.stderr).toBe(0);
			const lines = result.stdout.trimEnd().split('\n').map(line => JSON.parse(line) as Record<string, any>);
			expect(lines.length, 'a few lines, not one per idle second').toBeLessThan(12);
			const summary = lines.at(-1)!;
			expect(summary['type']).toBe('summary');
			expect(summary).toMatchObject({produced: 5, sent: 5 - summary['failed'], queued: 0, inFlight: 0});
			const readings = lines.filter(line => line['type'] === 'progress');
			expect(readings.length).toBeGreaterThan(0);
			for (const t of readings) expect(t['produced']).toBe(t['queued'] + t['inFlight'] + t['sent'] + t['failed']);

			const replay = await run(['--replay', 'r.json', '--headless', '--json', '--speed', 'max'], {cwd: dir});
			expect(replay.code, replay.stderr).toBe(0);
			const strip = (text: string) => text.replaceAll(/"wall\w*":[\d.e+-]+/g, '').replaceAll(/"replay\w*":[^,}]+/g, '');
			expect(strip(replay.stdout).split('\n').length).toBe(strip(result.stdout).split('\n').length);
			const figures = ({produced, sent, failed, attempts, p95Ms, simElapsedMs}: Record<string, unknown>) => ({produced, sent, failed, attempts, p95Ms, simElapsedMs});
			expect(figures(JSON.parse(replay.stdout.trimEnd().split('\n').at(-1)!) as Record<string, unknown>)).toEqual(figures(summary));
		});
	});

	describe('a run that waits long for its next event', () => {
		it('a send of an hour read every millisecond: a few lines, not 3.6 million', async () => {
			const result = await run(['--headless', '--json', '--speed', 'max', '-m', '2', '-s', '1', '--mean', '1h', '--distribution', 'constant', '-f', '0', '-i', '1ms', '--seed', '1'], {timeoutMs: 20_000});
			expect(result.code, result.stderr).toBe(0);
			const lines = result.stdout.trimEnd().split('\n');
			expect(lines.length).toBeLessThan(2500);
			expect(JSON.parse(lines.at(-1)!)).toMatchObject({type: 'summary', sent: 2, simElapsedMs: 7_200_000});
		});
	});

	describe('size answers what it can know at once', () => {
		it('messages that can never be sent (--failure-rate 1): no answer, exit 3, nothing run', async () => {
			const result = await run(['size', '-m', '100', '--within', '10s', '-f', '1']);
			expect(result.code, result.stderr).toBe(3);
			expect(result.stdout).toContain('No answer: every attempt fails (--failure-rate 1)');
			expect(result.stdout).not.toMatch(/senders {2}\d+\/\d+ runs/);
		});

		it('a billion messages within 1ms: each run stops at twice the deadline', async () => {
			const started = performance.now();
			const result = await run(['size', '-m', '1000000000', '--within', '1ms', '--max-senders', '2000', '--runs', '2', '--json'], {timeoutMs: 30_000});
			expect(result.code, result.stderr).toBe(3);
			expect(JSON.parse(result.stdout)).toMatchObject({type: 'size', senders: null, tried: [{senders: 2000, okRuns: 0, p50Ms: null}]});
			expect(performance.now() - started).toBeLessThan(30_000);
		});
	});

	describe('messages name the problem, not the parser', () => {
		it.each<[string, string, string, string[]]>([
			['multi-document YAML', '-c', 'messages: 5\n---\nseed: 1\n', ['more than one YAML document']],
			['a script of two documents', '--script', '- {at: 1s, more: 1}\n---\n- {at: 2s, more: 1}\n', ['more than one YAML document']],
			['nesting 5,000 deep (JSON)', '-c', `${'['.repeat(5000)}${']'.repeat(5000)}\n`, ['nested too deeply']],
			['nesting 5,000 deep (YAML)', '--script', `${'- '.repeat(5000)}1\n`, ['nested too deeply']],
			['nesting 100,000 deep', '--replay', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, ['not a report']],
			['nesting 100,000 deep in a map', '--replay', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`, ['not a report']],
		])('%s', async (_, flag, text, words) => {
			const dir = tempDir();
			writeFileSync(join(dir, 'f'), text);
			expectRefused(await run(['--headless', flag, 'f'], {cwd: dir}), ['f', ...words]);
		});

		it('a report with a byte-order mark replays like one without', async () => {
			const dir = tempDir();
			expect((await run(['--headless', '-m', '4', '--seed', '3', '--speed', 'max', '--report', 'r.json'], {cwd: dir})).code).toBe(0);
			writeFileSync(join(dir, 'bom.json'), `\uFEFF${readFileSync(join(dir, 'r.json'), 'utf8')}`);
			const plain = await run(['--replay', 'r.json', '--headless', '--json', '--speed', 'max'], {cwd: dir});
			const bom = await run(['--replay', 'bom.json', '--headless', '--json', '--speed', 'max'], {cwd: dir});
			expect(bom.code, bom.stderr).toBe(0);
			const totals = (out: string) => {
				const {produced, sent, failed, p95Ms, simElapsedMs} = JSON.parse(out.trimEnd().split('\n').at(-1)!) as Record<string, unknown>;
				return JSON.stringify({produced, sent, failed, p95Ms, simElapsedMs});
			};
			expect(totals(bom.stdout)).toBe(totals(plain.stdout));
		});

		it.each([['--log'], ['--report']])('%s - says stdout is not a file', async flag => {
			expectRefused(await run(['--headless', flag, '-']), [flag, 'stdout', 'file name']);
		});
	});

	describe('the entry listens for signals before it loads the program', () => {
		it('dist/cli.js and what it imports before listening are a few kB', () => {
			const entry = readFileSync(cliPath, 'utf8');
			const statics = [...entry.matchAll(/^import\s[^;]*?from\s+"(\.\/[^"]+)"|^import\s+"(\.\/[^"]+)"/gm)].map(match => match[1] ?? match[2]!);
			const bytes = statics.reduce((sum, path) => sum + readFileSync(join(root, 'dist', path)).length, entry.length);
			expect(bytes).toBeLessThan(16 * 1024);
			expect(entry.indexOf('createLifecycle(processEdges())')).toBeGreaterThan(0);
			// The program: imported, or its core's script run (from V8's code cache: scripts/code-cache.mjs).
			const loaded = entry.search(/await import\(|\.runInThisContext\(/);
			expect(loaded).toBeGreaterThan(entry.indexOf('createLifecycle(processEdges())'));
		});
	});

	it('TERM=dumb gets lines, not the dashboard and its cursor escapes', () => {
		const terminal = {isHeadlessFlag: false, isJson: false, stdoutIsTTY: true, stdinIsTTY: true};
		expect(chooseMode({...terminal, env: {TERM: 'dumb'}})).toBe('headless');
		expect(chooseMode({...terminal, env: {TERM: 'xterm-256color'}})).toBe('dashboard');
	});
});

describe.skipIf(!hasTmux)('the dashboard at its edges (tmux)', () => {
	const panes: Pane[] = [];
	beforeAll(() => {
		ensureBuilt();
	}, 60_000);
	afterEach(() => {
		for (const p of panes.splice(0)) p.kill();
	});

	const busy = ['-m', '5000000', '-s', '20', '--mean', '20ms', '--speed', '20'];

	it('two Ctrl+C read at once: the first interrupts, exit 130', async () => {
		const p = new Pane();
		panes.push(p);
		p.start(busy);
		await p.waitFor('the first figures', screen => /\bsent\s+[1-9]/.test(screen), 15_000);
		// tmux writes both in one go: one read of "\u0003\u0003".
		p.keys('C-c', 'C-c');
		expect(await p.exitCode(15_000)).toBe(130);
		expect(p.history()).toMatch(/^Summary \(interrupted\)$/m);
	}, 40_000);

	it('the terminal closed under it: exit 130 (not Node 20\'s abort, 134), the report complete', async () => {
		const p = new Pane();
		panes.push(p);
		const report = join(p.dir, 'run.json');
		const code = join(p.dir, 'code');
		// The shell around it ignores the hangup, to write the CLI's exit code (Node resets the signal for itself).
		const command = `cd '${root}' && trap '' HUP; env -u CI -u FORCE_COLOR -u NODE_ENV node dist/cli.js ${busy.join(' ')} --report '${report}' 2>/dev/null; echo $? > '${code}'`;
		p.tmux('new-session', '-d', '-x', '100', '-y', '30', '-s', 'dash', 'bash', '-c', command);
		await p.waitFor('the first figures', screen => /\bsent\s+[1-9]/.test(screen), 15_000);
		p.kill();
		const deadline = Date.now() + 15_000;
		while (!existsSync(code) || readFileSync(code, 'utf8').trim() === '') {
			if (Date.now() > deadline) throw new Error('the CLI did not exit after its terminal closed');
			await new Promise(resolve => setTimeout(resolve, 50));
		}

		expect(Number(readFileSync(code, 'utf8').trim())).toBe(130);
		expect(JSON.parse(readFileSync(report, 'utf8'))).toMatchObject({type: 'summary', interrupted: true});
	}, 40_000);
});
