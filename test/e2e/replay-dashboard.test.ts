// A dashboard session shaped by hand (keys at speed 1, in tmux), replayed headless at
// max speed from its --report: the same summary (but wall time and speed) and the same log.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {runCli} from '../helpers/run-cli.js';
import {ensureBuilt, Pane} from '../helpers/tmux.js';

let pane: Pane | undefined;

describe('replay of a dashboard session', () => {
	beforeAll(() => {
		ensureBuilt();
	}, 60_000);

	afterEach(() => {
		pane?.kill();
	});

	it('reproduces keys a, x, + and ] exactly', async () => {
		pane = new Pane();
		const report = join(pane.dir, 'session.json');
		const log = join(pane.dir, 'session.log');
		pane.start(['--seed', '7', '-m', '600', '-s', '3', '--mean', '20ms', '--exit-on-done', '--report', report, '--log', log]);
		await pane.waitFor('the dashboard', s => s.includes('3 senders'));
		pane.keys('a');
		await pane.waitFor('a fourth sender', s => s.includes('4 senders'));
		pane.keys('j', 'x');
		await pane.waitFor('sender 2 removed', s => s.includes('3 senders'));
		pane.keys('+', ']');
		expect(await pane.exitCode(15_000)).toBe(0);

		const session = JSON.parse(readFileSync(report, 'utf8'));
		expect(session.actions.map((a: Record<string, unknown>) => Object.keys(a).find(k => k !== 'simMs'))).toEqual(['add', 'remove', 'tune', 'tune']);
		const replayReport = join(pane.dir, 'replay.json');
		const replayLog = join(pane.dir, 'replay.log');
		const replay = await runCli(['--replay', report, '--headless', '--speed', 'max', '--report', replayReport, '--log', replayLog]);
		expect(replay.code).toBe(0);
		const strip = (summary: Record<string, unknown>) => ({...summary, wallElapsedMs: 0, speed: 0});
		expect(strip(JSON.parse(readFileSync(replayReport, 'utf8')))).toEqual(strip(session));
		expect(readFileSync(replayLog, 'utf8')).toBe(readFileSync(log, 'utf8'));
	});
});
