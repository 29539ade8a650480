// The built binary with 10,000 senders: its summary is written in pieces, and the pieces
// make the bytes one JSON.stringify of the whole made.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {expect, it} from 'vitest';
import {runCli, tempDir} from '../helpers/run-cli.js';

it('a 10,000-sender run prints and writes its summary as one JSON.stringify of it did', async () => {
	const report = join(tempDir(), 'report.json');
	const result = await runCli(['--headless', '--json', '--speed', 'max', '--seed', '4', '-m', '3000', '-s', '10000', '--failover', '50ms', '-f', '0.2', '--report', report]);
	expect(result.code).toBe(0);
	const line = result.stdout.trimEnd().split('\n').at(-1)!;
	const summary = JSON.parse(line) as {senders: unknown[]};
	expect(summary.senders).toHaveLength(10_000);
	expect(line).toBe(JSON.stringify(summary));
	expect(result.stdout.endsWith(`${line}\n`)).toBe(true);
	const list = `[\n${summary.senders.map(s => `    ${JSON.stringify(s)}`).join(',\n')}\n  ]`;
	const whole = JSON.stringify({...summary, senders: []}, null, 2).replace('\n  "senders": [],\n', () => `\n  "senders": ${list},\n`) + '\n';
	expect(readFileSync(report, 'utf8')).toBe(whole);
});
