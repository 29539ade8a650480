// Which face a run shows, for every terminal and environment: source/mode.ts.
import {describe, expect, it} from 'vitest';
import {chooseMode, type ModeInput} from '../source/mode.js';
import {refusalOf} from './helpers/refusal.js';

const terminal: ModeInput = {isHeadlessFlag: false, isJson: false, stdoutIsTTY: true, stdinIsTTY: true, env: {TERM: 'xterm-256color'}};

describe('chooseMode', () => {
	it('draws the dashboard on a terminal, lines when either end is not one, under CI or TERM=dumb', () => {
		expect(chooseMode(terminal)).toBe('dashboard');
		expect(chooseMode({...terminal, stdoutIsTTY: false})).toBe('headless');
		expect(chooseMode({...terminal, stdinIsTTY: false})).toBe('headless');
		expect(chooseMode({...terminal, env: {TERM: 'dumb'}})).toBe('headless');
		expect(chooseMode({...terminal, env: {CI: 'true'}})).toBe('headless');
		expect(chooseMode({...terminal, env: {CI: '1'}})).toBe('headless');
		expect(chooseMode({...terminal, env: {CI: '0'}})).toBe('dashboard');
		expect(chooseMode({...terminal, env: {CI: 'false'}})).toBe('dashboard');
		expect(chooseMode({...terminal, isHeadlessFlag: true})).toBe('headless');
		expect(chooseMode({...terminal, isJson: true})).toBe('headless');
	});

	it('--no-headless draws the dashboard under CI', () => {
		expect(chooseMode({...terminal, isDashboardFlag: true, env: {CI: '1'}})).toBe('dashboard');
		expect(chooseMode({...terminal, isDashboardFlag: true, env: {CI: 'true', TERM: 'xterm'}})).toBe('dashboard');
	});

	it('--no-headless is refused, naming why, where no dashboard can be drawn', () => {
		const refusal = (input: Partial<ModeInput>) => refusalOf(() => chooseMode({...terminal, isDashboardFlag: true, ...input}));
		expect(refusal({stdoutIsTTY: false})).toBe('--no-headless needs a terminal, and stdout is not one');
		expect(refusal({stdinIsTTY: false, env: {CI: '1'}})).toBe('--no-headless needs a terminal, and stdin is not one');
		expect(refusal({env: {TERM: 'dumb'}})).toMatch(/^--no-headless .*TERM is dumb$/);
		expect(refusal({isJson: true})).toMatch(/^--no-headless cannot go with --json/);
	});
});
