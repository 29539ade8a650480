// The dashboard in SMPP mode, in a real terminal, against an SMSC written in the test: each row
// is a bind with its state in words and its window in use, `a` opens one more bind, `x` closes
// the selected one (unbound), q exits 0 with every bind unbound and the report's figures whole.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt, Pane} from '../helpers/tmux.js';
import {TestSmsc} from '../helpers/test-smsc.js';

let smsc: TestSmsc | undefined;
let pane: Pane | undefined;

beforeAll(() => ensureBuilt(), 60_000);
afterAll(async () => {
	pane?.kill();
	await smsc?.close();
});

describe('the dashboard with --smpp', () => {
	it('shows each bind, opens one with a, closes one with x, and q exits 0 with every bind unbound', async () => {
		// Slow answers and receipts that never come: binds stay busy, receipts stay pending.
		smsc = new TestSmsc({reply: () => ({delayMs: 200})});
		const port = await smsc.listen();
		pane = new Pane();
		const report = join(pane.dir, 'report.json');
		pane.start(['--smpp', `smpp://alerts:pw@127.0.0.1:${port}`, '-m', '100000', '-s', '2', '--window', '5', '--report', report], {columns: 130});
		const screen = await pane.waitFor('two bound binds with receipts pending', s => (s.match(/bound \d[\d,]* rcpt/g) ?? []).length === 2, 10_000);
		expect(screen).toContain('2 senders');
		expect(screen).toMatch(/5\/5/);
		expect(screen).not.toContain(':pw@');
		// The SMSC decides send times and failures: no keys for them (nor for the clock's speed).
		expect(screen).toContain('q quit');
		expect(screen).not.toMatch(/\+\/- faster|\[\/\] fail/);
		pane.keys('+]');
		pane.keys('a');
		await pane.waitFor('a third bind', s => s.includes('3 senders') && (s.match(/bound/g) ?? []).length === 3, 10_000);
		expect(smsc.binds).toHaveLength(3);
		pane.keys('x');
		await smsc.until(() => smsc!.unbinds === 1);
		await pane.waitFor('one removed', s => s.includes('1 removed'), 10_000);
		pane.keys('q');
		expect(await pane.exitCode(15_000)).toBe(0);
		await smsc.until(() => smsc!.unbinds === 3);
		const summary = JSON.parse(readFileSync(report, 'utf8'));
		expect(summary.senders).toHaveLength(3);
		expect(summary.actions.filter((action: object) => 'tune' in action)).toEqual([]);
		expect(summary.smpp).toBe(`smpp://alerts:***@127.0.0.1:${port}`);
		expect(summary.produced).toBe(summary.queued + summary.inFlight + summary.sent + summary.failed);
		expect(pane.history()).toMatch(/^Summary/m);
	}, 60_000);
});
