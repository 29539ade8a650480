// The built binary as a CI job uses it: threshold gates and their exit codes, a scripted
// outage, and a run replayed from its --report at another speed.
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {interruptAfterLines, jsonLines, runCli, tempDir} from '../helpers/run-cli.js';

const quick = ['--headless', '--json', '--speed', 'max', '--seed', '11', '-m', '3000', '-s', '4', '--mean', '10ms'];

interface LogLine {
	id: number;
	phone: string;
	outcome: 'sent' | 'failed';
	attempts: number;
	timeMs: number;
	e2eMs: number;
	sender: number;
	simMs: number;
	reason?: 'error' | 'invalid';
}

const readLog = (path: string): LogLine[] =>
	readFileSync(path, 'utf8')
		.trimEnd()
		.split('\n')
		.map(line => JSON.parse(line) as LogLine);

const failedShare = (lines: readonly LogLine[]) => lines.filter(l => l.outcome === 'failed').length / lines.length;

/** The summary line without the fields that depend on wall time. */
function replayedPart(stdout: string): Record<string, unknown> {
	const {wallElapsedMs, speed, ...rest} = jsonLines(stdout).at(-1)!;
	expect(rest['type']).toBe('summary');
	expect(typeof wallElapsedMs).toBe('number');
	expect(speed).toBeDefined();
	return rest;
}

let dir: string;
beforeAll(() => {
	dir = tempDir();
});

describe('thresholds (built binary)', () => {
	it('exit 0 when every rule passes; the summary carries each rule with its figure', async () => {
		const rules = ['p95<1s', 'avg<=50ms', 'failed<50%', 'sent>=1000', 'throughput>10/s', 'elapsed<10m'];
		const report = join(dir, 'pass.json');
		const result = await runCli([...quick, ...rules.flatMap(rule => ['--threshold', rule]), '--report', report]);
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		const summary = jsonLines(result.stdout).at(-1)!;
		expect(summary['thresholds']).toEqual(rules.map(expr => ({expr, ok: true, actual: expect.any(Number)})));
		expect(summary['thresholds'][5].actual).toBe(summary['simElapsedMs']);
		expect(summary['settings'].thresholds).toEqual(rules);
		expect(JSON.parse(readFileSync(report, 'utf8')).thresholds).toEqual(summary['thresholds']);
	});

	it('exit 3 when one is crossed after a finished run; the text summary says which in words', async () => {
		const rules = ['--threshold', 'failed<1%', '--threshold', 'p95<1s'];
		const json = await runCli([...quick, ...rules]);
		expect(json.code).toBe(3);
		const summary = jsonLines(json.stdout).at(-1)!;
		expect(summary['interrupted']).toBe(false);
		expect(summary['thresholds']).toEqual([
			{expr: 'failed<1%', ok: false, actual: expect.any(Number)},
			{expr: 'p95<1s', ok: true, actual: expect.any(Number)},
		]);
		expect(summary['thresholds'][0].actual).toBeCloseTo((summary['failed'] * 100) / summary['produced'], 1);

		const text = await runCli([...quick.filter(arg => arg !== '--json'), ...rules]);
		expect(text.code).toBe(3);
		expect(text.stdout).toMatch(/^ {2}thresholds {2}1 of 2 crossed$/m);
		expect(text.stdout).toMatch(/^ {4}failed<1% {2}FAIL \(actual \d+\.\d%\)$/m);
		expect(text.stdout).toMatch(/^ {4}p95<1s {5}pass \(actual \d+\.\dms\)$/m);
	});

	it('takes rules from a config file\'s thresholds key too', async () => {
		const config = join(dir, 'gate.yaml');
		writeFileSync(config, 'messages: 500\nsenders: 2\nthresholds:\n  - failed<1%\n');
		const result = await runCli(['--headless', '--json', '--speed', 'max', '--seed', '2', '-c', config]);
		expect(result.code).toBe(3);
		expect(jsonLines(result.stdout).at(-1)!['thresholds']).toEqual([{expr: 'failed<1%', ok: false, actual: expect.any(Number)}]);
	});

	it.each([
		['p59<250ms', ['--threshold', 'did you mean p95?']],
		['faild<5%', ['did you mean failed?']],
		['p95<250', ['needs a unit']],
		['throughput>fast', ['rate such as 400']],
	])('exit 2 before anything runs for the bad rule %j', async (rule, words) => {
		const result = await runCli([...quick, '--threshold', 'p95<1s', '--threshold', rule]);
		expect(result.code).toBe(2);
		expect(result.stdout).toBe('');
		const lines = result.stderr.trimEnd().split('\n');
		expect(lines).toHaveLength(1);
		for (const word of words) expect(lines[0]).toContain(word);
	});

	it('an interrupted run exits 130 even with a crossed rule', async () => {
		const result = await runCli(
			['--headless', '--json', '--speed', '1', '--interval', '0.1', '-m', '100000', '-s', '20', '--seed', '3', '--threshold', 'sent>=100%'],
			{onStart: interruptAfterLines(2)},
		);
		expect(result.code).toBe(130);
		const summary = jsonLines(result.stdout).at(-1)!;
		expect(summary['interrupted']).toBe(true);
		expect(summary['thresholds']).toEqual([{expr: 'sent>=100%', ok: false, actual: expect.any(Number)}]);
	});
});

describe('--abort-on-fail (built binary)', () => {
	// 4 senders at 10ms: about 40 failures a simulated second; a reading every 0.1s.
	const abortable = [...quick, '-i', '0.1', '--abort-on-fail'];
	const progressOf = (lines: Array<Record<string, any>>) => lines.filter(line => line['type'] === 'progress');

	it('failed<=40 ends the run at the first reading with 41 failed: the summary, exit 3', async () => {
		const result = await runCli([...abortable, '--threshold', 'failed<=40', '--threshold', 'p95<1s']);
		expect(result.code).toBe(3);
		const lines = jsonLines(result.stdout);
		expect(lines[0]).toMatchObject({type: 'start', thresholds: ['failed<=40', 'p95<1s'], abortOnFail: true});
		const progress = progressOf(lines);
		expect(progress.at(-1)!['failed']).toBeGreaterThan(40);
		expect(progress.at(-2)!['failed']).toBeLessThanOrEqual(40);
		const summary = lines.at(-1)!;
		expect(summary).toMatchObject({type: 'summary', abortedBy: 'failed<=40', interrupted: false});
		expect(summary['failed']).toBe(progress.at(-1)!['failed']);
		expect(summary['sent'] + summary['failed']).toBeLessThan(3000);
		expect(summary['thresholds']).toEqual([
			{expr: 'failed<=40', ok: false, actual: summary['failed']},
			{expr: 'p95<1s', ok: true, actual: expect.any(Number)},
		]);
	});

	it('elapsed<1s ends the run once the clock passes 1s with messages unfinished, the rule FAIL in the text', async () => {
		const result = await runCli([...abortable.filter(a => a !== '--json'), '--threshold', 'elapsed<1s']);
		expect(result.code).toBe(3);
		expect(result.stdout).toMatch(/^Summary \(aborted: elapsed<1s can no longer pass\)$/m);
		expect(result.stdout).toMatch(/^ {2}unfinished {2}/m);
		expect(result.stdout).toMatch(/^ {4}elapsed<1s +FAIL/m);
		expect(result.stdout).toMatch(/^\[ +1\.0s\] .*\n(?!\[)/m);
		expect(result.stdout).not.toMatch(/^\[ +1\.1s\]/m);
	});

	it('a percentile rule waits for the end: the run finishes, then exit 3', async () => {
		const result = await runCli([...abortable, '--threshold', 'p95<1ms']);
		expect(result.code).toBe(3);
		const summary = jsonLines(result.stdout).at(-1)!;
		expect(summary['abortedBy']).toBeUndefined();
		expect(summary['sent'] + summary['failed']).toBe(3000);
	});

	it('a rule that passes never aborts; abort_on_fail in a config file works as the flag', async () => {
		const config = join(dir, 'abort.yaml');
		writeFileSync(config, 'abort_on_fail: true\nthresholds: ["failed<=40"]\n');
		const [passing, fromFile] = await Promise.all([
			runCli([...abortable, '--threshold', 'failed<=100%']),
			runCli([...quick, '-i', '0.1', '-c', config]),
		]);
		expect(passing.code).toBe(0);
		expect(jsonLines(passing.stdout).at(-1)!['sent'] + jsonLines(passing.stdout).at(-1)!['failed']).toBe(3000);
		expect(fromFile.code).toBe(3);
		expect(jsonLines(fromFile.stdout).at(-1)!['abortedBy']).toBe('failed<=40');
	});
});

describe('scripts (built binary)', () => {
	it('an outage of sender 2 from 30s to 90s changes exactly its outcomes in that window', async () => {
		const script = join(dir, 'outage.yaml');
		writeFileSync(script, '- {at: 30s, tune: {sender: 2, failure_rate: 1}}\n- {at: 90s, tune: {sender: 2, failure_rate: 0.1}}\n');
		const run = ['--headless', '--json', '--speed', 'max', '--seed', '5', '-m', '20000', '-s', '3', '--mean', '20ms', '-f', '0.1', '--interval', '10s'];
		const [base, outage] = await Promise.all([
			runCli([...run, '--log', join(dir, 'base.log')]),
			runCli([...run, '--log', join(dir, 'outage.log'), '--script', script]),
		]);
		expect(base.code).toBe(0);
		expect(outage.code).toBe(0);
		expect(jsonLines(outage.stdout).at(-1)!['actions']).toEqual([
			{simMs: 30_000, tune: {sender: 2, failureRate: 1}},
			{simMs: 90_000, tune: {sender: 2, failureRate: 0.1}},
		]);

		const before = readLog(join(dir, 'base.log'));
		const after = readLog(join(dir, 'outage.log'));
		expect(after).toHaveLength(20_000);
		const isInWindow = (l: LogLine) => l.sender === 2 && l.simMs > 30_000 && l.simMs <= 90_000;
		// The same messages go to the same senders at the same times (a failure changes no draw);
		// only sender 2's outcomes inside the window differ, and all of them failed.
		expect(after.map(({outcome, reason, ...rest}) => rest)).toEqual(before.map(({outcome, reason, ...rest}) => rest));
		after.forEach((line, index) => {
			expect(line.outcome).toBe(isInWindow(line) ? 'failed' : before[index]!.outcome);
		});

		const window = after.filter(isInWindow);
		expect(window.length).toBeGreaterThan(2000);
		expect(failedShare(before.filter(isInWindow))).toBeLessThan(0.15);
		expect(failedShare(window)).toBe(1);
		// Outside the window sender 2, and the other senders throughout, fail at the base rate.
		const outside2 = after.filter(l => l.sender === 2 && !isInWindow(l));
		expect(outside2.length).toBeGreaterThan(2000);
		expect(failedShare(outside2)).toBeGreaterThan(0.07);
		expect(failedShare(outside2)).toBeLessThan(0.13);
		for (const sender of [1, 3]) {
			const own = after.filter(l => l.sender === sender);
			expect(failedShare(own)).toBeGreaterThan(0.08);
			expect(failedShare(own)).toBeLessThan(0.12);
		}
	});

	it('a change to a sender that is gone is skipped and noted in headless output and the summary, never a crash', async () => {
		const script = join(dir, 'gone.yaml');
		writeFileSync(script, '- {at: 1s, remove: 2}\n- {at: 2.5s, tune: {sender: 2, mean: 1ms}}\n- {at: 3s, remove: 9}\n- {at: 4s, more: 100}\n');
		const args = ['--headless', '--speed', 'max', '--seed', '4', '-m', '2000', '-s', '3', '--mean', '10ms', '--script', script];
		const json = await runCli([...args, '--json']);
		expect(json.code).toBe(0);
		const lines = jsonLines(json.stdout);
		const notes = [
			'2.500s: skipped tune sender 2: no such sender',
			'3.000s: skipped remove sender 9: no such sender',
		];
		expect(lines.filter(l => l['type'] === 'note')).toEqual(notes.map(text => ({type: 'note', text})));
		// Each note stands just before the first reading after its time (a reading at the
		// same time was taken before the action, as the driver does it).
		const at = (type: string, simMs: number) => lines.findIndex(l => l['type'] === type && l['simMs'] === simMs);
		const firstNote = lines.findIndex(l => l['type'] === 'note');
		expect(lines[firstNote - 1]).toMatchObject({type: 'progress', simMs: 2000});
		expect(at('progress', 3000)).toBe(firstNote + 1);
		expect(lines[firstNote + 2]).toMatchObject({type: 'note'});
		expect(at('progress', 4000)).toBe(firstNote + 3);
		const summary = lines.at(-1)!;
		expect(summary['notes']).toEqual(notes);
		// The skipped ones are recorded too, so a replay skips and notes them the same way.
		expect(summary['actions']).toEqual([
			{simMs: 1000, remove: 2},
			{simMs: 2500, tune: {sender: 2, meanMs: 1}},
			{simMs: 3000, remove: 9},
			{simMs: 4000, more: 100},
		]);
		expect(summary['sent'] + summary['failed']).toBe(2100);

		const text = await runCli(args);
		expect(text.code).toBe(0);
		expect(text.stdout).toContain(
			'\nnote: 2.500s: skipped tune sender 2: no such sender\n[   3.0s]',
		);
		expect(text.stdout).toContain(
			'\nnote: 3.000s: skipped remove sender 9: no such sender\n[   4.0s]',
		);
		expect(text.stdout).toMatch(/^ {2}note {8}3\.000s: skipped remove sender 9: no such sender$/m);
	});

	it('a bad script stops before anything runs: exit 2 with its file:line:col', async () => {
		const script = join(dir, 'bad-script.yaml');
		writeFileSync(script, '- {at: 30s, tune: {sender: 2, failure_rate: 1}}\n- {at: 90s, tune: {sender: 2, falure_rate: 0.1}}\n');
		const result = await runCli([...quick, '--script', script]);
		expect(result.code).toBe(2);
		expect(result.stdout).toBe('');
		expect(result.stderr).toBe(`sms-dash: ${script}:2:31: [1].tune.falure_rate is not a known key (did you mean failure_rate?)\n`);
	});
});

describe('replay (built binary)', () => {
	it('a --report replayed at another speed gives the same output, summary and --log; so does a replay of the replay', async () => {
		const script = join(dir, 'session.yaml');
		writeFileSync(
			script,
			[
				'- {at: 1s, tune: {sender: 2, failure_rate: 1}}',
				'- {at: 2.5s, add: {mean: 5ms, distribution: exponential, count: 2}}',
				'- {at: 3s, remove: 1}',
				'- {at: 4.25s, more: 500}',
				'- {at: 5s, tune: {sender: 2, failure_rate: 0.1, mean: 15ms}}',
			].join('\n'),
		);
		const files = (name: string) => ({log: join(dir, `${name}.log`), report: join(dir, `${name}.json`)});
		const original = files('original');
		const first = await runCli([
			...quick,
			'--interval',
			'0.5',
			'--script',
			script,
			'--threshold',
			'p95<1s',
			'--log',
			original.log,
			'--report',
			original.report,
		]);
		expect(first.code).toBe(0);
		const report = JSON.parse(readFileSync(original.report, 'utf8'));
		expect(report.actions).toHaveLength(6);
		expect(report.speed).toBe('max');

		const replayed = files('replayed');
		const second = await runCli(['--headless', '--json', '--speed', '20', '--replay', original.report, '--log', replayed.log, '--report', replayed.report]);
		expect(second.stderr).toBe('');
		expect(second.code).toBe(0);
		expect(jsonLines(second.stdout).at(-1)!['speed']).toBe(20);
		expect(replayedPart(second.stdout)).toEqual(replayedPart(first.stdout));
		expect(second.stdout.split('\n').slice(0, -2)).toEqual(first.stdout.split('\n').slice(0, -2));
		expect(readFileSync(replayed.log, 'utf8')).toBe(readFileSync(original.log, 'utf8'));

		const again = files('again');
		const third = await runCli(['--headless', '--json', '--speed', 'max', '--replay', replayed.report, '--log', again.log, '--report', again.report]);
		expect(third.code).toBe(0);
		expect(replayedPart(third.stdout)).toEqual(replayedPart(first.stdout));
		expect(readFileSync(again.log, 'utf8')).toBe(readFileSync(original.log, 'utf8'));
	});

	it('a replay judges the report\'s rules and extra ones: exit 3 when one is crossed', async () => {
		const report = join(dir, 'gate.json');
		expect((await runCli([...quick, '--threshold', 'p95<1s', '--report', report])).code).toBe(0);
		const result = await runCli(['--headless', '--json', '--speed', 'max', '--replay', report, '--threshold', 'failed<1%']);
		expect(result.code).toBe(3);
		expect(jsonLines(result.stdout).at(-1)!['thresholds'].map((t: {expr: string; ok: boolean}) => [t.expr, t.ok])).toEqual([
			['p95<1s', true],
			['failed<1%', false],
		]);
	});

	it('refuses a flag that decides outcomes with --replay: exit 2, one line naming the flag', async () => {
		const report = join(dir, 'small.json');
		expect((await runCli(['--headless', '--json', '--speed', 'max', '--seed', '1', '-m', '10', '--report', report])).code).toBe(0);
		const cases: Array<[string[], string]> = [
			[['--seed', '3'], '--seed cannot be used with --replay'],
			[['-m', '10'], '--messages (-m) cannot be used with --replay'],
			[['--script', 'x.yaml'], '--script cannot be used with --replay'],
			[['--sender', 'mean=5ms'], '--sender cannot be used with --replay'],
		];
		for (const [args, words] of cases) {
			const result = await runCli(['--headless', '--replay', report, ...args]);
			expect(result.code, result.stderr).toBe(2);
			expect(result.stdout).toBe('');
			expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringContaining(words)]);
		}
	});

	it('refuses a missing file, a file that is not JSON and JSON that is not a report: exit 2, one line', async () => {
		const notJson = join(dir, 'not.json');
		writeFileSync(notJson, '{"type": "summary",\n  "settings": {"messages": 5,}}\n');
		const progress = join(dir, 'progress.json');
		writeFileSync(progress, '{"type":"progress","simMs":1000}\n');
		const cases: Array<[string, string]> = [
			[join(dir, 'missing.json'), `--replay cannot read "${join(dir, 'missing.json')}": no such file`],
			[notJson, `--replay "${notJson}" is not JSON (${notJson}:2:30: Expected double-quoted property name)`],
			[progress, `--replay "${progress}" is not a report written by --report: it has no "type": "summary"`],
		];
		for (const [file, message] of cases) {
			const result = await runCli(['--headless', '--replay', file]);
			expect(result.code, result.stderr).toBe(2);
			expect(result.stdout).toBe('');
			expect(result.stderr).toBe(`sms-dash: ${message}\n`);
		}
	});
});
