// A worker's sender in real time (slot.ts), on vitest's fake clock: its window of submits,
// its rate cap, the backoff after a throttled submit, and a hand-back that frees the window.
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {Hold, Slot} from '../../source/broker/slot.js';
import type {SenderSpec} from '../../source/engine/types.js';

const constant = (meanMs: number, more: Partial<SenderSpec> = {}): SenderSpec => ({meanMs, failureRate: 0, distribution: 'constant', ...more});

beforeEach(() => {
	vi.useFakeTimers();
});

afterEach(() => {
	vi.useRealTimers();
});

/** Starts `count` one-submit messages; the moments (fake ms from now) each is answered. */
function submitMany(slot: Slot, count: number, gateway?: () => Promise<boolean>, backoffMs = 0): {done: number[]; holds: Hold[]; results: Array<boolean | undefined>} {
	const start = performance.now();
	const done: number[] = [];
	const holds: Hold[] = [];
	const results: Array<boolean | undefined> = [];
	for (let i = 0; i < count; i++) {
		const hold = new Hold();
		holds.push(hold);
		results.push(undefined);
		void slot
			.submit(hold, gateway, backoffMs, () => undefined)
			.then(ok => {
				results[i] = ok;
				done.push(performance.now() - start);
			});
	}

	return {done, holds, results};
}

describe('a worker sender in real time', () => {
	it('submits up to its window at once, the next as one is answered', async () => {
		const slot = new Slot(1, constant(100, {window: 3}), 1, 0);
		const {done} = submitMany(slot, 7);
		expect(slot.windowUsed).toBe(3);
		await vi.advanceTimersByTimeAsync(100);
		expect(done).toEqual([100, 100, 100]);
		await vi.advanceTimersByTimeAsync(200);
		expect(done).toEqual([100, 100, 100, 200, 200, 200, 300]);
		expect(slot.windowUsed).toBe(0);
	});

	it('a rate cap spaces submits 1/rate apart, whatever the window', async () => {
		const slot = new Slot(1, constant(10, {window: 10, rate: 50}), 1, 0);
		const {done} = submitMany(slot, 4);
		await vi.advanceTimersByTimeAsync(200);
		expect(done).toEqual([10, 30, 50, 70]);
	});

	it('a throttled submit holds it for the backoff, then goes again; each throttle is counted', async () => {
		const slot = new Slot(1, constant(10), 1, 0);
		const answers = [false, false, true];
		const {done} = submitMany(slot, 1, async () => answers.shift() ?? true, 100);
		await vi.advanceTimersByTimeAsync(500);
		// 10 (throttled) + 100 backoff, 10 (throttled) + 100, 10: accepted.
		expect(done).toEqual([230]);
		expect(slot.throttled).toBe(2);
	});

	it('a message handed back ends its waits at once and frees its place in the window', async () => {
		const slot = new Slot(1, constant(100), 1, 0);
		const {holds, results, done} = submitMany(slot, 3);
		holds[1]!.abandon();
		holds[0]!.abandon();
		await vi.advanceTimersByTimeAsync(0);
		expect(results.slice(0, 2)).toEqual([false, false]);
		// The third takes the window at once: answered 100 ms later.
		await vi.advanceTimersByTimeAsync(100);
		expect(results[2]).toBe(true);
		expect(done.at(-1)).toBe(100);
		expect(slot.windowUsed).toBe(0);
	});
});
