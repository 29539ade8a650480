// Runs the built binary (dist/cli.js, made by `pretest`) as a user would, headless.
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const cliPath = join(root, 'dist', 'cli.js');

export interface CliResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

export function tempDir(): string {
	return mkdtempSync(join(tmpdir(), 'sms-dash-'));
}

/** Starts the CLI with no stdin; `onStart` may signal it. */
export function runCli(args: string[], options: {env?: Record<string, string>; onStart?: (child: ChildProcess) => void} = {}): Promise<CliResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [cliPath, ...args], {
			cwd: root,
			env: {...process.env, CI: 'true', ...options.env},
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', chunk => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', chunk => (stderr += chunk));
		child.on('error', reject);
		child.on('close', (code, signal) => resolve({code, signal, stdout, stderr}));
		options.onStart?.(child);
	});
}

/** An `onStart` that sends SIGINT once the run has visibly started: `lines` lines on stdout. */
export function interruptAfterLines(lines: number): (child: ChildProcess) => void {
	return child => {
		let seen = 0;
		child.stdout!.on('data', (chunk: Buffer) => {
			seen += String(chunk).split('\n').length - 1;
			if (seen >= lines && child.signalCode === null && !child.killed) child.kill('SIGINT');
		});
	};
}

/** Every stdout line parsed as JSON. */
export function jsonLines(stdout: string): Array<Record<string, any>> {
	return stdout
		.trimEnd()
		.split('\n')
		.filter(line => line !== '')
		.map(line => JSON.parse(line) as Record<string, any>);
}
