import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {TimeHeap} from '../../source/engine/time-heap.js';

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
