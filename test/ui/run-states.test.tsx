// What a newcomer reads in each state of a run (issue 20): wide screens, paused, done,
// removed senders, a slow --interval, a fast clock, live rules, help with the totals.
import {Text} from 'ink';
import {render} from 'ink-testing-library';
import {describe, expect, test} from 'vitest';
import {formatCount, formatPercent} from '../../source/format.js';
import {clearScreen, useTerminalSize} from '../../source/ui/use-terminal-size.js';
import {dashPerTest, flush, lines, type Dash} from '../helpers/render-dash.js';
import {shownItems} from '../helpers/shown.js';

const open = dashPerTest({start: true});

/** The failed figure as the totals must show it whole: "✗ 7,512 (50.1%)". */
function failedFigure(d: Dash): string {
	const {snap} = d.store.getState();
	return `✗ ${formatCount(snap.failed)} (${formatPercent(snap.failed, snap.sent + snap.failed)})`;
}

/** The labelled figure in the totals ("sent  1,234" → 1234). */
function figure(frame: string, label: string): number {
	const match = new RegExp(`${label}\\s+([\\d,]+)`).exec(frame);
	return match === null ? Number.NaN : Number(match[1]!.replaceAll(',', ''));
}

describe('a wider screen never shows less', () => {
	test('the failed figure is whole at every width from 40 to 200 columns', async () => {
		const d = await open({messages: 50_000, senders: 5, spec: {meanMs: 1, failureRate: 0.5}, rows: 40, columns: 80});
		await d.advance(3000);
		const whole = failedFigure(d);
		expect(whole.length).toBeGreaterThan(13);
		for (const columns of [40, 60, 80, 100, 106, 110, 120, 140, 160, 200]) {
			await d.resize(columns, 40);
			expect(d.frame(), `${columns} columns`).toContain(whole);
			for (const line of lines(d.frame())) expect(line.length, line).toBeLessThanOrEqual(columns);
		}
	});

	test('80×24, 100×30, 120×40, 160×50: each shows all that the one before it shows', async () => {
		const d = await open({messages: 50_000, senders: 12, spec: {meanMs: 1, failureRate: 0.5}, thresholds: ['failed<10%', 'p95<250ms'], columns: 80, rows: 24});
		await d.advance(3000);
		const labels = ['produced', 'queued', 'in flight', 'resting', 'sent', 'failed', 'avg/msg', 'e2e avg', 'rate now', 'ETA', 'failed<10%', 'p95<250ms'];
		const seen = (frame: string): Set<string> => shownItems(lines(frame), labels, frame.includes(failedFigure(d)));

		let before: {size: string; shown: Set<string>} | undefined;
		for (const [columns, rows] of [[80, 24], [100, 30], [120, 40], [160, 50]] as const) {
			await d.resize(columns, rows);
			const shown = seen(d.frame());
			const size = `${columns}×${rows}`;
			expect(shown.size, size).toBeGreaterThan(20);
			if (before !== undefined) {
				const lost = [...before.shown].filter(item => !shown.has(item) && item !== 'footer ? more keys');
				expect(lost, `${before.size} → ${size}`).toEqual([]);
			}

			before = {size, shown};
		}

		// The widest shows every key and every sender.
		expect(before!.shown.has('footer ? help')).toBe(true);
		expect([...before!.shown].filter(item => item.startsWith('row '))).toHaveLength(12);
	});

	test('at 120×40 every total is shown, on fewer lines than at 80', async () => {
		const d = await open({messages: 50_000, senders: 5, spec: {meanMs: 1, failureRate: 0.5}, columns: 120, rows: 40});
		await d.advance(3000);
		const text = d.frame();
		for (const label of ['produced', 'queued', 'in flight', 'resting', 'sent', 'failed', 'avg/msg', 'e2e avg', 'rate now', 'ETA']) {
			expect(text).toContain(label);
		}

		expect(text).toContain(failedFigure(d));
		const totalsLines = lines(text).slice(1, 5);
		expect(totalsLines.filter(line => /produced|sent|rate now/.test(line))).toHaveLength(3);
	});
});

describe('paused is wholly paused', () => {
	test('rows, ETA and footer say so, and the wall clock goes on', async () => {
		const d = await open();
		await d.advance(2000);
		await d.press(' ');
		const paused = d.frame();
		expect(lines(paused)[0]).toContain('‖ paused');
		const rows = lines(paused).filter(line => /#\d/.test(line));
		expect(rows).toHaveLength(3);
		for (const row of rows) expect(row).toMatch(/ paused /);
		expect(paused).not.toMatch(/sending/);
		expect(paused).toMatch(/ETA\s+paused/);
		expect(paused).toContain('space resume');
		expect(paused).not.toContain('space pause');
		await d.advance(3000);
		const later = lines(d.frame())[0]!;
		expect(later).toContain('sim 2.0s');
		expect(later).toContain('wall 5.0s');
		await d.press(' ');
		expect(d.frame()).toMatch(/sending/);
		expect(d.frame()).toContain('space pause');
		expect(d.frame()).not.toMatch(/ETA\s+paused/);
	});

	test('once done the footer offers no pause, and n comes into view', async () => {
		const d = await open({messages: 30});
		await d.advance(5000);
		const text = d.frame();
		expect(lines(text)[0]).toContain('✓ done');
		expect(text).not.toContain('space');
		expect(text).toContain('n more');
		// Nor does space pause unseen: more messages then go out at once.
		await d.press(' ', 'n');
		expect(d.store.getState().run.isPaused).toBe(false);
		await d.advance(2000);
		expect(d.store.getState().snap.sent + d.store.getState().snap.failed).toBeGreaterThan(30);
		expect(lines(d.frame())[0]).toContain('running');
	});
});

describe('live rules cannot mislead', () => {
	test('while running a rule is judged "so far" on the finished messages, the share the totals show', async () => {
		const d = await open({spec: {failureRate: 0.3}, thresholds: ['failed<10%']});
		await d.advance(3000);
		const text = d.frame();
		const match = /✗ failed<10% FAIL so far \((\d+\.\d)% of finished\)/.exec(text);
		expect(match, text).not.toBeNull();
		const {snap} = d.store.getState();
		expect(`${match![1]}%`).toBe(formatPercent(snap.failed, snap.sent + snap.failed));
		expect(text).toContain(`(${match![1]}%)`);
	});

	test('once done it is the final verdict, on the produced messages as the summary says', async () => {
		const d = await open({messages: 40, spec: {failureRate: 0.3}, thresholds: ['failed<10%', 'p95<10s']});
		await d.advance(10_000);
		const text = d.frame();
		expect(lines(text)[0]).toContain('✓ done');
		expect(text).toMatch(/✗ failed<10% FAIL \(\d+\.\d% of produced\)/);
		expect(text).toMatch(/✓ p95<10s pass \(/);
		expect(text).not.toContain('so far');
	});
});

describe('removed senders still count', () => {
	test('a removed line keeps their figures, so rows and it add up to the totals', async () => {
		const d = await open({messages: 2000});
		await d.advance(2000);
		await d.press('j', 'x');
		await d.advance(1000);
		const text = d.frame();
		expect(lines(text)[0]).toContain('2 senders');
		const removed = lines(text).find(line => line.includes('1 removed'));
		expect(removed, text).toBeDefined();
		const rowFigures = (line: string) => {
			const match = /(\d[\d,]*)\s+(?:✗ (\d[\d,]*)|0)\s*[▁▂▃▄▅▆▇█]*$/.exec(line)!;
			return {sent: Number(match[1]!.replaceAll(',', '')), failed: Number((match[2] ?? '0').replaceAll(',', ''))};
		};

		const rows = [...lines(text).filter(line => /^[› ] #\d/.test(line)), removed!].map(rowFigures);
		expect(rows).toHaveLength(3);
		expect(rows[2]!.sent).toBeGreaterThan(0);
		expect(rows.reduce((sum, row) => sum + row.sent, 0)).toBe(figure(text, 'sent'));
		const {snap} = d.store.getState();
		expect(rows.reduce((sum, row) => sum + row.failed, 0)).toBe(snap.failed);
	});

	test('with every sender removed the line stays under "no senders"', async () => {
		const d = await open({messages: 200});
		await d.advance(1000);
		await d.press('x', 'x', 'x');
		expect(d.frame()).toContain('no senders: press a to add one');
		expect(d.frame()).toMatch(/3 removed\s+[\d,]+/);
	});
});

describe('time that says what it is', () => {
	test('with -i 5 the clock and counters move between monitor lines', async () => {
		const d = await open({intervalMs: 5000});
		await d.advance(2000);
		const text = d.frame();
		expect(lines(text)[0]).toMatch(/sim [12]\.\ds/);
		expect(figure(text, 'sent')).toBeGreaterThan(0);
	});

	test('at a speed other than 1× the ETA says it is simulated time', async () => {
		const d = await open({speed: 60, messages: 100_000});
		await d.advance(500);
		expect(d.frame()).toMatch(/ETA \(sim\)\s+\d/);
	});

	test('at 1× simulated and wall time are one: the ETA is plain', async () => {
		const d = await open({messages: 100_000});
		await d.advance(1500);
		expect(d.frame()).toMatch(/ETA\s+\d/);
		expect(d.frame()).not.toContain('(sim)');
	});
});

describe('keys', () => {
	test('a selects the sender it added', async () => {
		const d = await open();
		await d.press('a');
		expect(d.frame()).toMatch(/› #4 /);
		await d.press('+');
		expect(d.frame()).toMatch(/› #4\s+gamma\s+80\.0ms/);
	});

	test('help leaves the totals in view where the screen has room for both', async () => {
		const d = await open({columns: 120, rows: 40});
		await d.advance(2000);
		await d.press('?');
		const text = d.frame();
		expect(text).toContain('sms-dash keys');
		expect(text).toContain('add a sender');
		expect(text).toMatch(/sent\s+\d/);
		expect(text).toContain('finished');
		expect(lines(text).length).toBeLessThan(40);
	});
});

describe('a shrink clears the screen', () => {
	test('on a terminal, narrower or shorter clears before the next frame; wider does not', async () => {
		function Probe() {
			const {columns, rows} = useTerminalSize();
			return <Text>{`${columns}x${rows}`}</Text>;
		}

		const ink = render(<Probe />);
		Object.defineProperty(ink.stdout, 'isTTY', {value: true, configurable: true});
		const size = {columns: 120, rows: 40};
		Object.defineProperty(ink.stdout, 'columns', {get: () => size.columns, configurable: true});
		Object.defineProperty(ink.stdout, 'rows', {get: () => size.rows, configurable: true});
		const resize = async (columns: number, rows: number) => {
			size.columns = columns;
			size.rows = rows;
			ink.stdout.emit('resize');
			await flush();
		};

		const clears = () => ink.frames.filter(frame => frame === clearScreen).length;
		await resize(120, 40);
		expect(clears()).toBe(0);
		await resize(80, 40);
		expect(clears()).toBe(1);
		expect(ink.lastFrame()).toBe('80x40');
		await resize(80, 24);
		expect(clears()).toBe(2);
		await resize(100, 30);
		expect(clears()).toBe(2);
		expect(ink.lastFrame()).toBe('100x30');
		ink.unmount();
	});
});

describe('Ctrl+L redraws', () => {
	// Ink's write puts the last frame back after it; the test renderer (Ink's debug mode)
	// does not keep one, so the redrawn screen is checked in tmux (test/e2e/dashboard.test.ts).
	test('it clears the terminal, changes nothing, and works in help too', async () => {
		const d = await open();
		await d.advance(2000);
		const clears = () => d.writes().filter(write => write === clearScreen).length;
		expect(clears()).toBe(0);
		await d.press('\f');
		expect(clears()).toBe(1);
		expect(d.store.getState().run.isPaused).toBe(false);
		await d.press('?', '\f');
		expect(clears()).toBe(2);
		expect(d.store.getState().ui.isHelpOpen).toBe(true);
		expect(d.run.engine.actions).toEqual([]);
	});
});

describe('the removed line never cuts its sums', () => {
	test('sums wider than any running sender widen the columns', async () => {
		const d = await open({messages: 20_000, senders: 6, spec: {meanMs: 1, failureRate: 0.5}});
		await d.advance(1000);
		await d.press('x', 'x', 'x', 'x', 'x');
		const text = d.frame();
		const removed = lines(text).find(line => line.includes('5 removed'))!;
		const {snap} = d.store.getState();
		const gone = snap.senders.filter(s => s.state === 'removed');
		const failed = gone.reduce((sum, s) => sum + s.failed, 0);
		expect(failed).toBeGreaterThan(999);
		expect(removed).toContain(`✗ ${formatCount(failed)}`);
		expect(removed).toContain(formatCount(gone.reduce((sum, s) => sum + s.sent, 0)));
		expect(removed).not.toContain('…');
	});
});
