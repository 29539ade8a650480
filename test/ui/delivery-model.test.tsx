// The delivery model on the dashboard: each figure shows where it means something (a gateway
// cap, receipts, a price, invalid numbers, windows, rates) and is absent otherwise; it all
// fits 80×24, and a wider screen never shows less.
import {describe, expect, test} from 'vitest';
import {lines, openPerTest, renderDash} from '../helpers/render-dash.js';
import {renderFixed} from '../helpers/fixed-dash.js';
import {senderSnap, snapOf} from '../helpers/snapshots.js';
import type {Snapshot} from '../../source/engine/types.js';
import {nextRate, nextWindow, rateSteps, windowSteps, type DashActions} from '../../source/store.js';
import {dispatch, keymap} from '../../source/ui/keymap.js';

const open = openPerTest(renderFixed);

function expectFits(frame: string, columns: number, rows: number): void {
	const frameLines = lines(frame);
	expect(frameLines.length, frame).toBeLessThan(rows);
	for (const line of frameLines) expect(line.length, line).toBeLessThanOrEqual(columns);
}

/** The value after a label in the totals, or undefined when the label is not shown. */
function cell(frame: string, label: string): string | undefined {
	const match = new RegExp(`(?:^|\\s)${label.replace(/[/?]/g, '\\$&')} +(\\S+(?: \\S+)*?)(?: {2,}|$)`, 'm').exec(frame);
	return match?.[1];
}

/** A run half way: every model figure set. */
const busy = (over: Partial<Snapshot> = {}): Snapshot =>
	snapOf({
		simMs: 10_000,
		sent: 4_120,
		failed: 130,
		failedInvalid: 80,
		segments: 8_240,
		throttled: 512,
		delivered: 3_900,
		undelivered: 20,
		cost: 65.92,
		reached: 3_900,
		reachP95Ms: undefined,
		...over,
	});

describe('totals without the model', () => {
	test('none of the new figures, even when the snapshot has them', async () => {
		const d = await open(snapOf({simMs: 1000, sent: 10, segments: 10}));
		const text = d.frame();
		for (const label of ['gateway', 'throttled', 'delivered', 'reach p95', 'cost', 'invalid']) expect(text).not.toContain(label);
		expect(lines(text).slice(1, 5).join('\n')).toMatchInlineSnapshot(`
			"produced   1,000          queued     997            in flight  3
			resting    0              sent       10             failed     0
			avg/msg    –              e2e avg    –              rate now   –
			ETA        –"
		`);
	});
});

describe('totals with the model', () => {
	test('gateway: recent segments/s against the cap, and throttled even at 0', async () => {
		const d = await open(snapOf(), {gatewayRate: 1000});
		expect(cell(d.frame(), 'gateway')).toBe('–/1,000 seg/s');
		expect(cell(d.frame(), 'throttled')).toBe('0');
		// 4,120 segments in 10 simulated seconds.
		await d.show(snapOf({simMs: 10_000, segments: 4_120, throttled: 7}));
		expect(cell(d.frame(), 'gateway')).toBe('412/1,000 seg/s');
		expect(cell(d.frame(), 'throttled')).toBe('7');
	});

	test('the rate is recent: it spans the last ten intervals', async () => {
		const d = await open(snapOf(), {gatewayRate: 1000, intervalMs: 1000});
		await d.show(snapOf({simMs: 10_000, segments: 1000}));
		await d.show(snapOf({simMs: 20_000, segments: 1000 + 5000}));
		// The first ten seconds are out of the window.
		expect(cell(d.frame(), 'gateway')).toBe('500/1,000 seg/s');
	});

	test('throttled shows without a cap once a submit was throttled', async () => {
		const d = await open(snapOf({throttled: 3}));
		expect(cell(d.frame(), 'throttled')).toBe('3');
		expect(d.frame()).not.toContain('gateway');
	});

	test('receipts on: delivered and reach p95 so far', async () => {
		const d = await open(snapOf({delivered: 950, sent: 1000}), {hasReceipts: true});
		expect(cell(d.frame(), 'delivered')).toBe('950');
		expect(cell(d.frame(), 'reach p95')).toBe('–');
		await d.show(snapOf({delivered: 990, sent: 1000, reachP95Ms: 9_400}));
		expect(cell(d.frame(), 'reach p95')).toBe('9.40s');
	});

	test('cost when a sender has a price', async () => {
		const priced = snapOf({cost: 1234.5, senders: [senderSnap(1, {}, {price: 0.0079})]});
		const d = await open(priced);
		expect(cell(d.frame(), 'cost')).toBe('1,234.50');
		await d.show({...priced, cost: 0.0237});
		expect(cell(d.frame(), 'cost')).toBe('0.0237');
	});

	test('failed is split: invalid numbers beside it', async () => {
		const d = await open(snapOf({sent: 90, failed: 10, failedInvalid: 4}));
		expect(cell(d.frame(), 'failed')).toBe('✗ 10 (10.0%)');
		expect(cell(d.frame(), 'invalid')).toBe('4');
	});

	test('every figure at 80×24 and at 120×40; wider never shows less', async () => {
		const snap = busy({reachP95Ms: 61_000, senders: [1, 2, 3].map(id => senderSnap(id, {}, {price: 0.008}))});
		const d = await open(snap, {gatewayRate: 1000, hasReceipts: true});
		await d.show({...snap, simMs: 20_000, segments: snap.segments + 4_120});
		const narrow = d.frame();
		expectFits(narrow, 80, 24);
		const labels = ['produced', 'queued', 'in flight', 'resting', 'sent', 'failed', 'invalid', 'delivered', 'throttled', 'avg/msg', 'e2e avg', 'rate now', 'gateway', 'reach p95', 'ETA', 'cost'];
		for (const label of labels) expect(cell(narrow, label), label).toBeDefined();
		expect(cell(narrow, 'gateway')).toBe('412/1,000 seg/s');
		expect(cell(narrow, 'reach p95')).toBe('1m01s');
		d.unmount();
		const wide = await open(snap, {gatewayRate: 1000, hasReceipts: true, columns: 120, rows: 40});
		expectFits(wide.frame(), 120, 40);
		for (const label of labels) expect(cell(wide.frame(), label), label).toBeDefined();
		expect(lines(wide.frame()).length).toBeLessThanOrEqual(lines(narrow).length);
	});

	test('on a small screen the short labels keep a space before their values', async () => {
		const d = await open(busy({reachP95Ms: 61_000}), {gatewayRate: 1000, hasReceipts: true, columns: 40, rows: 16});
		expectFits(d.frame(), 40, 16);
		expect(d.frame()).toMatch(/reach +1m01s/);
		expect(d.frame()).toMatch(/gw +–\/1,000 seg\/s/);
	});
});

describe('a run with the model keys', () => {
	test('the settings reach the totals: gateway and receipts', async () => {
		const d = await renderDash({gatewayRate: 500, delivery: {meanMs: 8000, distribution: 'gamma', undelivered: 0}});
		try {
			expect(cell(d.frame(), 'gateway')).toMatch(/\/500 seg\/s$/);
			expect(d.frame()).toContain('throttled');
			expect(d.frame()).toContain('delivered');
			expect(d.frame()).toContain('reach p95');
		} finally {
			d.unmount();
		}
	});
});

describe('sender rows', () => {
	const header = (frame: string) => lines(frame).find(line => /^ {2}# /.test(line))!;
	const row = (frame: string, id: number) => lines(frame).find(line => line.slice(2).startsWith(`#${id} `))!;
	/** A right-aligned column's text in a row: what ends under its header. */
	const under = (frame: string, id: number, title: string) => {
		const end = header(frame).indexOf(` ${title}`) + title.length + 1;
		return row(frame, id).slice(0, end).split(/ {2,}/).at(-1)!.trim();
	};

	test('without windows or rates the row is as before', async () => {
		const d = await open(snapOf());
		expect(header(d.frame())).toBe('  #   dist       mean     obs     p95  fail state            sent failed sent/s');
	});

	test('window in use where the window is above 1', async () => {
		const d = await open(
			snapOf({senders: [senderSnap(1, {windowUsed: 7}, {window: 10}), senderSnap(2, {windowUsed: 1}), senderSnap(3, {windowUsed: 0}, {window: 2})]}),
		);
		expect(header(d.frame())).toMatch(/ win /);
		expect(under(d.frame(), 1, 'win')).toBe('7/10');
		expect(under(d.frame(), 2, 'win')).toBe('–');
		expect(under(d.frame(), 3, 'win')).toBe('0/2');
	});

	test("rate cap use: recent segments/s against the sender's rate", async () => {
		const senders = (segments: number) => [senderSnap(1, {segments}, {rate: 100}), senderSnap(2, {segments}, {})];
		const d = await open(snapOf({senders: senders(0)}));
		expect(header(d.frame())).toContain('rate cap');
		expect(under(d.frame(), 1, 'rate cap')).toBe('– of 100/s');
		await d.show(snapOf({simMs: 10_000, senders: senders(980)}));
		expect(under(d.frame(), 1, 'rate cap')).toBe('98% of 100/s');
		expect(under(d.frame(), 2, 'rate cap')).toBe('–');
	});

	test('rows keep to 80 columns with wide figures, and 120 columns show at least as much', async () => {
		const wide = (segments: number) =>
			snapOf({
				simMs: segments,
				senders: [1, 2, 1000].map(id => senderSnap(id, {windowUsed: 999, sent: 1_234_567, failed: 98_765, segments}, {window: 1000, rate: 10_000})),
			});
		const d = await open(wide(0));
		await d.show(wide(50_000));
		for (const line of lines(d.frame())) expect(line.length, line).toBeLessThanOrEqual(80);
		const narrowHeader = header(d.frame()).trim().split(/\s+/);
		expect(narrowHeader).toEqual(expect.arrayContaining(['#', 'state', 'sent', 'failed', 'win', 'rate', 'cap']));
		expect(row(d.frame(), 1)).toContain('999/1,000');
		expect(row(d.frame(), 1)).toContain('10% of 10,000/s');
		d.unmount();
		const big = await open(wide(0), {columns: 120, rows: 40});
		await big.show(wide(50_000));
		const wideHeader = header(big.frame()).trim().split(/\s+/);
		expect(wideHeader).toEqual(expect.arrayContaining(narrowHeader));
		expect(wideHeader.length).toBeGreaterThan(narrowHeader.length);
	});
});

describe('window and rate steps', () => {
	test('windows step through 1, 2, 5, 10 … 1,000, from any window', () => {
		expect(nextWindow(1, 1)).toBe(2);
		expect(nextWindow(10, 1)).toBe(20);
		expect(nextWindow(7, 1)).toBe(10);
		expect(nextWindow(7, -1)).toBe(5);
		expect(nextWindow(1, -1)).toBe(1);
		expect(nextWindow(1000, 1)).toBe(1000);
		expect(nextWindow(5000, -1)).toBe(1000);
	});

	test('rates: lower from no cap bites (below window ÷ mean), higher stops at the last step (a cap once set stays)', () => {
		// One submit at a time of 100 ms: 10/s at most, so the first cap is 3/s.
		expect(nextRate({rate: undefined, window: undefined, meanMs: 100}, -1)).toBe(3);
		// A window of 10 at 100 ms: 100/s, first cap 30/s.
		expect(nextRate({rate: undefined, window: 10, meanMs: 100}, -1)).toBe(30);
		expect(nextRate({rate: undefined, window: 1, meanMs: 5000}, -1)).toBe(1);
		expect(nextRate({rate: undefined, meanMs: 100}, 1)).toBeUndefined();
		expect(nextRate({rate: 100, meanMs: 100}, 1)).toBe(300);
		expect(nextRate({rate: 100, meanMs: 100}, -1)).toBe(30);
		expect(nextRate({rate: 25, meanMs: 100}, -1)).toBe(10);
		expect(nextRate({rate: 10_000, meanMs: 100}, 1)).toBe(10_000);
		expect(nextRate({rate: 1, meanMs: 100}, -1)).toBe(1);
		expect(nextRate({rate: 0.5, meanMs: 100}, -1)).toBe(0.5);
		expect(rateSteps).toEqual(expect.arrayContaining([1, 3, 100]));
		expect(windowSteps[0]).toBe(1);
	});
});

describe('window and rate keys', () => {
	const plain = () => snapOf();

	test('w and W tune the selected sender\'s window; nothing is recorded when it cannot move', async () => {
		const d = await open(plain());
		await d.press('j', 'W', 'W', 'W');
		expect(d.simulation.tunes).toEqual([
			{id: 2, patch: {window: 2}},
			{id: 2, patch: {window: 5}},
			{id: 2, patch: {window: 10}},
		]);
		await d.press('w', 'w', 'w', 'w');
		expect(d.simulation.tunes.slice(3)).toEqual([
			{id: 2, patch: {window: 5}},
			{id: 2, patch: {window: 2}},
			{id: 2, patch: {window: 1}},
		]);
		// The row shows what the store published.
		await d.press('W', 'W');
		expect(d.frame()).toMatch(/› #2 .* \d+\/5/);
	});

	test('r and R tune the selected sender\'s rate cap, and R stops at the last step', async () => {
		const d = await open(plain());
		await d.press('G', 'R');
		expect(d.simulation.tunes).toEqual([]);
		await d.press('r', 'r', 'R');
		expect(d.simulation.tunes).toEqual([
			{id: 3, patch: {rate: 3}},
			{id: 3, patch: {rate: 1}},
			{id: 3, patch: {rate: 3}},
		]);
		expect(d.frame()).toMatch(/› #3 .* of 3\/s/);
		await d.press(...Array.from({length: rateSteps.length}, () => 'R'));
		expect(d.simulation.tunes.at(-1)).toEqual({id: 3, patch: {rate: 10_000}});
		// Nothing is recorded when the value cannot move.
		expect(d.simulation.tunes.filter(t => t.patch.rate === 10_000)).toHaveLength(1);
	});

	test('help lists them in full at 80×24, and the frame fits', async () => {
		const d = await open(plain());
		await d.press('?');
		const text = d.frame();
		expect(text).toMatch(/w\/W\s+selected sender: smaller \/ larger window/);
		expect(text).toMatch(/r\/R\s+selected sender: lower \/ higher rate cap/);
		expect(text).toContain('add a sender');
		expectFits(text, 80, 24);
	});

	test('the footer offers them once the run uses windows, rates or a gateway cap', async () => {
		const d = await open(plain());
		const footer = () => lines(d.frame()).at(-1)!;
		expect(footer()).not.toContain('w/W');
		await d.press('W');
		expect(footer()).toBe('↑↓ select  a add  x remove  w/W win  r/R rate  space pause  ? more keys  q quit');
		d.unmount();
		const gated = await open(plain(), {gatewayRate: 100});
		expect(lines(gated.frame()).at(-1)).toContain('r/R rate');
	});
});

describe('the key table', () => {
	test('w W r R are bound once each, and call the store with their direction', () => {
		const keys = keymap.flatMap(binding => binding.keys);
		expect(new Set(keys).size).toBe(keys.length);
		const calls: string[] = [];
		const actions = new Proxy({} as DashActions, {
			get: (_, name) => (...args: unknown[]) => calls.push(`${String(name)}(${args.join(',')})`),
		});
		for (const key of ['w', 'W', 'r', 'R', 'g', 'home', 'G', 'end']) dispatch(key, false, {actions, exit: () => undefined, pageSize: 5, redraw: () => undefined});
		expect(calls).toEqual([
			'changeWindow(-1)',
			'changeWindow(1)',
			'changeRate(-1)',
			'changeRate(1)',
			'select(0)',
			'select(0)',
			`select(${Number.MAX_SAFE_INTEGER})`,
			`select(${Number.MAX_SAFE_INTEGER})`,
		]);
		expect(dispatch('w', true, {actions, exit: () => undefined, pageSize: 5, redraw: () => undefined})).toBe(false);
	});

	test('a real run takes the tune: the engine\'s sender gets the window and the rate', async () => {
		const d = await renderDash({});
		try {
			await d.press('W', 'W', 'r');
			const spec = d.run.engine.snapshot().senders[0]!.spec;
			expect(spec.window).toBe(5);
			// Window 5 at 100 ms: 50/s at most, so the first cap below it is 30/s.
			expect(spec.rate).toBe(30);
			expect(d.frame()).toMatch(/› #1 .*\d\/5 .* of 30\/s/);
		} finally {
			d.unmount();
		}
	});
});
