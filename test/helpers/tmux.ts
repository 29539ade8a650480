// The built dashboard in a real terminal: tmux runs dist/cli.js in a pane on its own server,
// send-keys types, capture-pane reads the screen. Waits poll the screen against a deadline,
// never a fixed sleep. CI, FORCE_COLOR and NODE_ENV are taken out of the child's environment:
// under CI the CLI goes headless, and the test runner sets the other two.
import {execFileSync} from 'node:child_process';
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {cliPath, root, tempDir} from './run-cli.js';

export const hasTmux = (() => {
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
export function ensureBuilt(): void {
	if (existsSync(cliPath) && statSync(cliPath).mtimeMs >= newestMtime(join(root, 'source'))) return;
	execFileSync('npm', ['run', 'build'], {cwd: root, stdio: 'ignore'});
}

function quote(text: string): string {
	return `'${text.replaceAll("'", "'\\''")}'`;
}

let sessions = 0;

export class Pane {
	readonly socket = `sms-dash-e2e-${process.pid}-${++sessions}`;
	readonly dir = tempDir();
	readonly codeFile = join(this.dir, 'code');
	private readonly env: NodeJS.ProcessEnv;

	constructor() {
		if (!hasTmux) throw new Error('the dashboard tests need tmux: apt-get install tmux (see .ci/run)');
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
		// after the CLI ends; kill() ends the server.
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

	/** The CLI's own process (the pane runs a shell around it). */
	cliPid(): number {
		const shellPid = this.tmux('display-message', '-p', '-t', 'dash', '#{pane_pid}').trim();
		return Number(execFileSync('pgrep', ['-P', shellPid], {encoding: 'utf8'}).trim().split('\n')[0]);
	}

	/**
	 * Polls the screen until `check` holds; fails with the last screen at the deadline (long
	 * enough for a busy machine: a wait ends as soon as the screen shows what it waits for).
	 */
	async waitFor(what: string, check: (screen: string) => boolean, timeoutMs = 15_000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		let screen = '';
		for (;;) {
			screen = this.screen();
			if (check(screen)) return screen;
			if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen:\n${screen}`);
			await new Promise(resolve => setTimeout(resolve, 50));
		}
	}

	async exitCode(timeoutMs = 15_000): Promise<number> {
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
