import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {TimeBuckets} from '../../source/engine/time-buckets.js';
import {TimeHeap} from '../../source/engine/time-heap.js';

type Step = {pop: true} | {pop: false; afterMs: number};

/**
 * Pushes (each `afterMs` past the last time popped, as a simulation schedules) and pops
 * on a TimeBuckets and a model sorted by time then order; every pop and peek must agree.
 */
function checkAgainstModel(steps: readonly Step[], capacity?: number): void {
	const queue = new TimeBuckets(undefined, capacity);
	const model: Array<{at: number; n: number; value: number}> = [];
	let now = 0;
	let n = 0;
	const expectFront = () => {
		model.sort((a, b) => a.at - b.at || a.n - b.n);
		expect(queue.peekTime()).toBe(model[0]?.at ?? Number.POSITIVE_INFINITY);
		expect(queue.peek()).toBe(model[0]?.n);
		expect(queue.peekValue()).toBe(model[0]?.value ?? 0);
	};

	for (const step of steps) {
		if (step.pop) {
			expectFront();
			const expected = model.shift();
			expect(queue.pop()).toBe(expected?.n);
			if (expected !== undefined) {
				expect(queue.poppedValue).toBe(expected.value);
				now = expected.at;
			}
		} else {
			const at = now + step.afterMs;
			queue.push(n, at, 3 * n);
			model.push({at, n, value: 3 * n});
			n++;
		}

		expect(queue.size).toBe(model.length);
	}

	expectFront();
	while (model.length > 0) expect(queue.pop()).toBe(model.shift()!.n);
	expect(queue.size).toBe(0);
	expect(queue.peekTime()).toBe(Number.POSITIVE_INFINITY);
}

const push = (afterMs: number): Step => ({pop: false, afterMs});
const pop: Step = {pop: true};

describe('TimeBuckets', () => {
	it('pops as a sorted list does, by time then order pushed: ties, few and many items, times near and far', () => {
		const after = fc.oneof(
			fc.constantFrom(0, 0, 1, 100),
			fc.integer({min: 0, max: 500}),
			fc.double({min: 0, max: 1e6, noNaN: true}),
			fc.double({min: 0, max: 1e-300, noNaN: true}),
			fc.constant(Number.POSITIVE_INFINITY),
		);
		fc.assert(
			fc.property(fc.array(fc.oneof(after.map(push), fc.constant(pop)), {maxLength: 4000}), fc.integer({min: 1, max: 300}), (steps, capacity) =>
				checkAgainstModel(steps, capacity),
			),
			{numRuns: 300},
		);
	});

	it('100,000 items, pushed and popped as 100,000 senders submit: the order of a TimeHeap', () => {
		const buckets = new TimeBuckets();
		const heap = new TimeHeap();
		let seed = 7;
		const random = () => {
			seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
			return seed / 2 ** 32;
		};

		for (let i = 0; i < 100_000; i++) {
			const at = -100 * Math.log(random());
			buckets.push(i, at, i);
			heap.push(i, at, i);
		}

		const wrong: number[] = [];
		for (let i = 100_000; i < 600_000; i++) {
			const now = heap.peekTime();
			if (buckets.peekTime() !== now || buckets.pop() !== heap.pop()) wrong.push(i);
			// Every fifth a constant wait: many ties at one time.
			const at = now + (i % 5 === 0 ? 100 : -100 * Math.log(random()));
			buckets.push(i, at, i);
			heap.push(i, at, i);
		}

		expect(wrong).toEqual([]);
		expect(buckets.size).toBe(heap.size);
	});

	it('items due at one time come in the order pushed, across epochs', () => {
		checkAgainstModel([push(5), push(5), push(5), pop, push(0), push(0), pop, pop, push(10), pop, pop, pop]);
	});

	it('an item due at Infinity (which no bucket can hold) comes last, and nothing hangs', () => {
		checkAgainstModel([push(Number.POSITIVE_INFINITY), push(1), push(Number.POSITIVE_INFINITY), pop, push(2), pop, pop, push(4), pop, pop]);
	});

	it('items due before the epoch started (pushed at the time of the last pop) come first', () => {
		checkAgainstModel([push(10), push(20), push(30), pop, push(0), push(5), pop, pop, pop, pop]);
	});
});
