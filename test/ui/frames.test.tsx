// What the dashboard shows: known frames (pinned widths), every state of the header,
// empty and full lists, 1000 senders, small terminals, resize, thresholds, NO_COLOR.
import {Text} from 'ink';
import {render} from 'ink-testing-library';
import {describe, expect, test} from 'vitest';
import {runningSenders} from '../../source/store.js';
import {useTerminalSize, type TerminalSize} from '../../source/ui/use-terminal-size.js';
import {dashPerTest, flush, KEY, lines, renderDash} from '../helpers/render-dash.js';

const open = dashPerTest();

/** The frame fits: fewer lines than rows, no line wider than the columns. */
function expectFits(frame: string, columns: number, rows: number): void {
	const frameLines = lines(frame);
	expect(frameLines.length, frame).toBeLessThan(rows);
	for (const line of frameLines) expect(line.length, line).toBeLessThanOrEqual(columns);
}

describe('known frames', () => {
	test('80×24 at the start: figures that do not exist yet are "–"', async () => {
		const {frame} = await open();
		expect(frame()).toMatchInlineSnapshot(`
			"sms-dash  ▶ running  sim 0.0s  wall 0.0s  speed 1×  seed 1  3 senders
			produced   1,000          queued     997            in flight  3
			resting    0              sent       0              failed     0
			avg/msg    –              e2e avg    –              rate now   –
			ETA        –
			░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░   0.0%  0/1,000 finished

			  #   dist       mean     obs     p95  fail state            sent failed sent/s
			› #1  gamma   100.0ms       –       –   10% sending             0      0 ▁▁▁▁▁▁▁
			  #2  gamma   100.0ms       –       –   10% sending             0      0 ▁▁▁▁▁▁▁
			  #3  gamma   100.0ms       –       –   10% sending             0      0 ▁▁▁▁▁▁▁
			↑↓ select  a add  x remove  +/- faster/slower  space pause  ? more keys  q quit"
		`);
	});

	test('80×24 after 3 s of a seeded run', async () => {
		const {frame, advance} = await open({start: true});
		await advance(3000);
		expect(frame()).toMatchInlineSnapshot(`
			"sms-dash  ▶ running  sim 3.0s  wall 3.0s  speed 1×  seed 1  3 senders
			produced   1,000          queued     914            in flight  3
			resting    0              sent       74             failed     ✗ 9 (10.8%)
			avg/msg    107.0ms        e2e avg    1.52s          rate now   27.7/s
			ETA        33.14s
			████▍░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░   8.3%  83/1,000 finished

			  #   dist       mean     obs     p95  fail state            sent failed sent/s
			› #1  gamma   100.0ms 109.2ms 224.0ms   10% sending            23    ✗ 4 ▁▁▁▁█▆▆
			  #2  gamma   100.0ms  99.6ms 224.0ms   10% sending            27    ✗ 3 ▁▁▁▁█▆█
			  #3  gamma   100.0ms 113.3ms 203.2ms   10% sending            24    ✗ 2 ▁▁▁▁▇▆█
			↑↓ select  a add  x remove  +/- faster/slower  space pause  ? more keys  q quit"
		`);
	});

	test('40×10 after 3 s', async () => {
		const {frame, advance} = await open({start: true, columns: 40, rows: 10});
		await advance(3000);
		expect(frame()).toMatchInlineSnapshot(`
			"▶ running  sim 3.0s  speed 1×  3 senders
			sent   74          failed ✗ 9 (10.8%)
			now    27.7/s      ETA    33.14s
			█▉░░░░░░░░░░░░░░░░░░░░░░   8.3% 83/1,000
			  #    fail state            sent failed
			› #1    10% sending            23    ✗ 4
			  #2    10% sending            27    ✗ 3
			  #3    10% sending            24    ✗ 2
			↑↓ select  a add  ? more keys  q quit"
		`);
		expectFits(frame(), 40, 10);
	});
});

describe('header', () => {
	test('running, with simulated and wall time, speed, seed and senders', async () => {
		const {frame, advance} = await open({start: true, seed: 42, speed: 2});
		await advance(1500);
		const header = lines(frame())[0]!;
		expect(header).toContain('▶ running');
		expect(header).toContain('sim 3.0s');
		expect(header).toContain('wall 1.5s');
		expect(header).toContain('speed 2×');
		expect(header).toContain('seed 42');
		expect(header).toContain('3 senders');
	});

	test('paused', async () => {
		const {frame, press} = await open({start: true});
		await press(' ');
		expect(lines(frame())[0]).toContain('‖ paused');
	});

	test('done: the header, the ETA and a full bar say so, and the dashboard stays', async () => {
		const {frame, advance, exits} = await open({start: true, messages: 30});
		await advance(5000);
		const text = frame();
		expect(lines(text)[0]).toContain('✓ done');
		expect(text).toMatch(/ETA\s+done/);
		expect(text).toContain('100.0%  30/30 finished');
		expect(text).toContain('█'.repeat(20));
		expect(exits).toEqual([]);
	});

	test('zero senders: waiting for senders, and the list says how to add one', async () => {
		const {frame} = await open({senders: 0});
		expect(lines(frame())[0]).toContain('! waiting for senders');
		expect(lines(frame())[0]).toContain('0 senders');
		expect(frame()).toContain('no senders: press a to add one');
	});

	test('max speed reads "max"', async () => {
		const {frame} = await open({speed: Number.POSITIVE_INFINITY});
		expect(lines(frame())[0]).toContain('speed max');
	});
});

describe('totals', () => {
	test('every figure is labelled, failures marked ✗ with their share', async () => {
		const {frame, advance, store} = await open({start: true});
		await advance(3000);
		const text = frame();
		for (const label of ['produced', 'queued', 'in flight', 'resting', 'sent', 'failed', 'avg/msg', 'e2e avg', 'rate now', 'ETA']) {
			expect(text).toContain(label);
		}

		const {snap} = store.getState();
		expect(text).toMatch(new RegExp(`sent\\s+${snap.sent}\\b`));
		expect(text).toContain(`✗ ${snap.failed} (`);
		expect(text).toMatch(/rate now +\d+\.\d\/s/);
	});
});

describe('sender list', () => {
	test('one row per sender with its settings and figures; the selected one marked ›', async () => {
		const {frame, advance} = await open({start: true, columns: 120});
		await advance(3000);
		const text = frame();
		expect(text).toMatch(/#\s+dist\s+mean\s+obs\s+p95\s+fail\s+state\s+sent\s+failed\s+flight\s+sent\/s/);
		const rows = lines(text).filter(line => /#\d/.test(line));
		expect(rows).toHaveLength(3);
		expect(rows[0]).toMatch(/^› #1\s+gamma\s+100\.0ms\s+\d+\.\dms\s+\d+\.\dms\s+10%\s+sending/);
		expect(rows[1]!.startsWith('  #2')).toBe(true);
		expect(rows[0]).toMatch(/[▁▂▃▄▅▆▇█]+$/);
	});

	test('a resting sender counts down', async () => {
		const {frame, advance} = await open({start: true, spec: {failureRate: 1, failoverMs: 60_000}, senders: 1, columns: 120});
		await advance(1000);
		expect(frame()).toMatch(/› #1 .*resting 59s /);
	});

	test('a full list: every sender shown when there is room', async () => {
		const {frame} = await open({senders: 12, rows: 30});
		const rows = lines(frame()).filter(line => /#\d/.test(line));
		expect(rows).toHaveLength(12);
		expect(frame()).not.toContain('more below');
	});

	test('1000 senders: a window around the selection and a "more" line, never taller than the screen', async () => {
		const {frame, press} = await open({senders: 1000});
		expectFits(frame(), 80, 24);
		expect(frame()).toContain('↓ 986 more below');
		expect(frame()).not.toContain('more above');
		await press('G');
		expect(frame()).toContain('↑ 986 more above');
		expect(frame()).toMatch(/› #1000 /);
		await press(KEY.pageUp, KEY.pageUp, 'k', 'k');
		expect(frame()).toMatch(/› #970 /);
		expect(frame()).toContain('↑ 962 more above · ↓ 24 more below');
		expectFits(frame(), 80, 24);
	});
});

describe('any terminal', () => {
	test.each([
		[80, 24],
		[40, 10],
		[100, 30],
		[60, 15],
		[30, 10],
	])('%i×%i: the frame fits, with 3 or 1000 senders and thresholds', async (columns, rows) => {
		for (const senders of [3, 1000]) {
			const d = await renderDash({start: true, columns, rows, senders, thresholds: ['p95<250ms', 'failed<5%']});
			await d.advance(2000);
			expectFits(d.frame(), columns, rows);
			expect(d.frame()).toContain('q quit');
			await d.press('?');
			expectFits(d.frame(), columns, rows);
			d.unmount();
		}
	});

	test.each([2, 3, 4, 5, 6])('80×%i: a terminal of a few rows still gets a frame shorter than itself', async rows => {
		const d = await renderDash({start: true, columns: 80, rows, senders: 3});
		await d.advance(2000);
		expectFits(d.frame(), 80, rows);
		expect(d.frame()).toMatch(/sms-dash|running/);
		if (rows >= 3) expect(d.frame()).toContain('› #1');
		await d.press('?');
		expectFits(d.frame(), 80, rows);
		d.unmount();
	});

	test('adapts on resize', async () => {
		const {frame, resize} = await open({start: true});
		expect(lines(frame())[0]).toContain('sms-dash');
		await resize(40, 10);
		expectFits(frame(), 40, 10);
		expect(lines(frame())[0]).not.toContain('sms-dash');
		await resize(120, 40);
		expect(frame()).toContain('flight');
		expectFits(frame(), 120, 40);
	});

	test('useTerminalSize reads the stdout Ink was given and follows resize', async () => {
		const seen: TerminalSize[] = [];
		function Probe() {
			const size = useTerminalSize();
			seen.push(size);
			return <Text>{`${size.columns}x${size.rows}`}</Text>;
		}

		const ink = render(<Probe />);
		await flush();
		// ink-testing-library's stdout is 100 columns and has no rows: 24 is the fallback.
		expect(ink.lastFrame()).toBe('100x24');
		Object.defineProperty(ink.stdout, 'rows', {value: 12, configurable: true});
		ink.stdout.emit('resize');
		await flush();
		expect(ink.lastFrame()).toBe('100x12');
		const count = seen.length;
		ink.stdout.emit('resize');
		await flush();
		expect(seen.at(-1)).toBe(seen[count - 1]);
		ink.unmount();
	});
});

describe('thresholds', () => {
	test('each rule live, with its value and pass / FAIL in words', async () => {
		const {frame, advance} = await open({start: true, thresholds: ['p95<250ms', 'failed<0.5%', 'throughput>20/s']});
		expect(frame()).toContain('✗ p95<250ms FAIL so far (–)');
		await advance(3000);
		expect(frame()).toMatch(/✓ p95<250ms pass so far \(\d+\.\dms\)/);
		// Until the end a share of failed is of the finished messages, as in the totals.
		expect(frame()).toMatch(/✗ failed<0\.5% FAIL so far \(\d+\.\d% of finished\)/);
		expect(frame()).toMatch(/✓ throughput>20\/s pass so far \(\d+\.\d\/s\)/);
	});

	test('more rules than lines: a count of the hidden ones', async () => {
		const rules = ['p95<250ms', 'p99<1s', 'avg<120ms', 'e2e<10s', 'failed<1%', 'sent>=10', 'throughput>20/s', 'elapsed<1h', 'p50<90ms'];
		const {frame} = await open({thresholds: rules, columns: 40, rows: 16});
		expect(frame()).toMatch(/\+\d+ more rules \(\d+ FAIL\)/);
		expectFits(frame(), 40, 16);
	});
});

describe('help overlay', () => {
	test('every binding of the key table, in place of the dashboard', async () => {
		const {frame, press} = await open();
		await press('?');
		const text = frame();
		expect(text).toContain('sms-dash keys');
		for (const words of ['add a sender', 'remove the selected sender', 'selected sender: faster', 'failure rate', 'more messages', 'faster', 'pause / resume', 'quit']) {
			expect(text).toContain(words);
		}

		expect(text).not.toContain('produced');
		await press(KEY.esc);
		expect(frame()).toContain('produced');
	});
});

describe('NO_COLOR', () => {
	test('meaning stays without colour: ✗ for failures, › for the selection, words for states and rules', async () => {
		const {frame, advance, theme} = await open({start: true, env: {NO_COLOR: '1'}, thresholds: ['failed<0.5%']});
		expect(theme.isColor).toBe(false);
		await advance(3000);
		const text = frame();
		expect(text).toContain('›');
		expect(text).toMatch(/failed\s+✗ \d+/);
		expect(text).toContain('FAIL');
		expect(text).toContain('running');
		// Colours are off in tests (FORCE_COLOR=0); the real terminal is checked end to end.
		expect(text).not.toMatch(/\u001B\[3\dm/);
	});
});

test('the helper sees the same store the dashboard shows', async () => {
	const {store, frame} = await open({senders: 5});
	expect(runningSenders(store.getState().snap)).toHaveLength(5);
	expect(lines(frame())[0]).toContain('5 senders');
});
