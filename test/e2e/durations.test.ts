// The built binary and a bare number for a duration: refused on the command line from 10
// up (`--mean 100` would be 100 s, a run a hundred times longer than meant), seconds in a file.
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {runCli, tempDir} from '../helpers/run-cli.js';
import {ensureBuilt} from '../helpers/tmux.js';

describe('a bare number for a duration', () => {
	beforeAll(() => {
		ensureBuilt();
	}, 60_000);

	it.each([
		[['--mean', '100'], 'sms-dash: --mean 100: did you mean 100ms or 100s?'],
		[['--sender', 'mean=250'], 'sms-dash: --sender "mean=250": mean 250: did you mean 250ms or 250s?'],
		[['size', '-m', '10', '--within', '600'], 'sms-dash: --within 600: did you mean 600ms or 600s?'],
	])('%j is refused: one line, exit 2, nothing runs', async (args, line) => {
		const result = await runCli(args[0] === 'size' ? args : ['--headless', '-m', '5', ...args]);
		expect(result).toMatchObject({code: 2, stdout: '', stderr: `${line}\n`});
	});

	it('below 10, or with a unit, runs; in a config file it is seconds', async () => {
		const small = await runCli(['--headless', '--speed', 'max', '-m', '5', '--mean', '0.2', '--seed', '1']);
		expect(small.code, small.stderr).toBe(0);
		expect(small.stdout).toContain('mean 200.0ms');
		const dir = tempDir();
		writeFileSync(join(dir, 'run.yaml'), 'messages: 3\nmean: 100\nseed: 1\n');
		const file = await runCli(['--headless', '--speed', 'max', '-c', join(dir, 'run.yaml')]);
		expect(file.code, file.stderr).toBe(0);
		expect(file.stdout).toContain('mean 1m40s');
	});
});
