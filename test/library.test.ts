// The library face as a user's test suite uses it: `import {simulate, size} from 'sms-dash'`
// resolves through package.json's exports to the built dist/index.js (made by `pretest`).
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {ConfigError, simulate, size} from 'sms-dash';
import {describe, expect, it} from 'vitest';
import {jsonLines, runCli, tempDir} from './helpers/run-cli.js';

describe('import {simulate, size} from "sms-dash"', () => {
	// The README's example, as it is printed there.
	it('a broadcast of 10,000 alerts over 20 senders stays within its budget', async () => {
		const summary = await simulate({
			messages: 10_000,
			seed: 42,
			retries: 2,
			senders: [{mean: '80ms', failure_rate: 0.05, count: 20}],
			thresholds: ['p95<500ms', 'failed<1%'],
		});
		expect(summary.sent + summary.failed).toBe(10_000);
		expect(summary.thresholds.every(rule => rule.ok)).toBe(true);
	});

	it('resolves with the summary --report writes for the same settings', async () => {
		const settings = {messages: 3000, seed: 7, retries: 1, senders: [{mean: '20ms', failure_rate: 0.2, count: 3}, {mean: '50ms', distribution: 'exponential'}]};
		const summary = await simulate(settings);
		const dir = tempDir();
		const config = join(dir, 'fleet.json');
		const report = join(dir, 'report.json');
		writeFileSync(config, JSON.stringify(settings));
		const cli = await runCli(['--headless', '--json', '--speed', 'max', '-c', config, '--report', report]);
		expect(cli.code).toBe(0);
		const fromCli = JSON.parse(readFileSync(report, 'utf8')) as Record<string, unknown>;
		const withoutWall = ({wallElapsedMs, speed, ...rest}: Record<string, unknown>) => rest;
		expect(withoutWall(summary as unknown as Record<string, unknown>)).toEqual(withoutWall(fromCli));
		expect(jsonLines(cli.stdout).at(-1)).toMatchObject({type: 'summary', sent: summary.sent, failed: summary.failed});
	});

	it('rejects a bad setting with the one line the CLI prints, and the process goes on', async () => {
		const refusal = simulate({messages: 10, senders: [{mean: '5ms', failure_rate: 2}]});
		await expect(refusal).rejects.toBeInstanceOf(ConfigError);
		await expect(refusal).rejects.toThrow(/^senders\[0\]\.failure_rate must be between 0 and 1, got 2$/);
		await expect(simulate({messages: 10, bogus: 1})).rejects.toThrow(/^bogus is not a known key/);
		await expect(simulate([] as unknown as Record<string, unknown>)).rejects.toThrow(/settings must be an object/);
	});

	it('stops early on an abort signal with an interrupted summary', async () => {
		const controller = new AbortController();
		const running = simulate({messages: 1_000_000_000, seed: 1, senders: [{mean: '1ms', count: 10}]}, {signal: controller.signal});
		controller.abort();
		const summary = await running;
		expect(summary.interrupted).toBe(true);
		expect(summary.sent + summary.failed + summary.queued + summary.inFlight).toBe(summary.produced);
	});

	it('size answers as `sms-dash size --json` does', async () => {
		const question = {messages: 10_000, within: '10s', mean: '100ms', distribution: 'constant', failureRate: 0, runs: 2, confidence: 1};
		const answer = await size(question);
		expect(answer).toMatchObject({type: 'size', senders: 100, runs: 2});
		const cli = await runCli(['size', '-m', '10000', '--within', '10s', '--mean', '100ms', '--distribution', 'constant', '-f', '0', '--runs', '2', '--confidence', '1', '--json']);
		expect(JSON.parse(cli.stdout)).toEqual(answer);
		await expect(size({messages: 10})).rejects.toThrow(/--within is required/);
	});
});
