// The built dashboard in a real terminal: tmux runs dist/cli.js in a pane, send-keys types,
// capture-pane reads the screen. Waits poll the screen against a deadline, never a fixed
// sleep. CI, FORCE_COLOR and NODE_ENV are taken out of the child's environment: under CI
// the CLI goes headless, and the test runner sets the other two.
import {execFileSync} from 'node:child_process';
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {cliPath, root, tempDir} from '../helpers/run-cli.js';

const hasTmux = (() => {
	try {
		execFileSync('tmux', ['-V'], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
})();

/** The newest modification time under a folder. */
function newestMtime(dir: string): number {
	let newest = 0;
	for (const entry of readdirSync(dir, {withFileTypes: true})) {
		const path = join(dir, entry.name);
		newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
	}

	return newest;
}

/** Builds dist/ when it is missing or older than source/ (vitest run without `pretest`). */
function ensureBuilt(): void {
	const built = join(root, 'dist', 'ui', 'dashboard.js');
	if (existsSync(built) && existsSync(cliPath) && statSync(built).mtimeMs >= newestMtime(join(root, 'source'))) return;
	execFileSync('npm', ['run', 'build'], {cwd: root, stdio: 'ignore'});
}

function quote(text: string): string {
	return `'${text.replaceAll("'", "'\\''")}'`;
}

let sessions = 0;

class Pane {
	readonly socket = `sms-dash-e2e-${process.pid}-${++sessions}`;
	readonly dir = tempDir();
	readonly codeFile = join(this.dir, 'code');
	private readonly env: NodeJS.ProcessEnv;

	constructor() {
		const env = {...process.env};
		delete env['CI'];
		delete env['FORCE_COLOR'];
		delete env['NODE_ENV'];
		delete env['TMUX'];
		this.env = env;
	}

	/** Runs the CLI in a new pane; the wrapper writes its exit code to codeFile. */
	start(args: string[], {columns = 100, rows = 30, env = ''} = {}): void {
		const command = `cd ${quote(root)} && env -u CI -u FORCE_COLOR -u NODE_ENV ${env} node dist/cli.js ${args.map(quote).join(' ')}; echo $? > ${quote(this.codeFile)}; sleep 30`;
		// The shell stays a while (and remain-on-exit after it) so the screen can be read
		// after the CLI ends; afterEach kills the server.
		this.tmux('start-server', ';', 'set-option', '-g', 'remain-on-exit', 'on', ';', 'new-session', '-d', '-x', String(columns), '-y', String(rows), '-s', 'dash', command);
	}

	tmux(...args: string[]): string {
		return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], {encoding: 'utf8', env: this.env});
	}

	/** The screen as text (with escapes: colours and attributes too). */
	screen(withEscapes = false): string {
		return this.tmux('capture-pane', '-p', ...(withEscapes ? ['-e'] : []), '-t', 'dash');
	}

	/** The screen and what scrolled off it. */
	history(): string {
		return this.tmux('capture-pane', '-p', '-S', '-500', '-t', 'dash');
	}

	keys(...keys: string[]): void {
		this.tmux('send-keys', '-t', 'dash', ...keys);
	}

	resize(columns: number, rows: number): void {
		this.tmux('resize-window', '-t', 'dash', '-x', String(columns), '-y', String(rows));
	}

	/** Polls the screen until `check` holds; fails with the last screen at the deadline. */
	async waitFor(what: string, check: (screen: string) => boolean, timeoutMs = 5000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		let screen = '';
		for (;;) {
			screen = this.screen();
			if (check(screen)) return screen;
			if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen:\n${screen}`);
			await new Promise(resolve => setTimeout(resolve, 50));
		}
	}

	async exitCode(timeoutMs = 5000): Promise<number> {
		const deadline = Date.now() + timeoutMs;
		while (!existsSync(this.codeFile) || readFileSync(this.codeFile, 'utf8').trim() === '') {
			if (Date.now() > deadline) throw new Error(`the CLI did not exit; the screen:\n${this.screen()}`);
			await new Promise(resolve => setTimeout(resolve, 50));
		}

		return Number(readFileSync(this.codeFile, 'utf8').trim());
	}

	kill(): void {
		try {
			this.tmux('kill-server');
		} catch {
			// Already gone.
		}
	}
}

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

describe.skipIf(!hasTmux)('sms-dash dashboard in a terminal (tmux)', () => {
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
		await p.waitFor('a fourth sender', s => s.includes('4 senders') && /#4 /.test(s));
		p.keys('x');
		await p.waitFor('back to three senders', s => s.includes('3 senders') && !/#1 /.test(s));

		p.keys('?');
		await p.waitFor('help', s => s.includes('sms-dash keys') && s.includes('add a sender'));
		p.keys('Escape');
		await p.waitFor('the dashboard again', s => s.includes('produced') && !s.includes('sms-dash keys'));

		p.keys('q');
		expect(await p.exitCode()).toBe(0);
		const after = await p.waitFor('the summary', s => s.includes('Summary'));
		expect(after).toMatch(/^Summary \(interrupted\)$/m);
		expect(after).toMatch(/senders\s+4/);
		// Ink unmounted first: the cursor it hid is visible again.
		expect(p.tmux('display-message', '-p', '-t', 'dash', '#{cursor_flag} #{pane_dead}').trim()).toBe('1 0');
		const summary = JSON.parse(readFileSync(report, 'utf8')) as {senders: Array<{id: number; removed?: boolean}>; interrupted: boolean};
		expect(summary.senders.map(s => s.id)).toEqual([1, 2, 3, 4]);
		expect(summary.senders.filter(s => !s.removed).map(s => s.id)).toEqual([2, 3, 4]);
		expect(summary.interrupted).toBe(true);
	}, 20_000);

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
	}, 20_000);

	it('SIGTERM exits 130 after the summary and --report', async () => {
		const p = pane();
		const report = join(p.dir, 'report.json');
		p.start(['-m', '200000', '-s', '2', '--seed', '4', '--report', report]);
		await p.waitFor('the dashboard', s => s.includes('2 senders'));
		const shellPid = p.tmux('display-message', '-p', '-t', 'dash', '#{pane_pid}').trim();
		const nodePid = Number(execFileSync('pgrep', ['-P', shellPid], {encoding: 'utf8'}).trim().split('\n')[0]);
		process.kill(nodePid, 'SIGTERM');
		expect(await p.exitCode()).toBe(130);
		expect(p.history()).toMatch(/^Summary \(interrupted\)$/m);
		expect(JSON.parse(readFileSync(report, 'utf8')).senders).toHaveLength(2);
	}, 20_000);

	it('--exit-on-done closes by itself with 0 and prints the summary', async () => {
		const p = pane();
		p.start(['-m', '300', '-s', '4', '--seed', '3', '--speed', 'max', '--exit-on-done']);
		expect(await p.exitCode()).toBe(0);
		const screen = await p.waitFor('the summary', s => s.includes('Summary'));
		expect(screen).toContain('300 produced');
		expect(screen).not.toContain('Summary (interrupted)');
	}, 20_000);
});
