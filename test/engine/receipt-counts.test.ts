// Receipts that are only counted: against a plain list, whatever the order of pushes, clock
// moves and counts (whole or only the buckets before the clock), with receipts far beyond
// the ring of buckets: what is counted, the tally's figures, the goal's exact moment and
// the earliest receipt to come.
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {Tally} from '../../source/engine/figures.js';
import {ReceiptCounts} from '../../source/engine/receipt-counts.js';

const meanMs = 640;
/** A bucket: 1/64 of the mean. */
const widthMs = meanMs / 64;

type Step = {push: number; asked: number} | {advance: number} | {count: 'whole' | 'before'};

const step: fc.Arbitrary<Step> = fc.oneof(
	// Delays from nothing to 300 means: past the ring's 128 means too.
	{arbitrary: fc.record({push: fc.oneof(fc.double({min: 0, max: 3 * meanMs, noNaN: true}), fc.double({min: 0, max: 300 * meanMs, noNaN: true}), fc.constant(0)), asked: fc.constantFrom(0, 5)}), weight: 6},
	{arbitrary: fc.record({advance: fc.oneof(fc.double({min: 0, max: meanMs, noNaN: true}), fc.double({min: 0, max: 200 * meanMs, noNaN: true}))}), weight: 3},
	{arbitrary: fc.record({count: fc.constantFrom('whole' as const, 'before' as const)}), weight: 2},
);

describe('ReceiptCounts', () => {
	it('counts exactly the receipts due by the clock, with the goal\'s moment, as events in order would', () => {
		fc.assert(
			fc.property(fc.array(step, {maxLength: 400}), fc.integer({min: 1, max: 200}), (steps, rank) => {
				const counts = new ReceiptCounts(meanMs);
				const tally = new Tally();
				tally.reachRank = rank;
				let pending: Array<{due: number; asked: number}> = [];
				const counted: number[] = [];
				const all: number[] = [];
				let now = 0;
				const check = () => {
					expect(counts.count).toBe(pending.length);
					expect(tally.delivered).toBe(counted.length);
					expect(tally.reachHistogram.count).toBe(counted.length);
					expect(counts.firstDueAt()).toBe(Math.min(...pending.map(p => p.due)));
					if (counted.length > 0) expect(tally.lastOutcomeMs).toBe(Math.max(...counted));
					const sorted = [...all].sort((a, b) => a - b);
					// Known once counted: the rank-th earliest of every receipt, since none is due before the clock.
					if (counted.length >= rank) expect(tally.reachRankAtMs).toBe(sorted[rank - 1]);
					else expect(tally.reachRankAtMs).toBeUndefined();
				};

				const countUntil = (untilMs: number, isWhole: boolean) => {
					counts.countUntil(untilMs, tally, isWhole);
					// Whole: every receipt due by then; else at least those of the buckets wholly before it.
					const surely = isWhole ? untilMs : Math.floor(untilMs / widthMs) * widthMs - 1e-9;
					const left = pending.filter(p => p.due > surely);
					const gone = pending.filter(p => p.due <= surely);
					counted.push(...gone.map(p => p.due));
					pending = left;
					// What else was counted (a bucket's receipts before the clock, with isWhole false) is due by then.
					const extra = pending.length - counts.count;
					if (extra > 0) {
						const dues = new Set<number>();
						pending.sort((a, b) => a.due - b.due);
						const taken = pending.splice(0, extra);
						for (const p of taken) {
							expect(p.due).toBeLessThanOrEqual(untilMs);
							dues.add(p.due);
						}

						counted.push(...taken.map(p => p.due));
					}
				};

				for (const s of steps) {
					if ('push' in s) {
						const due = now + s.push;
						counts.push(due, s.asked);
						pending.push({due, asked: s.asked});
						all.push(due);
					} else if ('advance' in s) {
						now += s.advance;
					} else {
						countUntil(now, s.count === 'whole');
					}

					check();
				}

				countUntil(Number.POSITIVE_INFINITY, true);
				check();
				expect(counts.count).toBe(0);
				expect(counts.firstDueAt()).toBe(Number.POSITIVE_INFINITY);
				if (all.length > 0) expect(counts.lastDueAt).toBe(Math.max(...all));
			}),
			{numRuns: 300},
		);
	});

	it('reach times are each receipt\'s due time less when it was asked for', () => {
		const counts = new ReceiptCounts(1000);
		const tally = new Tally();
		counts.push(1000, 0);
		counts.push(3000, 1000);
		counts.push(9000, 1000);
		counts.countUntil(5000, tally);
		expect(tally.delivered).toBe(2);
		expect(tally.reachHistogram.max).toBe(2000);
		expect(tally.reachHistogram.min).toBe(1000);
		expect(counts.firstDueAt()).toBe(9000);
		counts.countUntil(Number.POSITIVE_INFINITY, tally);
		expect(tally.reachHistogram.max).toBe(8000);
		expect(tally.lastOutcomeMs).toBe(9000);
	});
});
