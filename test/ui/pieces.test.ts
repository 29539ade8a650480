// The dashboard's pure pieces: layout budgets, windows, columns, bars, sparklines,
// the key table's footer/help/dispatch and the theme.
import {stripVTControlCharacters} from 'node:util';
import chalk from 'chalk';
import type {Key} from 'ink';
import {describe, expect, test, vi} from 'vitest';
import type {SenderSnapshot} from '../../source/engine/types.js';
import type {DashActions} from '../../source/store.js';
import {parseThreshold} from '../../source/thresholds.js';
import {headerParts, runStatus} from '../../source/ui/header.js';
import {helpLines} from '../../source/ui/help-overlay.js';
import {dispatch, footerText, keymap, keyNames, type KeyContext} from '../../source/ui/keymap.js';
import {planLayout} from '../../source/ui/layout.js';
import {listWindow, moreText} from '../../source/ui/sender-list.js';
import {cellText, columnFigures, headerText, planColumns, rowText} from '../../source/ui/sender-row.js';
import {stateText} from '../../source/ui/sender-state.js';
import {sparklineText} from '../../source/ui/sparkline.js';
import {cut, fit, fitByRank, formatRatePercent} from '../../source/ui/text.js';
import {createTheme, isNoColor} from '../../source/ui/theme.js';
import {formatActual as actualText} from '../../source/thresholds.js';
import {barParts, totalsGrid, totalsNaturalLines, visibleCells, type TotalsCell} from '../../source/ui/totals.js';
import {senderSnap} from '../helpers/snapshots.js';

const noKey: Key = {
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageDown: false,
	pageUp: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	ctrl: false,
	shift: false,
	tab: false,
	backspace: false,
	delete: false,
	meta: false,
	super: false,
	hyper: false,
	capsLock: false,
	numLock: false,
};

const sender = (overrides: Partial<SenderSnapshot> = {}): SenderSnapshot => senderSnap(1, overrides);

describe('text', () => {
	test('fit pads and cuts with an ellipsis', () => {
		expect(fit('ab', 4)).toBe('ab  ');
		expect(fit('ab', 4, 'right')).toBe('  ab');
		expect(fit('abcdef', 4)).toBe('abc…');
		expect(fit('abc', 0)).toBe('');
		expect(cut('abcdef', 3)).toBe('abc');
	});

	test('failure rates read as percentages', () => {
		expect(formatRatePercent(0.1)).toBe('10%');
		expect(formatRatePercent(0.125)).toBe('12.5%');
		expect(formatRatePercent(1)).toBe('100%');
	});
});

describe('sparkline', () => {
	test('scales to the max and marks zero with the lowest block', () => {
		expect(sparklineText([0, 1, 2, 4, 7], 5)).toBe('▁▂▃▅█');
		// Ticks not seen yet are none: the line is its full width from the start.
		expect(sparklineText([], 4)).toBe('▁▁▁▁');
		expect(sparklineText([0, 0], 2)).toBe('▁▁');
	});

	test('keeps the newest values and pads on the left', () => {
		expect(sparklineText([7, 7, 7, 7], 2)).toBe('██');
		expect(sparklineText([7], 3)).toBe('▁▁█');
	});

	test('a shared scale makes a slower sender lower', () => {
		expect(sparklineText([5], 1, 10)).toBe('▅');
	});
});

describe('progress bar', () => {
	test('fills whole and partial blocks and is always the width asked', () => {
		expect(barParts(0, 8)).toEqual({filled: '', empty: '░'.repeat(8)});
		expect(barParts(1, 8)).toEqual({filled: '█'.repeat(8), empty: ''});
		expect(barParts(0.5, 8)).toEqual({filled: '████', empty: '░░░░'});
		const {filled, empty} = barParts(0.33, 10);
		expect(filled).toBe('███▎');
		expect(filled.length + empty.length).toBe(10);
		expect(barParts(Number.NaN, 4).empty).toBe('░░░░');
	});
});

describe('layout', () => {
	const base = {totalsLines: 4, thresholdLines: 0, hasNote: false};

	test('the frame is always shorter than the terminal', () => {
		for (const rows of [2, 3, 4, 5, 6, 7, 8, 10, 12, 24, 40]) {
			for (const senderCount of [0, 1, 3, 50, 1000]) {
				for (const thresholdLines of [0, 1, 3]) {
					const layout = planLayout({...base, rows, senderCount, thresholdLines, hasNote: true});
					const used =
						1 +
						layout.totalsLines +
						layout.barLines +
						layout.thresholdLines +
						layout.noteLines +
						layout.spacerLines +
						layout.listLines +
						layout.footerLines;
					expect(used, `${rows} rows, ${senderCount} senders`).toBeLessThan(rows);
					expect(used, `${rows} rows, ${senderCount} senders: every line used`).toBeGreaterThanOrEqual(Math.min(rows - 1, 5));
				}
			}
		}
	});

	test('a terminal of a few rows keeps the header, then the selected sender, the bar and a line of totals', () => {
		const shown = (rows: number) => {
			const layout = planLayout({...base, rows, senderCount: 10});
			return [layout.listLines, layout.barLines, layout.totalsLines, layout.footerLines];
		};

		expect(shown(2)).toEqual([0, 0, 0, 0]);
		expect(shown(3)).toEqual([1, 0, 0, 0]);
		expect(shown(4)).toEqual([1, 1, 0, 0]);
		expect(shown(5)).toEqual([1, 1, 1, 0]);
		expect(shown(6)).toEqual([1, 1, 1, 1]);
	});

	test('80×24 with 3 senders shows everything with a spacer, and a spare line for removed senders', () => {
		expect(planLayout({...base, rows: 24, senderCount: 3})).toEqual({
			maxLines: 23,
			totalsLines: 4,
			thresholdLines: 0,
			noteLines: 0,
			spacerLines: 1,
			listLines: 5,
			barLines: 1,
			footerLines: 1,
		});
	});

	test('1000 senders take the rest of the screen', () => {
		const layout = planLayout({...base, rows: 24, senderCount: 1000});
		expect(layout.spacerLines).toBe(0);
		expect(layout.listLines).toBe(23 - 3 - 4);
	});

	test('a small terminal keeps two sender rows and trims the totals', () => {
		const layout = planLayout({...base, totalsLines: 5, rows: 10, senderCount: 1000});
		expect(layout.listLines).toBe(4);
		expect(layout.totalsLines).toBe(2);
	});
});

describe('sender list window', () => {
	test('everything fits: no more line', () => {
		expect(listWindow(3, 0, 10)).toEqual({start: 0, count: 3, showHeader: true, above: 0, below: 0});
	});

	test('the window follows the selection and counts the hidden rows', () => {
		expect(listWindow(1000, 0, 10)).toEqual({start: 0, count: 8, showHeader: true, above: 0, below: 992});
		expect(listWindow(1000, 500, 10)).toEqual({start: 496, count: 8, showHeader: true, above: 496, below: 496});
		expect(listWindow(1000, 999, 10)).toEqual({start: 992, count: 8, showHeader: true, above: 992, below: 0});
	});

	test('one line shows the selected row alone', () => {
		expect(listWindow(5, 3, 1)).toEqual({start: 3, count: 1, showHeader: false, above: 3, below: 1});
	});

	test('the more line names both directions', () => {
		expect(moreText(3, 996)).toBe('↑ 3 more above · ↓ 996 more below');
		expect(moreText(0, 1)).toBe('↓ 1 more below');
		expect(moreText(0, 0)).toBe('');
	});
});

describe('sender columns', () => {
	const figures = columnFigures([sender({id: 12, sent: 1234, failed: 56})]);

	test('wide terminals show every column, the sparkline at full length', () => {
		const plan = planColumns(140, figures);
		expect(plan.map(c => c.id)).toEqual(['id', 'dist', 'mean', 'obs', 'p95', 'fail', 'state', 'sent', 'failed', 'flight', 'spark']);
		expect(plan.at(-1)!.width).toBe(24);
	});

	test('narrow terminals keep the most useful columns, never wider than the screen', () => {
		for (const columns of [30, 40, 60, 80, 100]) {
			const width = headerText(planColumns(columns, figures)).length;
			expect(width, `${columns} columns`).toBeLessThanOrEqual(columns);
		}

		expect(planColumns(40, figures).map(c => c.id)).toEqual(['id', 'fail', 'state', 'sent', 'failed']);
		expect(planColumns(80, figures).map(c => c.id)).toContain('spark');
	});

	test('counts are never cut: columns widen with the figures', () => {
		const big = columnFigures([sender({id: 1234, sent: 12_345_678, failed: 1_234_567})]);
		const plan = planColumns(200, big);
		expect(plan.find(c => c.id === 'sent')!.width).toBe('12,345,678'.length);
		expect(plan.find(c => c.id === 'failed')!.width).toBe('✗ 1,234,567'.length);
		expect(plan.find(c => c.id === 'id')!.width).toBe('#1234'.length);
	});

	test('cells say what a figure is, with "–" before it exists', () => {
		const s = sender({failed: 3, observedMeanMs: 97.25, p95Ms: undefined, spec: {meanMs: 50, failureRate: 0.2, distribution: 'exponential'}});
		expect(cellText('dist', s)).toBe('expon');
		expect(cellText('mean', s)).toBe('50.0ms');
		expect(cellText('obs', s)).toBe('97.3ms');
		expect(cellText('p95', s)).toBe('–');
		expect(cellText('fail', s)).toBe('20%');
		expect(cellText('failed', s)).toBe('✗ 3');
		expect(cellText('failed', sender())).toBe('0');
	});

	test('an SMPP bind: its state, receipts pending and throttled in the state cell, no simulated settings', () => {
		const bound = sender({throttled: 3, bind: {state: 'bound', receiptsPending: 1234}});
		expect(stateText(bound)).toBe('bound 1,234 rcpt 3 thr');
		expect(stateText(sender({bind: {state: 'bound', receiptsPending: 0}}))).toBe('bound');
		expect(stateText(sender({bind: {state: 'reconnecting', receiptsPending: 7}}))).toBe('reconnecting');
		expect(stateText(sender({bind: {state: 'binding', receiptsPending: 0}}))).toBe('binding');
		expect(stateText(sender({state: 'removed', bind: {state: 'closed', receiptsPending: 0}}))).toBe('removed');
		for (const id of ['dist', 'mean', 'fail'] as const) expect(cellText(id, bound)).toBe('–');
		const plan = planColumns(140, columnFigures([bound]));
		expect(plan.find(c => c.id === 'state')!.width).toBeGreaterThanOrEqual('bound 1,234 rcpt 3 thr'.length);
		expect(planColumns(140, columnFigures([sender()])).find(c => c.id === 'state')!.width).toBe(13);
	});

	test('a row is one line as wide as its header, coloured per column only when colours are on', () => {
		const plan = planColumns(100, figures);
		const s = sender({id: 12, sent: 1234, failed: 56});
		const plain = rowText(s, plan, false, [1, 2, 3], 3, createTheme({NO_COLOR: '1'}));
		expect(plain).not.toContain('\u001B');
		expect(plain.length).toBe(headerText(plan).length);
		expect(plain.startsWith('  #12 ')).toBe(true);
		expect(rowText(s, plan, true, [], 0, createTheme({NO_COLOR: '1'})).startsWith('› #12 ')).toBe(true);
		const level = chalk.level;
		chalk.level = 1;
		try {
			const coloured = rowText(s, plan, false, [1, 2, 3], 3, createTheme({}));
			expect(coloured).toMatch(/\u001B\[31m *✗ 56\u001B\[39m/);
			expect(coloured).toContain('\u001B[32m');
			expect(stripVTControlCharacters(coloured)).toBe(plain);
		} finally {
			chalk.level = level;
		}
	});

	test('a resting sender counts down in words', () => {
		expect(stateText(sender({state: 'resting', restLeftMs: 4240}))).toBe('resting 4.2s');
		expect(stateText(sender({state: 'resting', restLeftMs: 59_150}))).toBe('resting 59s');
		expect(stateText(sender({state: 'resting', restLeftMs: 125_000}))).toBe('resting 2m05s');
		expect(stateText(sender({state: 'resting', restLeftMs: 3_720_000}))).toBe('resting 1h02m');
		expect(stateText(sender({state: 'idle'}))).toBe('idle');
	});

	test('paused says paused; a gone sender (broker) says gone whatever else holds', () => {
		expect(stateText(sender({state: 'sending'}), true)).toBe('paused');
		expect(stateText(sender({state: 'resting', restLeftMs: 4240}), true)).toBe('paused');
		expect(stateText(sender({state: 'removed', isGone: true}))).toBe('gone');
		expect(stateText(sender({state: 'removed', isGone: true}), true)).toBe('gone');
		expect(stateText(sender({state: 'removed'}), true)).toBe('removed');
	});

	test('where a sender runs: this process or host/pid, in a column only when some sender says', () => {
		const here = sender({where: {host: 'vm', pid: 1, isHere: true}});
		const far = sender({id: 2, where: {host: 'box', pid: 4242, isHere: false}});
		expect(cellText('where', here)).toBe('this process');
		expect(cellText('where', far)).toBe('box/4242');
		expect(columnFigures([here, far]).whereWidth).toBe('this process'.length);
		expect(planColumns(120, columnFigures([here, far])).map(c => c.id)).toContain('where');
		expect(columnFigures([sender()]).whereWidth).toBe(0);
		expect(planColumns(120, columnFigures([sender()])).map(c => c.id)).not.toContain('where');
	});
});

describe('totals grid', () => {
	test('cells per line follow the width', () => {
		expect(totalsGrid(80).perLine).toBe(3);
		expect(totalsGrid(40).perLine).toBe(2);
		expect(totalsGrid(40).isCompact).toBe(true);
		expect(totalsNaturalLines(80)).toBe(4);
		expect(totalsNaturalLines(130)).toBe(2);
	});

	test('short of lines, the highest-ranked cells stay, in display order', () => {
		const cells: TotalsCell[] = ['a', 'b', 'c', 'd'].map((id, index) => ({
			id,
			label: id,
			short: id,
			value: '1',
			rank: 4 - index,
			tone: 'plain',
		}));
		expect(visibleCells(cells, 2, 1).map(c => c.id)).toEqual(['c', 'd']);
		expect(visibleCells(cells, 2, 2).map(c => c.id)).toEqual(['a', 'b', 'c', 'd']);
	});
});

describe('header', () => {
	test('state in words, done first', () => {
		const run = {isPaused: false, isDone: false, isStalled: false, speed: 1, wallElapsedMs: 0, canChangeSpeed: true, canTuneSends: true};
		expect(runStatus(run)).toBe('running');
		expect(runStatus({...run, isPaused: true})).toBe('paused');
		expect(runStatus({...run, isStalled: true})).toBe('waiting');
		expect(runStatus({...run, isDone: true, isPaused: true})).toBe('done');
	});

	test('narrow terminals drop the least useful parts, not the state', () => {
		const parts = [
			{id: 'title', text: 'sms-dash', rank: 6},
			{id: 'state', text: '▶ running', rank: 0},
			{id: 'sim', text: 'sim 1.0s', rank: 1},
			{id: 'seed', text: 'seed 1', rank: 5},
		] as const;
		expect(headerParts([...parts], 20).map(p => p.id)).toEqual(['state', 'sim']);
		expect(headerParts([...parts], 80).map(p => p.id)).toEqual(['title', 'state', 'sim', 'seed']);
	});
});

describe('key table', () => {
	test('every key of DESIGN.md and STYLE.md is bound once', () => {
		const keys = keymap.flatMap(b => b.keys);
		expect(new Set(keys).size).toBe(keys.length);
		for (const key of ['a', 'd', 'x', 'up', 'down', 'k', 'j', 'g', 'G', '+', '=', '-', ']', '[', 'n', '>', '<', 'space', 'p', '?', 'escape', 'q', 'ctrl+c']) {
			expect(keys, key).toContain(key);
		}
	});

	test("Ink's keys become names; a typed chunk is one name per character", () => {
		expect(keyNames('', {...noKey, upArrow: true})).toEqual(['up']);
		expect(keyNames('c', {...noKey, ctrl: true})).toEqual(['ctrl+c']);
		expect(keyNames('l', {...noKey, ctrl: true})).toEqual(['ctrl+l']);
		expect(keyNames('', {...noKey, escape: true, meta: true})).toEqual(['escape']);
		expect(keyNames(' ', noKey)).toEqual(['space']);
		expect(keyNames('G', {...noKey, shift: true})).toEqual(['G']);
		expect(keyNames('ax', noKey)).toEqual(['a', 'x']);
		// Keys read in one chunk all count: two Ctrl+C, a key and Ctrl+C; Enter and Tab name none.
		expect(keyNames('\u0003\u0003', noKey)).toEqual(['ctrl+c', 'ctrl+c']);
		expect(keyNames('q\u0003', noKey)).toEqual(['q', 'ctrl+c']);
		expect(keyNames('a\r\tb\u007F', noKey)).toEqual(['a', 'b']);
		expect(keyNames('', {...noKey, return: true})).toEqual([]);
	});

	function context(): KeyContext & {calls: string[]} {
		const calls: string[] = [];
		const actions = new Proxy({} as DashActions, {
			get: (_, name) => (...args: unknown[]) => calls.push(`${String(name)}(${args.join(',')})`),
		});
		return {actions, exit: vi.fn((code: number) => calls.push(`exit(${code})`)), pageSize: 5, redraw: () => calls.push('redraw()'), calls};
	}

	test('dispatch calls the actions', () => {
		const c = context();
		for (const key of ['a', 'x', '+', '-', ']', '[', 'n', '>', '<', 'space', 'G', 'pagedown', 'pageup', 'ctrl+l', 'q', 'ctrl+c', 'z']) {
			dispatch(key, false, c);
		}

		expect(c.calls).toEqual([
			// `a` selects the sender it added: the last one.
			'addSender()',
			`select(${Number.MAX_SAFE_INTEGER})`,
			'removeSelected()',
			'scaleMean(0.8)',
			'scaleMean(1.25)',
			'changeFailureRate(0.05)',
			'changeFailureRate(-0.05)',
			'produceMore()',
			'faster()',
			'slower()',
			'togglePause()',
			`select(${Number.MAX_SAFE_INTEGER})`,
			'selectBy(5)',
			'selectBy(-5)',
			'redraw()',
			'exit(0)',
			'exit(130)',
		]);
	});

	test('help is a mode: only ?, Esc and q act, and q closes help', () => {
		const c = context();
		expect(dispatch('a', true, c)).toBe(false);
		expect(dispatch('j', true, c)).toBe(false);
		dispatch('q', true, c);
		dispatch('escape', true, c);
		dispatch('?', true, c);
		expect(c.calls).toEqual(['closeHelp()', 'closeHelp()', 'closeHelp()']);
	});

	test('the footer fits the width and ends with "? help  q quit", or "? more keys  q quit" when keys were left out', () => {
		for (const columns of [20, 40, 80, 120]) {
			const line = footerText(columns);
			expect(line.length).toBeLessThanOrEqual(columns);
			expect(line).toMatch(/\? (help|more keys) {2}q quit$/);
		}

		expect(footerText(40)).toBe('↑↓ select  a add  ? more keys  q quit');
		expect(footerText(80)).toBe('↑↓ select  a add  x remove  +/- faster/slower  space pause  ? more keys  q quit');
		const everything = '↑↓ select  a add  x remove  +/- faster/slower  [/] fail  n more  </> speed  space pause  ? help  q quit';
		expect(footerText(200)).toBe(everything);
		expect(footerText(everything.length)).toBe(everything);
		expect(footerText(10)).toBe('? more key');
	});

	test('the footer offers what space does now: resume while paused, nothing once done', () => {
		expect(footerText(200, {isPaused: true})).toContain('space resume');
		expect(footerText(200, {isPaused: true})).not.toContain('pause');
		expect(footerText(200, {isDone: true})).not.toContain('space');
		expect(footerText(200, {isDone: true, isPaused: true})).not.toContain('space');
		expect(footerText(200, {isDone: true})).toContain('n more');
	});

	test('+ and - are named by their effect on the sender, > and < by the clock', () => {
		const help = helpLines(200, 100).join('\n');
		expect(help).toMatch(/\+\/=\s+selected sender: faster \(mean send time ×0\.8\)/);
		expect(help).toMatch(/-\s+selected sender: slower \(mean send time ×1\.25\)/);
		expect(help).toMatch(/>\s+faster simulated clock/);
		expect(helpLines(40, 7).join('\n')).toContain('+/= sender faster');
	});

	test('on the wall clock (broker mode) help and footer leave out the speed keys', () => {
		expect(footerText(200, {canChangeSpeed: false})).toBe('↑↓ select  a add  x remove  +/- faster/slower  [/] fail  n more  space pause  ? help  q quit');
		const help = helpLines(200, 100, {canChangeSpeed: false}).join('\n');
		expect(help).not.toMatch(/simulated clock/);
		expect(helpLines(200, 100).join('\n')).toMatch(/faster simulated clock/);
		expect(help).toContain('pause / resume');
		expect(help).toContain('add a sender');
	});

	test('in SMPP mode (the SMSC decides send times and failures, on a wall clock) help and footer leave out + - ] [ and the speed keys', () => {
		const scope = {canChangeSpeed: false, canTuneSends: false};
		expect(footerText(200, scope)).toBe('↑↓ select  a add  x remove  n more  space pause  ? help  q quit');
		const help = helpLines(200, 100, scope).join('\n');
		for (const gone of ['mean send time', 'failure rate', 'simulated clock']) expect(help).not.toContain(gone);
		for (const kept of ['add a sender', 'pause / resume', 'smaller / larger window', 'lower / higher rate cap']) expect(help).toContain(kept);
		expect(helpLines(200, 100, {canTuneSends: false})).toHaveLength(keymap.filter(binding => binding.isSendKey !== true).length);
	});

	test('help shows every binding, in the form that fits', () => {
		const tall = helpLines(80, 30);
		expect(tall).toHaveLength(keymap.length);
		for (const binding of keymap) expect(tall.join('\n')).toContain(binding.help);
		const wide = helpLines(160, 12);
		expect(wide.length).toBeLessThanOrEqual(12);
		for (const binding of keymap) expect(wide.join('\n')).toContain(binding.help);
		const small = helpLines(40, 7);
		expect(small.length).toBeLessThanOrEqual(7);
		for (const line of small) expect(line.length).toBeLessThanOrEqual(40);
	});
});

describe('threshold values', () => {
	test('each in the unit of its rule', () => {
		const rule = (expr: string) => parseThreshold(expr);
		expect(actualText(rule('p95<250ms'), 180.25)).toBe('180.3ms');
		expect(actualText(rule('elapsed<10m'), 125_000)).toBe('2m05s');
		expect(actualText(rule('failed<5%'), 3.84)).toBe('3.8%');
		expect(actualText(rule('failed<=40'), 12)).toBe('12');
		expect(actualText(rule('throughput>400/s'), 412.34)).toBe('412.3/s');
		expect(actualText(rule('p95<250ms'), null)).toBe('–');
	});
});

describe('theme', () => {
	test('NO_COLOR (present and not empty) turns every colour off', () => {
		const plain = createTheme({NO_COLOR: '1'});
		expect(plain.isColor).toBe(false);
		for (const [name, value] of Object.entries(plain)) if (name !== 'isColor') expect(value, name).toBeUndefined();
		expect(createTheme({}).bad).toBe('red');
		expect(isNoColor({NO_COLOR: ''})).toBe(false);
	});
});

describe('fitByRank', () => {
	const items = [
		{id: 'a', width: 5, rank: 3},
		{id: 'b', width: 8, rank: 1},
		{id: 'c', width: 9, rank: 2},
		{id: 'd', width: 2, rank: 4},
	];
	const ids = (room: number, gap = 1, isPrefix = false) => fitByRank(items, room, item => item.width, gap, isPrefix).map(item => item.id);

	test('keeps the best-ranked items that fit, in their own order, a gap between kept ones', () => {
		expect(ids(100)).toEqual(['a', 'b', 'c', 'd']);
		expect(ids(8 + 1 + 9)).toEqual(['b', 'c']);
		expect(ids(8 + 1 + 9 + 1 + 5)).toEqual(['a', 'b', 'c']);
		expect(ids(7)).toEqual(['a']);
		expect(ids(7, 0)).toEqual(['a', 'd']);
		expect(ids(0)).toEqual([]);
	});

	test('a narrower item of a higher rank still fits, unless the choice is a prefix of the ranking', () => {
		expect(ids(8 + 1 + 5)).toEqual(['a', 'b']);
		expect(ids(8 + 1 + 5, 1, true)).toEqual(['b']);
		expect(ids(8 + 9 + 5 + 2, 0, true)).toEqual(['a', 'b', 'c', 'd']);
	});
});
