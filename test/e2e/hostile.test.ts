// Hostile input on the built binary: every flag and config key with values out of range, of
// the wrong type, empty or huge; unknown flags and keys; broken, missing, empty and odd files;
// output paths that cannot be written. Each is refused before anything runs: exactly one
// line on stderr naming the flag or key (and file:line:col for a file), exit 2, no stack
// trace, nothing on stdout, no --log or --report file made. Then output that cannot be
// written: a full device, a full disk (a tmpfs, and a file-size limit), a stdout whose reader
// stopped reading, outputs that would block (a FIFO) or cannot open (/dev/tty, no terminal).
import {execFileSync, spawn} from 'node:child_process';
import {existsSync, linkSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Readable} from 'node:stream';
import {fileURLToPath} from 'node:url';
import {beforeAll, describe, expect, it} from 'vitest';
import {cliPath, root, tempDir, type CliResult} from '../helpers/run-cli.js';

const dir = tempDir();
const file = (name: string, text: string): string => {
	const path = join(dir, name);
	writeFileSync(path, text);
	return path;
};

const missingDir = join(dir, 'no-such-folder');
/** How long the cases below wait for the binary to end, on a loaded machine. */
const slowMs = 20_000;
const aFile = join(dir, 'a-file.txt');

beforeAll(() => {
	writeFileSync(aFile, 'not a folder\n');
	mkdirSync(join(dir, 'a-folder'));
});

/** Refused: one line naming every word, exit 2, no stack trace, nothing run. */
function expectRefused(result: CliResult, words: readonly string[]): void {
	const shown = JSON.stringify(result.stderr);
	expect(result.code, shown).toBe(2);
	expect(result.stdout).toBe('');
	expect(result.stderr, 'exactly one line on stderr').toMatch(/^sms-dash: [^\n]+\n$/);
	expect(result.stderr, 'no stack trace').not.toMatch(/\bat .+:\d+:\d+|node:internal|^\s*at /m);
	for (const word of words) expect(result.stderr).toContain(word);
}

/**
 * Runs headless, adding --log and --report in a fresh folder unless the case is about them, and
 * checks that neither file was made. A run that starts instead of refusing is stopped after
 * `timeoutMs` (5 s; the later cases give 20 s, for a loaded machine).
 */
async function refuse(args: readonly string[], words: readonly string[], {withOutputs = true, timeoutMs = 5000} = {}): Promise<CliResult> {
	const out = tempDir();
	const hasOutput = !withOutputs || args.some(arg => /^--(log|report|replay)\b/.test(arg));
	const outputs = hasOutput ? [] : ['--log', join(out, 'x.log'), '--report', join(out, 'r.json')];
	const result = await run(['--headless', ...args, ...outputs], timeoutMs);
	expectRefused(result, words);
	expect(existsSync(join(out, 'x.log')) || existsSync(join(out, 'r.json')), 'nothing run').toBe(false);
	return result;
}

describe.concurrent('hostile input on the built binary', () => {
	describe('flag values out of range, of the wrong type, empty or huge', () => {
		it.each<[string[], string[]]>([
			[['--messages', '1e12'], ['--messages', 'at most 1,000,000,000']],
			[['--messages', '99999999999999999999999'], ['--messages', 'at most 1,000,000,000']],
			[['--messages=-1'], ['--messages', '0 or more']],
			[['--messages', 'abc'], ['--messages', 'whole number']],
			[['--messages', ''], ['--messages']],
			[['--messages='], ['--messages']],
			[['--messages', '1.5'], ['--messages', 'whole number']],
			[['-m', 'Infinity'], ['--messages']],
			[['-m', '0x10'], ['--messages']],
			[['--senders=-1'], ['--senders', '0 or more']],
			[['--senders', '1e7'], ['--senders', 'at most 100,000']],
			[['-s', 'many'], ['--senders', 'whole number']],
			[['-s', ''], ['--senders']],
			[['--mean=-5ms'], ['--mean', 'negative']],
			// Read as short flags -5, -m, -s by the parser: the message must still be about --mean.
			[['--mean', '-5ms'], ['--mean']],
			[['--mean', 'fast'], ['--mean', 'duration']],
			[['--mean', ''], ['--mean']],
			[['--mean', '1e30'], ['--mean']],
			[['--failure-rate', '1.5'], ['--failure-rate', 'between 0 and 1']],
			[['-f=-0.1'], ['--failure-rate', 'between 0 and 1']],
			[['-f', 'half'], ['--failure-rate']],
			[['-f', ''], ['--failure-rate']],
			[['--distribution', 'gama'], ['--distribution', 'did you mean gamma?']],
			[['--distribution', ''], ['--distribution']],
			[['--spread=-1ms'], ['--spread', 'negative']],
			[['--spread', '5ms', '--distribution', 'constant'], ['--spread', 'constant']],
			[['--spread', '1h', '--mean', '1ms', '--distribution', 'normal'], ['--spread', 'twice the mean']],
			[['--max-wait=-1'], ['--max-wait', 'negative']],
			[['--max-wait', 'x'], ['--max-wait']],
			[['--failover=-1s'], ['--failover', 'negative']],
			[['--failover', 'soon'], ['--failover']],
			[['--sender', ''], ['--sender']],
			[['--sender', 'mean=oops'], ['--sender', 'mean']],
			[['--sender', 'failure-rate=2'], ['--sender', 'failure-rate', 'between 0 and 1']],
			[['--sender', 'count=-1'], ['--sender', 'count']],
			[['--sender', 'count=1e9'], ['--sender', 'count', '100,000']],
			[['--sender', 'mean'], ['--sender', 'key=value']],
			[['--sender', 'speed=3'], ['--sender', 'speed', 'not a known key']],
			[['--sender', 'distribution=gamm'], ['--sender', 'did you mean gamma?']],
			[['--interval', '0'], ['--interval', 'at least 1ms']],
			[['-i=-1'], ['--interval', 'negative']],
			[['-i', 'x'], ['--interval']],
			[['-i', ''], ['--interval']],
			// A nanosecond tick: a progress line per simulated nanosecond never ends in practice.
			[['-i', '0.000001'], ['--interval', 'at least']],
			[['--retries=-1'], ['--retries', '0 or more']],
			[['--retries', '101'], ['--retries', 'at most 100']],
			[['--retries', '1.5'], ['--retries', 'whole number']],
			[['--retries', ''], ['--retries']],
			[['--seed=-1'], ['--seed', '0 or more']],
			[['--seed', '4294967296'], ['--seed', 'at most 4,294,967,295']],
			[['--seed', 'x'], ['--seed']],
			[['--seed', ''], ['--seed']],
			[['--speed', '0'], ['--speed', 'above 0']],
			[['--speed=-1'], ['--speed', 'above 0']],
			[['--speed', 'fast'], ['--speed', 'max']],
			[['--speed', ''], ['--speed']],
			[['--speed', 'Infinity'], ['--speed']],
			[['--threshold', ''], ['--threshold']],
			[['--threshold', 'foo<1'], ['--threshold', 'foo']],
			[['--threshold', 'p95<250'], ['--threshold', 'unit']],
			[['--threshold', 'failed<200%'], ['--threshold', '100%']],
			[['--log', ''], ['--log']],
			[['--report', ''], ['--report']],
			[['--config', ''], ['--config']],
			[['--script', ''], ['--script']],
			[['--replay', ''], ['--replay']],
			// A boolean flag given a value: refused, never silently read as false.
			[['--json=3'], ['--json']],
			[['--exit-on-done=1'], ['--exit-on-done']],
			[['--headless=yes'], ['--headless']],
			[['frobnicate'], ['frobnicate']],
			// A flag given twice: which one would win is a guess.
			[['-m', '5', '-m', '6'], ['--messages', 'once']],
			[['-f', '0.1', '--failure-rate', '0.2'], ['--failure-rate', 'once']],
		])('%j is refused naming %j', async (args, words) => {
			await refuse(args, words);
		});
	});

	describe('unknown flags', () => {
		it.each([
			['--mesages', 'did you mean --messages?'],
			['--sendr', 'did you mean --sender?'],
			['--jsn', 'did you mean --json?'],
			['--threshhold', 'did you mean --threshold?'],
			['--exit-on-dne', 'did you mean --exit-on-done?'],
			['--hedless', 'did you mean --headless?'],
			['--zzzzzz', 'see --help'],
			['-x', 'see --help'],
		])('%s: "%s"', async (flag, hint) => {
			await refuse([flag, '5'], [flag, hint]);
		});
	});

	describe('config keys', () => {
		it.each([
			['messages: 1e12\n', 'c1.yaml:1:11', 'at most 1,000,000,000'],
			['messages: -1\n', 'c2.yaml:1:11', 'messages'],
			['messages: "abc"\n', 'c3.yaml:1:11', 'whole number'],
			['messages: ""\n', 'c4.yaml:1:11', 'messages'],
			['messages: [1]\n', 'c5.yaml:1:11', 'a list'],
			['messages: {a: 1}\n', 'c6.yaml:1:11', 'a map'],
			['messages: true\n', 'c7.yaml:1:11', 'messages'],
			['messages:\n', 'c8.yaml:1:1', 'nothing'],
			['mesages: 10\n', 'c9.yaml:1:1', 'did you mean messages?'],
			['num_messages: 5\nmessages: 5\n', 'c10.yaml:2:1', 'num_messages'],
			['interval: 0\n', 'c11.yaml:1:11', 'interval'],
			['report_period: x\n', 'c12.yaml:1:16', 'report_period'],
			['retries: 1000\n', 'c13.yaml:1:10', 'at most 100'],
			['seed: -3\n', 'c14.yaml:1:7', 'seed'],
			['speed: 0\n', 'c15.yaml:1:8', 'speed'],
			['mean: -1ms\n', 'c16.yaml:1:7', 'negative'],
			['failure_rate: 7\n', 'c17.yaml:1:15', 'between 0 and 1'],
			['distribution: gama\n', 'c18.yaml:1:15', 'did you mean gamma?'],
			['spread: -1\n', 'c19.yaml:1:9', 'spread'],
			['max_wait: x\n', 'c20.yaml:1:11', 'max_wait'],
			['failover: -2s\n', 'c21.yaml:1:11', 'failover'],
			['senders: -1\n', 'c22.yaml:1:10', 'senders'],
			['senders: "many"\n', 'c23.yaml:1:10', 'senders'],
			['senders: [1, 2]\n', 'c24.yaml:1:11', 'senders[0]'],
			['senders:\n  - {mean: 5ms, count: -1}\n', 'c25.yaml:2:24', 'senders[0].count'],
			['senders:\n  - {mean: 5ms, cnt: 2}\n', 'c26.yaml:2:17', 'senders[0].cnt'],
			['senders:\n  - {mean_time: "x"}\n', 'c27.yaml:2:17', 'senders[0].mean_time'],
			['senders:\n  - {failure_rate: 2}\n', 'c28.yaml:2:20', 'senders[0].failure_rate'],
			['thresholds: [5]\n', 'c29.yaml:1:14', 'thresholds[0]'],
			['thresholds: ["p95<<3"]\n', 'c30.yaml:1:14', 'thresholds[0]'],
			['log: ""\n', 'c31.yaml:1:6', 'log'],
			['report: 5\n', 'c32.yaml:1:9', 'report'],
			['headless: "yes"\n', 'c33.yaml:1:11', 'true or false'],
			['json: 1\n', 'c34.yaml:1:7', 'true or false'],
			['exit_on_done: maybe\n', 'c35.yaml:1:15', 'true or false'],
			['- 1\n- 2\n', 'c36.yaml:1:1', 'a list'],
			['42\n', 'c37.yaml:1:1', 'map of settings'],
			['{"messages": "many"}\n', 'c38.json:1:14', 'messages'],
			['{"senders": [{"mean": 5, "speed": 3}]}\n', 'c39.json:1:26', 'did you mean spread?'],
		])('%j: refused at %s', async (text, where, word) => {
			const path = file(where.split(':')[0]!, text);
			await refuse(['-c', path], [where, word]);
		});
	});

	describe('script entries', () => {
		it.each([
			['- {at: -1s, more: 5}\n', 's1.yaml:1:8', 'negative'],
			['- {at: 1s, more: -5}\n', 's2.yaml:1:18', 'more'],
			['- {at: 1s, more: 1e12}\n', 's3.yaml:1:18', '1,000,000,000'],
			['- {at: 1s, remove: x}\n', 's4.yaml:1:20', 'remove'],
			['- {at: 1s, explode: 1}\n', 's5.yaml:1:12', 'explode'],
			['- {more: 5}\n', 's6.yaml:1:3', 'needs at'],
			['- {at: 1s, tune: {failure_rate: 1}}\n', 's7.yaml:1:18', 'needs sender'],
			['- {at: 1s, add: {mean: 5ms, failure_rate: 3}}\n', 's8.yaml:1:43', 'failure_rate'],
			['at: 1s\n', 's9.yaml:1:1', 'list of changes'],
		])('%j: refused at %s', async (text, where, word) => {
			const path = file(where.split(':')[0]!, text);
			await refuse(['--script', path], [where, word]);
		});
	});

	describe('malformed files, with line and column', () => {
		it.each([
			['m1.yaml', 'messages: 10\nsenders: [\n  {mean: 5ms\n', 'm1.yaml:4:1'],
			['m2.yaml', 'messages: 10\n  senders: 3\n', 'm2.yaml:1:11'],
			['m3.yaml', 'messages: [1, 2\n', 'm3.yaml:2:1'],
			['m4.yaml', '\tmessages: 10\n', 'm4.yaml:1:1'],
			['m5.yaml', 'messages: 1\nmessages: 2\n', 'm5.yaml:2:1'],
			['m6.json', '{"messages": 10\n "senders": 3}\n', 'm6.json:1:'],
			['m7.json', '{"messages": 10, "senders": [3}\n', 'm7.json:1:'],
			['m8.json', '{"messages": "10}\n', 'm8.json:2:1'],
		])('%s', async (name, text, where) => {
			await refuse(['-c', file(name, text)], [where, 'not valid YAML or JSON']);
		});

		it('a report that is not JSON, for --replay, with its line and column where V8 gives a position', async () => {
			await refuse(['--replay', file('bad-report.json', '{"type": "summary",\n  "settings": "x}\n')], ['--replay', 'bad-report.json:2:', 'not JSON']);
			// Node 20's V8 gives no position for an unexpected token: the file is still named.
			await refuse(['--replay', file('bad-report2.json', '{"type": "summary",\n  "settings": }\n')], ['--replay', 'bad-report2.json', 'not JSON']);
		});

		it('an alias bomb is refused, not expanded', async () => {
			let text = 'a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n';
			for (let i = 1; i < 12; i++) text += `a${i}: &a${i} [${Array.from({length: 10}, () => `*a${i - 1}`).join(', ')}]\n`;
			await refuse(['-c', file('laughs.yaml', text + 'messages: *a11\n')], ['laughs.yaml']);
		});
	});

	describe('files that are missing, folders, or empty', () => {
		const kinds = {
			missing: () => join(dir, 'nope.yaml'),
			folder: () => join(dir, 'a-folder'),
			empty: () => file('empty.yaml', ''),
			blank: () => file('blank.yaml', '  \n\n'),
			'only a comment': () => file('comment.yaml', '# nothing here\n'),
		};
		const words: Record<keyof typeof kinds, string> = {
			missing: 'no such file',
			folder: 'it is a directory',
			empty: 'empty',
			blank: 'empty',
			'only a comment': 'empty',
		};
		it.each((['--config', '--script'] as const).flatMap(flag => Object.keys(kinds).map(kind => [flag, kind as keyof typeof kinds] as const)))('%s given a file that is %s', async (flag, kind) => {
			await refuse([flag, kinds[kind]()], [flag, words[kind]]);
		});

		it.each([
			['missing', join(dir, 'nope.json'), 'no such file'],
			['a folder', join(dir, 'a-folder'), 'it is a directory'],
			['empty', join(dir, 'empty.json'), 'not JSON'],
		])('--replay given a file that is %s', async (_, path, word) => {
			if (word === 'not JSON') writeFileSync(path, '');
			await refuse(['--replay', path], ['--replay', word]);
		});
	});

	describe('--log and --report paths that cannot be written (refused before the run)', () => {
		it.each(
			(['--log', '--report'] as const).flatMap(flag => [
				[flag, join(dir, 'a-folder'), 'it is a directory'],
				[flag, join(missingDir, 'out.txt'), 'no such folder'],
				[flag, join(aFile, 'out.txt'), 'not a folder'],
			]),
		)('%s %s', async (flag, path, word) => {
			await refuse([flag, path], [flag, word]);
		});

		it.each([
			['log', join(missingDir, 'a.log'), '--log'],
			['report', join(dir, 'a-folder'), '--report'],
		])('the config key %s: %s', async (key, path, flag) => {
			await refuse(['-c', file(`${key}-key.yaml`, `${key}: ${path}\n`)], [flag, path], {withOutputs: false});
		});
	});

	describe('huge values', () => {
		it('--messages 1e12 is refused at once with its limit, without allocating', async () => {
			const started = performance.now();
			const result = await run(['--headless', '--messages', '1e12']);
			expectRefused(result, ['--messages', '1,000,000,000']);
			expect(performance.now() - started).toBeLessThan(3000);
			// Node alone takes ~40 MB; a message array of 1e12 would not fit at all.
			expect(result.maxRssMb).toBeLessThan(120);
		});

		it('a 20,000-character value is named in a line a person can read', async () => {
			const result = await run(['--headless', '--mean', 'a'.repeat(20_000)]);
			expectRefused(result, ['--mean']);
			expect(result.stderr.length).toBeLessThan(400);
		});
	});

	describe('an output is never an input under another name', () => {
		it('a hard link to the config file is the same file: refused, the config intact', async () => {
			const config = file('linked.yaml', 'messages: 3\nseed: 1\n');
			const link = join(dir, 'hard-link.yaml');
			linkSync(config, link);
			for (const flag of ['--report', '--log', '--html']) await refuse(['-c', config, flag, link], [flag, '--config', 'same file'], {withOutputs: false, timeoutMs: slowMs});
			expect(readFileSync(config, 'utf8')).toBe('messages: 3\nseed: 1\n');
		});
	});

	describe('a broker URL never shows what stands before its last @', () => {
		it.each([
			'redis://s3cret/PW@127.0.0.1:1',
			'redis://s3cret#PW@127.0.0.1:1',
			'redis://s3cret?PW@127.0.0.1:1',
			'redis://s3cret@PW@127.0.0.1:1',
			'redis://:s3cret%PW@127.0.0.1:1',
			's3cret/PW@127.0.0.1:1',
		])('%s', async url => {
			for (const args of [['--broker', url, '-m', '1'], ['worker', '--broker', url]]) {
				const result = await run(args[0] === 'worker' ? args : ['--headless', ...args], slowMs);
				expect(result.code, result.stderr).toBe(2);
				expect(result.stderr).toMatch(/^sms-dash( worker)?: [^\n]+\n$/);
				expect(result.stderr).not.toMatch(/s3cret|PW/);
			}
		});
	});

	describe('a value read from a file is shown only when short, printable and not like a secret', () => {
		const key = 'sk_live_51HxYz0123456789abcdefABCDEF';
		it.each([
			['-c', 'v1.yaml', `mean: ${key}\n`, 'v1.yaml:1:7'],
			['-c', 'v2.yaml', `senders:\n  - {max_wait: ${key}}\n`, 'v2.yaml:2:'],
			['-c', 'v3.yaml', `thresholds: ["p95<${key}"]\n`, 'v3.yaml:1:14'],
			['-c', 'v4.yaml', `thresholds: ["${key}<1"]\n`, 'v4.yaml:1:14'],
			['-c', 'v5.yaml', `delivery: "mean=${key}"\n`, 'v5.yaml:1:11'],
			['-c', 'v6.yaml', `messages: *${key}\n`, 'v6.yaml'],
			['--script', 'v8.yaml', `- {at: ${key}, more: 1}\n`, 'v8.yaml:1:8'],
			['--script', 'v9.yaml', `- {at: 1s, tune: {sender: 1, mean: "\\e]0;x\\a${key}"}}\n`, 'v9.yaml:1:'],
		])('%s %s', async (flag, name, text, where) => {
			await refuse([flag, file(name, text)], [where], {timeoutMs: slowMs});
			const result = await run(['--headless', flag, join(dir, name)]);
			expect(result.stderr).not.toMatch(/0123456789abcdef|\u001b|\u0007/);
		});
	});

	describe('every limit holds on every path: messages asked for by a script or a report', () => {
		it('more messages than the limit in all, by a script', async () => {
			const path = file('more.yaml', '- {at: 1ms, more: 999999999}\n- {at: 2ms, more: 999999999}\n');
			await refuse(['-m', '10', '--script', path], ['more.yaml:1:', 'brings the messages to 1,000,000,009', 'limit of 1,000,000,000'], {timeoutMs: slowMs});
			await refuse(['-m', '1000000000', '--script', file('more1.yaml', '- {at: 1ms, more: 1}\n')], ['more1.yaml:1:', '1,000,000,001'], {timeoutMs: slowMs});
		});

		it('more messages than the limit in all, by a report --replay reruns', async () => {
			const report = await recorded();
			report['actions'] = [{simMs: 1, more: 999_999_999}];
			await refuse(['--replay', file('more-report.json', JSON.stringify(report))], ['more-report.json:', 'limit of 1,000,000,000'], {timeoutMs: slowMs});
		});
	});

	describe('a report that does not agree with itself', () => {
		it.each<[string, (report: Record<string, any>) => void, string[]]>([
			['a seed that is not settings.seed', report => (report['seed'] = 99), ['seed is 99, but settings.seed is 7', 'does not agree with itself']],
			['settings.seed edited alone', report => (report['settings'].seed = 99), ['seed is 7, but settings.seed is 99']],
			['more produced than asked for', report => (report['produced'] = 5000), ['produced is 5,000, more than the 200']],
			['more finished than produced', report => (report['sent'] = 500), ['sent and failed add up to']],
			['a broker run: sent, with no sender and none added', report => (report['settings'].senders = []), ['a --broker run', 'cannot be replayed']],
			['an SMPP run: its SMSC named', report => (report['smpp'] = 'smpp://alerts:****@host:2775'), ['.json:1:', 'an --smpp run', 'cannot be replayed']],
			['a broker run that no worker came to: nothing sent, duplicates counted', report => Object.assign(report, {duplicates: 0, sent: 0, failed: 0}), ['duplicates', 'a --broker run', 'cannot be replayed']],
		])('%s: refused', async (name, edit, words) => {
			const report = await recorded();
			edit(report);
			const path = file(`${name.replaceAll(/\W+/g, '-')}.json`, JSON.stringify(report));
			await refuse(['--replay', path, '--speed', 'max'], words, {timeoutMs: slowMs});
		});

		it('a finished run whose figures were edited: the replay runs and says where it differs', async () => {
			const report = await recorded();
			const {sent, p95Ms} = report as {sent: number; p95Ms: number};
			report['sent'] = sent - 1;
			report['failed'] += 1;
			report['p95Ms'] = 1;
			const path = file('edited.json', JSON.stringify(report));
			const result = await run(['--headless', '--json', '--speed', 'max', '--replay', path], slowMs);
			expect(result.code).toBe(0);
			expect(result.stderr).toBe(
				`sms-dash: --replay ${path}: the replay does not agree with the report (sent ${sent} here, ${sent - 1} in the report; failed ${200 - sent} here, ${201 - sent} in the report; p95Ms ${p95Ms} here, 1 in the report): the report was edited or written by another version\n`,
			);
			// As it stood, the same report replays without a word.
			const intact = await run(['--headless', '--speed', 'max', '--replay', file('intact.json', JSON.stringify(await recorded()))], slowMs);
			expect(intact.code).toBe(0);
			expect(intact.stderr).toBe('');
		});
	});

	describe.skipIf(!existsSync('/dev/full'))('an output that fails during the run (a full disk)', () => {
		it.each(['--log', '--report', '--html'])('%s /dev/full: the summary still prints, then one line on stderr, exit 1', async flag => {
			const result = await run(['--headless', '--json', '--speed', 'max', '--seed', '1', '-m', '20000', '-s', '5', flag, '/dev/full']);
			expect(result.code).toBe(1);
			expect(result.stderr).toBe(`sms-dash: ${flag} /dev/full: cannot write (no space left on the device)\n`);
			expect(JSON.parse(result.stdout.trimEnd().split('\n').at(-1)!)).toMatchObject({type: 'summary'});
		});
	});
});

describe.concurrent('output that cannot be written', () => {
	/** The CLI with stdout and stderr where the case puts them (a file descriptor), read back from files. */
	function runTo(args: readonly string[], {stdout, stderr, shell}: {stdout?: number; stderr?: number; shell?: string} = {}): Promise<CliResult> {
		const out = tempDir();
		const outFd = stdout ?? openSync(join(out, 'out'), 'w');
		const errFd = stderr ?? openSync(join(out, 'err'), 'w');
		const command = shell === undefined ? [process.execPath, cliPath, ...args] : ['bash', '-c', `${shell}; exec "$@"`, 'bash', process.execPath, cliPath, ...args];
		return new Promise((resolve, reject) => {
			const child = spawn(command[0]!, command.slice(1), {cwd: root, env: {...process.env, CI: 'true'}, stdio: ['ignore', outFd, errFd]});
			const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
			child.on('error', reject);
			child.on('close', (code, signal) => {
				clearTimeout(timer);
				const read = (fd: number | undefined, name: string) => (fd === undefined ? readFileSync(join(out, name), 'utf8') : '');
				resolve({code, signal, stdout: read(stdout, 'out'), stderr: read(stderr, 'err')});
			});
		});
	}

	const noStack = /\bat .+:\d+:\d+|node:internal|^\s*at /m;
	/** The log is whole JSON lines (none cut), each a finished message once. */
	function wholeLines(path: string): number {
		const text = readFileSync(path, 'utf8');
		expect(text === '' || text.endsWith('\n'), 'the last log line is whole').toBe(true);
		const ids = text.split('\n').filter(line => line !== '').map(line => (JSON.parse(line) as {id: number}).id);
		expect(new Set(ids).size).toBe(ids.length);
		return ids.length;
	}

	const busy = ['--headless', '--json', '--speed', 'max', '--seed', '1', '-m', '20000', '-s', '5'];

	it('stdout on a full device (>/dev/full): one line, exit 1, the report and the log written whole', async () => {
		const dir = tempDir();
		const full = openSync('/dev/full', 'w');
		const result = await runTo([...busy, '--log', join(dir, 'x.log'), '--report', join(dir, 'r.json')], {stdout: full});
		expect(result.code).toBe(1);
		expect(result.stderr).toBe('sms-dash: stdout: cannot write (no space left on the device)\n');
		const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as {sent: number; failed: number; interrupted: boolean};
		expect(report.interrupted).toBe(true);
		expect(wholeLines(join(dir, 'x.log'))).toBe(report.sent + report.failed);
	});

	it('stderr on a full device keeps the exit code of bad input (2), and --help to a full stdout is exit 1', async () => {
		const full = openSync('/dev/full', 'w');
		expect((await runTo(['--headless', '-m', 'abc'], {stderr: full})).code).toBe(2);
		expect((await runTo(['--headless', '--mean', '-5ms'], {stderr: full})).code).toBe(2);
		const help = await runTo(['--help'], {stdout: openSync('/dev/full', 'w')});
		expect(help.code).toBe(1);
		expect(help.stderr).toBe('sms-dash: stdout: cannot write (no space left on the device)\n');
	});

	// The file-size limit (ulimit -f, in KiB) makes writes past 64 KiB fail part-way, as a full disk does; no root needed.
	it('a --log that fills up mid-run: cut back to its last whole line, the summary and report written, one line, exit 1', async () => {
		const dir = tempDir();
		const result = await runTo([...busy, '--log', join(dir, 'x.log'), '--report', join(dir, 'r.json')], {shell: 'ulimit -f 64'});
		expect(result.code, result.stderr).toBe(1);
		expect(result.stderr).toMatch(/^sms-dash: --log \S+x\.log: cannot write \(the file is too large\)\n$/);
		const summary = JSON.parse(result.stdout.trimEnd().split('\n').at(-1)!) as {type: string; sent: number; failed: number};
		expect(summary.type).toBe('summary');
		expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'))).toEqual(summary);
		const lines = wholeLines(join(dir, 'x.log'));
		expect(lines).toBeGreaterThan(100);
		expect(lines).toBeLessThanOrEqual(summary.sent + summary.failed);
	});

	// A real full file system: a 64 KiB tmpfs (tests run as root in CI).
	it('a full disk: the log ends in a whole line, the report is not left empty or half, one line each, exit 1', async () => {
		const dir = tempDir();
		try {
			execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], {stdio: 'ignore'});
		} catch {
			throw new Error('mounting a tmpfs needs root (CI runs the tests as root)');
		}

		try {
			const result = await runTo([...busy, '--log', join(dir, 'x.log'), '--report', join(dir, 'r.json'), '--html', join(dir, 'r.html')]);
			expect(result.code).toBe(1);
			expect(result.stderr).not.toMatch(noStack);
			expect(result.stderr.split('\n').filter(Boolean).map(line => line.split(' ')[1])).toEqual(['--log', '--report', '--html']);
			expect(JSON.parse(result.stdout.trimEnd().split('\n').at(-1)!)).toMatchObject({type: 'summary'});
			expect(wholeLines(join(dir, 'x.log'))).toBeGreaterThan(100);
			expect(existsSync(join(dir, 'r.json')), 'no empty or half report').toBe(false);
			expect(existsSync(join(dir, 'r.html'))).toBe(false);
		} finally {
			execFileSync('umount', [dir]);
		}
	});

	it('a stdout whose reader stopped reading: the clock waits for it, SIGINT still ends the run at once, exit 130, report and log complete', async () => {
		const dir = tempDir();
		const [log, report] = [join(dir, 'x.log'), join(dir, 'r.json')];
		const child = spawn(process.execPath, [cliPath, '--headless', '--json', '--speed', 'max', '--interval', '0.01', '-m', '100000000', '-s', '20', '--log', log, '--report', report], {
			cwd: root,
			env: {...process.env, CI: 'true'},
			// stdout is never read: the pipe fills and stays full.
			stdio: ['ignore', 'pipe', 'ignore'],
		});
		const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
		const ended = new Promise<number | null>(resolve => child.on('close', code => resolve(code)));
		// The readings fill the pipe, then the clock is held for the reader: the log stops growing
		// (some 7,000 messages in, far past its first 64 KiB).
		const logSize = () => statSync(log, {throwIfNoEntry: false})?.size ?? 0;
		for (let last = -1; logSize() === 0 || logSize() !== last; ) {
			last = logSize();
			await new Promise(resolve => setTimeout(resolve, 300));
		}

		child.kill('SIGINT');
		const signalled = performance.now();
		const code = await ended;
		clearTimeout(guard);
		expect(code).toBe(130);
		expect(performance.now() - signalled, 'not waiting for the reader').toBeLessThan(10_000);
		const summary = JSON.parse(readFileSync(report, 'utf8')) as {interrupted: boolean; sent: number; failed: number};
		expect(summary.interrupted).toBe(true);
		expect(wholeLines(log)).toBe(summary.sent + summary.failed);
	}, 40_000);

	describe('outputs that would block or cannot open are refused before the run', () => {
		const dir = tempDir();
		execFileSync('mkfifo', [join(dir, 'fifo')]);
		it.each(['--log', '--report', '--html'])('%s onto a FIFO nobody reads', async flag => {
			const result = await run(['--headless', '-m', '5', flag, join(dir, 'fifo')]);
			expectRefused(result, [flag, 'FIFO', 'not a regular file']);
		});

		it.each(['--log', '--report'])('%s /dev/tty with no terminal', async flag => {
			// A session of its own: no controlling terminal, whatever runs the tests.
			const result = await new Promise<CliResult>((resolve, reject) => {
				const child = spawn(process.execPath, [cliPath, '--headless', '-m', '5', flag, '/dev/tty'], {cwd: root, env: {...process.env, CI: 'true'}, detached: true, stdio: ['ignore', 'pipe', 'pipe']});
				let stdout = '';
				let stderr = '';
				child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
				child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
				child.on('error', reject);
				child.on('close', (code, signal) => resolve({code, signal, stdout, stderr}));
			});
			expectRefused(result, [flag, '/dev/tty', 'no terminal']);
		});
	});
});
/** A finished run's --report (200 messages, seed 7), as parsed JSON. */
async function recorded(): Promise<Record<string, any>> {
	const path = join(tempDir(), 'r.json');
	const result = await run(['--headless', '--speed', 'max', '-m', '200', '--seed', '7', '--report', path], slowMs);
	expect(result.code, result.stderr).toBe(0);
	return JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>;
}

/**
 * The built CLI with no stdin (so headless), stopped after `timeoutMs` if it has not ended,
 * with the child's peak RSS as bench/preload-usage.js reports it on fd 3.
 */
function run(args: string[], timeoutMs = 5000): Promise<CliResult & {maxRssMb: number}> {
	const preload = fileURLToPath(new URL('../../bench/preload-usage.js', import.meta.url));
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--import', preload, cliPath, ...args], {
			cwd: root,
			env: {...process.env, CI: 'true'},
			stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
		});
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		let stdout = '';
		let stderr = '';
		let usage = '';
		const [, out, err, fd3] = child.stdio as unknown as [null, Readable, Readable, Readable];
		out.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		err.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		fd3.setEncoding('utf8').on('data', (chunk: string) => (usage += chunk));
		child.on('error', reject);
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			if (signal === 'SIGKILL') stderr += `[still running after ${timeoutMs} ms: it ran instead of refusing]`;
			const {maxRssKb} = JSON.parse(usage || '{"maxRssKb": null}') as {maxRssKb: number | null};
			resolve({code, signal, stdout, stderr, maxRssMb: maxRssKb === null ? Number.NaN : maxRssKb / 1024});
		});
	});
}
