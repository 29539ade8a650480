// The dashboard of a broker run (issue 20): where each sender runs, a killed worker's
// senders kept as gone rows, and a header without the simulated clock, speed and seed,
// which a run on real workers does not have.
import {describe, expect, test} from 'vitest';
import type {SenderSnapshot} from '../../source/engine/types.js';
import {renderFixed, type FixedDash} from '../helpers/fixed-dash.js';
import {senderSnap, snapOf} from '../helpers/snapshots.js';
import {KEY, lines, openPerTest} from '../helpers/render-dash.js';

const openFixed = openPerTest(renderFixed);

const here = {host: 'vm', pid: process.pid, isHere: true};
const worker = {host: 'box-7', pid: 4242, isHere: false};

/** Sender 1 here, 2 on a live worker, 3 on a killed one, 4 removed by the user. */
function brokerSenders(): SenderSnapshot[] {
	return [
		senderSnap(1, {sent: 40, failed: 4, where: here}),
		senderSnap(2, {sent: 30, failed: 3, where: worker}),
		senderSnap(3, {sent: 20, failed: 2, inFlight: 0, state: 'removed', isGone: true, where: {host: 'box-9', pid: 99, isHere: false}}),
		senderSnap(4, {sent: 10, failed: 1, state: 'removed', where: worker}),
	];
}

async function open(columns = 100, rows = 30): Promise<FixedDash> {
	return openFixed(snapOf({sent: 100, failed: 10, senders: brokerSenders()}), {columns, rows, isWallClock: true});
}

const row = (frame: string, id: number) => lines(frame).find(line => new RegExp(`#${id} `).test(line)) ?? '';

describe('broker mode', () => {
	test('each row says where the sender runs: this process, or a worker host/pid', async () => {
		const d = await open();
		const frame = d.frame();
		expect(frame).toMatch(/runs in/);
		expect(row(frame, 1)).toContain('this process');
		expect(row(frame, 2)).toContain('box-7/4242');
		expect(row(frame, 3)).toContain('box-9/99');
	});

	test("a killed worker's sender stays as a gone row, and the rows and the removed line add up", async () => {
		const d = await open();
		const frame = d.frame();
		expect(row(frame, 3)).toMatch(/ gone /);
		expect(row(frame, 3)).toMatch(/ 20 +✗ 2/);
		// Only the sender the user removed is in the removed line.
		const removed = lines(frame).find(line => line.includes('removed'))!;
		expect(removed).toMatch(/1 removed +10 +✗ 1/);
		expect(row(frame, 4)).toBe('');
		expect(lines(frame)[0]).toContain('2 senders, 1 gone');
	});

	test('the header has the wall clock, not a simulated one, a speed or a seed', async () => {
		const d = await open();
		const header = lines(d.frame())[0]!;
		expect(header).toContain('wall 0.0s');
		expect(header).toContain('broker');
		expect(header).not.toMatch(/sim |speed|seed/);
	});

	test('an SMPP run\'s header says smpp, not broker', async () => {
		const d = await openFixed(snapOf({sent: 100, failed: 10, senders: brokerSenders()}), {columns: 100, rows: 30, isSmpp: true});
		const header = lines(d.frame())[0]!;
		expect(header).toMatch(/wall 0\.0s +smpp +/);
		expect(header).not.toMatch(/broker|sim |speed|seed/);
	});

	test('a gone row can be selected, but the keys do not tune or remove it', async () => {
		const d = await open();
		await d.press(KEY.down, KEY.down);
		expect(d.frame()).toMatch(/› #3 /);
		await d.press('x', ']', '+');
		expect(d.simulation.tunes).toEqual([]);
		expect(d.simulation.removed).toEqual([]);
		await d.press(KEY.up, ']');
		expect(d.simulation.tunes).toEqual([{id: 2, patch: {failureRate: 0.15}}]);
	});

	test('at 80 columns the place is kept; it is never cut to nothing', async () => {
		const d = await open(80, 24);
		const frame = d.frame();
		expect(row(frame, 1)).toContain('this process');
		expect(row(frame, 3)).toMatch(/gone/);
		for (const line of lines(frame)) expect(line.length).toBeLessThanOrEqual(80);
	});
});

describe('in-process', () => {
	test('no place column, and the header has sim, speed and seed', async () => {
		const dash = await openFixed(snapOf(), {columns: 100, rows: 30});
		const frame = dash.frame();
		expect(frame).not.toContain('runs in');
		expect(lines(frame)[0]).toMatch(/sim 0\.0s .*speed 1× .*seed 1/);
	});
});
