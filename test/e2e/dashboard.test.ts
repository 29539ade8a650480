// The built dashboard in a real terminal (tmux; see test/helpers/tmux.ts).
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {shownItems} from '../helpers/shown.js';
import {ensureBuilt, Pane} from '../helpers/tmux.js';

/** Whether any SGR sequence on the screen sets a foreground or background colour. */
function hasColour(screen: string): boolean {
	for (const match of screen.matchAll(/\u001B\[([\d;]*)m/g)) {
		for (const parameter of match[1]!.split(';').map(Number)) {
			if ((parameter >= 30 && parameter <= 38) || (parameter >= 40 && parameter <= 48)) return true;
			if ((parameter >= 90 && parameter <= 97) || (parameter >= 100 && parameter <= 107)) return true;
		}
	}

	return false;
}

const counter = (screen: string, label: string): number => {
	const match = new RegExp(`\\b${label}\\s+([\\d,]+)`).exec(screen);
	return match === null ? Number.NaN : Number(match[1]!.replaceAll(',', ''));
};

const panes: Pane[] = [];
function pane(): Pane {
	const p = new Pane();
	panes.push(p);
	return p;
}

describe('sms-dash dashboard in a terminal (tmux)', () => {
	beforeAll(() => {
		ensureBuilt();
	}, 60_000);

	afterEach(() => {
		for (const p of panes.splice(0)) p.kill();
	});

	it('moves, takes a and x, shows help, and q exits 0 with a report of the senders', async () => {
		const p = pane();
		const report = join(p.dir, 'report.json');
		p.start(['-m', '200000', '-s', '3', '--seed', '1', '--report', report]);
		const first = await p.waitFor('the header', s => s.includes('running') && s.includes('3 senders') && counter(s, 'sent') > 0);
		expect(p.tmux('display-message', '-p', '-t', 'dash', '#{cursor_flag}').trim()).toBe('0');
		expect(first.split('\n')[0]).toContain('sms-dash');
		expect(first).toContain('seed 1');
		expect(first).toMatch(/q quit/);
		// Counters move between captures.
		const sent = counter(first, 'sent');
		const moved = await p.waitFor('the counters to move', s => counter(s, 'sent') > sent);
		expect(counter(moved, 'produced')).toBeGreaterThanOrEqual(counter(first, 'produced'));
		expect(hasColour(p.screen(true))).toBe(true);

		p.keys('a');
		// The new sender is selected; g goes back to the first.
		await p.waitFor('a fourth sender, selected', s => s.includes('4 senders') && /› #4 /.test(s));
		p.keys('g');
		await p.waitFor('the first sender selected', s => /› #1 /.test(s));
		p.keys('x');
		await p.waitFor('back to three senders', s => s.includes('3 senders') && !/#1 /.test(s));

		p.keys('?');
		await p.waitFor('help', s => s.includes('sms-dash keys') && s.includes('add a sender'));
		p.keys('Escape');
		await p.waitFor('the dashboard again', s => s.includes('produced') && !s.includes('sms-dash keys'));

		p.keys('q');
		expect(await p.exitCode()).toBe(0);
		const after = await p.waitFor('the summary', s => s.includes('Summary'));
		expect(after).toMatch(/^Summary \(stopped by the user before every message finished\)$/m);
		expect(after).not.toContain('interrupted');
		expect(after).toMatch(/senders\s+4/);
		// Ink unmounted first: the cursor it hid is visible again.
		expect(p.tmux('display-message', '-p', '-t', 'dash', '#{cursor_flag} #{pane_dead}').trim()).toBe('1 0');
		const summary = JSON.parse(readFileSync(report, 'utf8')) as {senders: Array<{id: number; removed?: boolean}>; interrupted: boolean};
		expect(summary.senders.map(s => s.id)).toEqual([1, 2, 3, 4]);
		expect(summary.senders.filter(s => !s.removed).map(s => s.id)).toEqual([2, 3, 4]);
		expect(summary.interrupted).toBe(true);
	});

	it('fits 80×24 and 40×10 after a resize, honours NO_COLOR, and Ctrl+C exits 130', async () => {
		const p = pane();
		p.start(['-m', '200000', '-s', '50', '--seed', '2'], {columns: 80, rows: 24, env: 'NO_COLOR=1'});
		const wide = await p.waitFor('the dashboard', s => s.includes('50 senders') && s.includes('more below'));
		// The header is still on the first line: nothing scrolled off the top.
		expect(wide.split('\n')[0]).toContain('sms-dash');
		expect(hasColour(p.screen(true))).toBe(false);
		// Selection still shows without colour.
		expect(wide).toContain('› #1 ');

		p.resize(40, 10);
		const small = await p.waitFor('the small layout', s => {
			const rows = s.split('\n');
			return rows[0]!.includes('running') && !rows[0]!.includes('sms-dash') && s.includes('q quit');
		});
		expect(small).toContain('more below');
		for (const line of small.split('\n')) expect(line.length).toBeLessThanOrEqual(40);

		p.keys('C-c');
		expect(await p.exitCode()).toBe(130);
		expect(p.history()).toMatch(/^Summary \(interrupted\)$/m);
	});

	it('a shrink leaves one frame on the screen, not a stale copy of the old one above it', async () => {
		const p = pane();
		p.start(['-m', '200000', '-s', '5', '--seed', '5'], {columns: 120, rows: 40});
		await p.waitFor('the wide dashboard', s => s.includes('5 senders') && s.includes('flight') && counter(s, 'sent') > 0);
		p.resize(80, 24);
		const count = (screen: string, text: string) => screen.split(text).length - 1;
		const small = await p.waitFor('the 80-column layout', s => !/\bflight\b.*sent\/s/.test(s) && s.includes('q quit'));
		// Wait for a later frame too: the stale copy stays while the live frame redraws.
		const later = await p.waitFor('a later frame', s => s !== small);
		for (const screen of [small, later]) {
			expect(count(screen, 'sms-dash'), screen).toBe(1);
			expect(count(screen, 'produced'), screen).toBe(1);
			expect(count(screen, 'q quit'), screen).toBe(1);
			expect(screen.split('\n')[0], screen).toContain('sms-dash');
		}

		p.keys('q');
		expect(await p.exitCode()).toBe(0);
	});

	it('80×24, 100×30, 120×40, 160×50: each shows all that the one before it shows, the failed figure whole', async () => {
		const p = pane();
		p.start(['-m', '200000', '-s', '12', '--seed', '7', '-f', '0.3', '--threshold', 'failed<10%'], {columns: 80, rows: 24});
		const labels = ['produced', 'queued', 'in flight', 'resting', 'sent', 'failed', 'avg/msg', 'e2e avg', 'rate now', 'ETA', 'failed<10%'];
		const seen = (screen: string): Set<string> => shownItems(screen.trimEnd().split('\n'), labels, /failed\s+✗ [\d,]+ \([\d.]+%\)/.test(screen));

		let before: {size: string; shown: Set<string>} | undefined;
		for (const [columns, rows] of [[80, 24], [100, 30], [120, 40], [160, 50]] as const) {
			if (before !== undefined) p.resize(columns, rows);
			const size = `${columns}×${rows}`;
			// The progress bar spans the width: the frame is drawn for this size.
			const isDrawn = (s: string) => s.split('\n').some(line => line.includes('finished') && line.length === columns);
			const screen = await p.waitFor(size, s => isDrawn(s) && counter(s, 'sent') > 0 && s.trimEnd().split('\n').every(line => line.length <= columns) && seen(s).has('footer q quit'));
			const shown = seen(screen);
			expect(shown.has('the failed figure whole'), screen).toBe(true);
			if (before !== undefined) expect([...before.shown].filter(item => !shown.has(item) && item !== 'footer ? more keys'), `${before.size} → ${size}`).toEqual([]);
			before = {size, shown};
		}

		expect(before!.shown.has('footer ? help')).toBe(true);
		p.keys('q');
		expect(await p.exitCode()).toBe(0);
	});

	it('Ctrl+L wipes what something else wrote on the terminal and draws the dashboard again', async () => {
		const p = pane();
		p.start(['-m', '200000', '-s', '3', '--seed', '6', '--speed', '0.1'], {columns: 100, rows: 30});
		await p.waitFor('the dashboard', s => s.includes('3 senders') && s.includes('q quit'));
		// Another program writes below the frame (a wall message), putting the cursor back.
		const tty = p.tmux('display-message', '-p', '-t', 'dash', '#{pane_tty}').trim();
		writeFileSync(tty, '\u001B7\u001B[28;1HSTRAY TEXT ON THE SCREEN\u001B8');
		const stray = await p.waitFor('the stray text', s => s.includes('STRAY TEXT'));
		// Frames go on and leave it there.
		const later = await p.waitFor('a later frame', s => s !== stray);
		expect(later).toContain('STRAY TEXT');
		p.keys('C-l');
		const redrawn = await p.waitFor('the dashboard redrawn', s => !s.includes('STRAY TEXT') && s.includes('q quit'));
		expect(redrawn.split('\n')[0]).toContain('sms-dash');
		expect(redrawn).toContain('produced');
		expect(redrawn.split('produced').length - 1).toBe(1);
		p.keys('q');
		expect(await p.exitCode()).toBe(0);
	});

	it('SIGTERM exits 130 after the summary and --report', async () => {
		const p = pane();
		const report = join(p.dir, 'report.json');
		p.start(['-m', '200000', '-s', '2', '--seed', '4', '--report', report]);
		await p.waitFor('the dashboard', s => s.includes('2 senders'));
		process.kill(p.cliPid(), 'SIGTERM');
		expect(await p.exitCode()).toBe(130);
		expect(p.history()).toMatch(/^Summary \(interrupted\)$/m);
		expect(JSON.parse(readFileSync(report, 'utf8')).senders).toHaveLength(2);
	});

	it('--exit-on-done closes by itself with 0 and prints the summary', async () => {
		const p = pane();
		p.start(['-m', '300', '-s', '4', '--seed', '3', '--speed', 'max', '--exit-on-done']);
		expect(await p.exitCode()).toBe(0);
		const screen = await p.waitFor('the summary', s => s.includes('Summary'));
		expect(screen).toContain('300 produced');
		expect(screen).not.toContain('Summary (interrupted)');
	});
});
