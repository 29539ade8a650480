// The built binary asked for the dashboard with --no-headless: drawn under CI in a real
// terminal (tmux), refused with one line where it cannot be drawn.
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {runCli} from '../helpers/run-cli.js';
import {ensureBuilt, Pane} from '../helpers/tmux.js';

describe('--no-headless', () => {
	const panes: Pane[] = [];
	beforeAll(() => {
		ensureBuilt();
	}, 60_000);

	afterEach(() => {
		for (const p of panes.splice(0)) p.kill();
	});

	it('draws the dashboard with CI=1 in the environment', async () => {
		const p = new Pane();
		panes.push(p);
		p.start(['--no-headless', '-m', '200', '--seed', '3', '--speed', 'max'], {env: 'CI=1'});
		const screen = await p.waitFor('the dashboard done', s => /^sms-dash .*done/m.test(s), 10_000);
		expect(screen).toMatch(/^produced\s+200\b/m);
		p.keys('q');
		expect(await p.exitCode()).toBe(0);
		expect(p.history()).toContain('200 produced');
	});

	it('draws every frame where CI is empty or only CONTINUOUS_INTEGRATION is set (Ink would draw only the last)', async () => {
		const p = new Pane();
		panes.push(p);
		p.start(['-m', '200', '--seed', '3', '--speed', 'max'], {env: "CI='' CONTINUOUS_INTEGRATION=1"});
		await p.waitFor('the dashboard done', s => /^sms-dash .*done/m.test(s), 10_000);
		p.keys('q');
		expect(await p.exitCode()).toBe(0);
	});

	it('is refused, exit 2, one line, when stdout is not a terminal', async () => {
		const result = await runCli(['--no-headless', '-m', '5'], {env: {CI: '1'}});
		expect(result).toMatchObject({code: 2, stdout: '', stderr: 'sms-dash: --no-headless needs a terminal, and stdout is not one\n'});
	});
});
