// The delivery model on the dashboard: each figure shows where it means something (a gateway
// cap, receipts, a price, invalid numbers, windows, rates) and is absent otherwise; it all
// fits 80×24, and a wider screen never shows less.
import {afterEach, beforeEach, describe, expect, test, vi} from 'vitest';
import {lines, renderDash} from '../helpers/render-dash.js';
import {renderFixed, senderSnap, snapOf, type FixedDash, type FixedDashOptions} from '../helpers/fixed-dash.js';
import type {Snapshot} from '../../source/engine/types.js';

let dash: FixedDash | undefined;
beforeEach(() => {
	vi.useFakeTimers();
});

afterEach(() => {
	dash?.unmount();
	dash = undefined;
	vi.useRealTimers();
});

async function open(snap: Snapshot, options: FixedDashOptions = {}): Promise<FixedDash> {
	dash = await renderFixed(snap, options);
	return dash;
}

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
		expect(header(d.frame())).toBe('  #   dist       mean     obs     p95  fail state            sent failed recent');
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
