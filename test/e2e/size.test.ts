// `sms-dash size` as a user runs it: worker threads, JSON, exit codes.
import {describe, expect, it} from 'vitest';
import {jsonLines, runCli} from '../helpers/run-cli.js';

describe('sms-dash size (built binary)', () => {
	it('answers with JSON: 10,000 × 100 ms constant within 10 s needs 100', async () => {
		const result = await runCli(['size', '-m', '10000', '--within', '10s', '--mean', '100ms', '--distribution', 'constant', '-f', '0', '--runs', '2', '--json']);
		expect(result.code).toBe(0);
		const [answer] = jsonLines(result.stdout);
		expect(answer).toMatchObject({type: 'size', senders: 100, confidence: 0.95});
		expect(answer!['tried'].find((t: {senders: number}) => t.senders === 99).okRuns).toBe(0);
		expect(answer!['tried'].map((t: {senders: number}) => t.senders)).toEqual([98, 99, 100]);
		expect(answer!['marginMs']).toBe(0);
		expect(answer).toMatchObject({estimate: 100, perSenderRate: 10, bottleneck: 'window'});
	});

	it('prints a line per count and the answer', async () => {
		const result = await runCli(['size', '-m', '2000', '--within', '20s', '--runs', '3']);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/senders\s+\d+\/3 runs in time/);
		expect(result.stdout).toMatch(/^ {2}estimate \d+ senders: the goal needs [\d.]+ segments\/s, 10\.0 a sender\n {2}bottleneck: the window \(1 ÷ 100ms send time\)$/m);
		expect(result.stdout).toMatch(/^Answer: \d+ senders \(estimate \d+\)$/m);
		expect(result.stdout).toMatch(/^ {2}3 of 3 runs finish by [\d.]+s: [\d.]+s inside the 20\.0s deadline$/m);
	});

	it('size --help opens with what size does, not the package\'s description', async () => {
		const result = await runCli(['size', '--help']);
		expect(result.code).toBe(0);
		expect(result.stdout.trimStart()).toMatch(/^How many senders of one kind deliver/);
		expect(result.stdout).toContain('10 runs at 0.95 means 10 of 10');
	});

	it('exits 3 when even --max-senders cannot', async () => {
		const result = await runCli(['size', '-m', '1000', '--within', '1s', '--max-senders', '3', '--runs', '2']);
		expect(result.code).toBe(3);
		expect(result.stdout).toContain('No answer');
	});

	it.each([
		[['--within', 'soon'], '--within'],
		[['-m', '10'], '--within'],
		[['--within', '1m', '--confidence', '2'], '--confidence'],
		[['--within', '1m', '--runs', '0'], '--runs'],
		[['--within', '1m', '-f', '3'], 'failure-rate'],
		[['--within', '1m', '--speed', 'max'], '--speed'],
	])('refuses %j naming %s, exit 2', async (args, word) => {
		const result = await runCli(['size', ...args]);
		expect(result.code).toBe(2);
		expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
		expect(result.stderr).toContain(word);
	});
});
