import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {TimeHeap, TimeValueHeap} from '../../source/engine/time-heap.js';

describe('TimeHeap', () => {
	it('pops by time, then in the order pushed, whatever the interleaving of pushes and pops', () => {
		fc.assert(
			fc.property(fc.array(fc.oneof(fc.integer({min: 0, max: 50}), fc.constant(-1)), {maxLength: 3000}), steps => {
				const heap = new TimeHeap();
				const model: Array<{at: number; n: number}> = [];
				let n = 0;
				for (const step of steps) {
					if (step < 0) {
						model.sort((a, b) => a.at - b.at || a.n - b.n);
						expect(heap.peekTime()).toBe(model[0]?.at ?? Number.POSITIVE_INFINITY);
						expect(heap.pop()).toBe(model.shift()?.n);
					} else {
						heap.push(n, step);
						model.push({at: step, n: n++});
					}

					expect(heap.size).toBe(model.length);
				}
			}),
			{numRuns: 200},
		);
	});
});

describe('TimeValueHeap', () => {
	it('pops times in order, each with its number, whatever the interleaving of pushes and pops', () => {
		fc.assert(
			fc.property(fc.array(fc.oneof(fc.integer({min: 0, max: 50}), fc.constant(-1)), {maxLength: 3000}), steps => {
				const heap = new TimeValueHeap();
				const model: Array<{at: number; value: number}> = [];
				let n = 0;
				for (const step of steps) {
					if (step < 0) {
						model.sort((a, b) => a.at - b.at);
						expect(heap.peekTime()).toBe(model[0]?.at ?? Number.POSITIVE_INFINITY);
						const at = heap.pop();
						if (model.length === 0) {
							expect(at).toBe(Number.POSITIVE_INFINITY);
							continue;
						}

						// Among equal times any may come first: its number must be one of theirs.
						const index = model.findIndex(m => m.at === at && m.value === heap.poppedValue);
						expect(at).toBe(model[0]!.at);
						expect(index).toBeGreaterThanOrEqual(0);
						model.splice(index, 1);
					} else {
						// Each number is tied to its time (time × 1000 + n), so a mix-up is caught.
						heap.push(step, step * 1000 + n++);
						model.push({at: step, value: step * 1000 + n - 1});
					}

					expect(heap.size).toBe(model.length);
				}
			}),
			{numRuns: 200},
		);
	});
});
