import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {TimeBuckets} from '../../source/engine/time-buckets.js';
import {TimeHeap} from '../../source/engine/time-heap.js';

type Step = {kind: 'pop'} | {kind: 'push'; afterMs: number} | {kind: 'elsewhere'};

/**
 * Runs `steps` on a TimeBuckets and on a TimeHeap (itself tested against a sorted list),
 * each sharing its scheduling order with another queue, as the engine's wake-ups do: a
 * push is `afterMs` past the time last popped (as a simulation schedules), `elsewhere`
 * takes a place in the order in the other queue. Every peek and pop must agree.
 */
function checkAgainstHeap(steps: readonly Step[], capacity?: number): void {
	const bucketsOrder = {next: 0};
	const heapOrder = {next: 0};
	const queue = new TimeBuckets(bucketsOrder, capacity);
	const heap = new TimeHeap(heapOrder);
	const front = (q: TimeBuckets | TimeHeap) => [q.size, q.peekTime(), q.peekSeq(), q.peek(), q.peekValue()];
	let now = 0;
	let n = 0;
	for (const step of steps) {
		if (step.kind === 'pop') {
			expect(front(queue)).toEqual(front(heap));
			if (heap.size > 0) now = heap.peekTime();
			expect(queue.pop()).toBe(heap.pop());
			expect(queue.poppedValue).toBe(heap.poppedValue);
		} else if (step.kind === 'push') {
			queue.push(n, now + step.afterMs, 3 * n);
			heap.push(n, now + step.afterMs, 3 * n);
			n++;
		} else {
			bucketsOrder.next++;
			heapOrder.next++;
		}
	}

	while (heap.size > 0) {
		expect(front(queue)).toEqual(front(heap));
		expect(queue.pop()).toBe(heap.pop());
	}

	expect(front(queue)).toEqual(front(heap));
}

const push = (afterMs: number): Step => ({kind: 'push', afterMs});
const pop: Step = {kind: 'pop'};

describe('TimeBuckets', () => {
	it('pops as a TimeHeap does, by time then order: ties, tiny and huge gaps, Infinity, queues of thousands drained and refilled', () => {
		const after = fc.oneof(
			fc.constantFrom(0, 0, 1, 100),
			fc.integer({min: 0, max: 500}),
			fc.double({min: 0, max: 1e6, noNaN: true}),
			fc.double({min: 0, max: 1e-300, noNaN: true}),
			fc.constant(Number.POSITIVE_INFINITY),
		);
		// Pushes outweigh pops, so queues grow past many buckets (64 items each) and epochs.
		const step = fc.oneof(
			{arbitrary: after.map(push), weight: 6},
			{arbitrary: fc.constant(pop), weight: 4},
			{arbitrary: fc.constant<Step>({kind: 'elsewhere'}), weight: 1},
		);
		fc.assert(
			fc.property(fc.array(step, {maxLength: 5000, size: 'max'}), fc.integer({min: 1, max: 300}), (steps, capacity) => checkAgainstHeap(steps, capacity)),
			{numRuns: 100},
		);
	});

	it('100,000 items, pushed and popped as 100,000 senders submit, then drained: the order of a TimeHeap', () => {
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
			if (buckets.peekTime() !== now || buckets.pop() !== heap.pop() || buckets.poppedValue !== heap.poppedValue) wrong.push(i);
			// Every fifth a constant wait (many ties at one time); from 400,000 on, a mean of an hour.
			const mean = i < 400_000 ? 100 : 3_600_000;
			const at = now + (i % 5 === 0 ? 100 : -mean * Math.log(random()));
			buckets.push(i, at, i);
			heap.push(i, at, i);
		}

		while (heap.size > 0) if (buckets.pop() !== heap.pop()) wrong.push(-1);
		expect(wrong).toEqual([]);
		expect(buckets.size).toBe(0);
	});

	it('items due at one time come in the order pushed, across epochs', () => {
		checkAgainstHeap([push(5), push(5), push(5), pop, push(0), push(0), pop, pop, push(10), pop, pop, pop]);
	});

	it('an item due at Infinity (which no bucket can hold) comes last, and nothing hangs', () => {
		checkAgainstHeap([push(Number.POSITIVE_INFINITY), push(1), push(Number.POSITIVE_INFINITY), pop, push(2), pop, pop, push(4), pop, pop]);
	});

	it('items due before the epoch started (pushed at the time of the last pop) come first', () => {
		checkAgainstHeap([push(10), push(20), push(30), pop, push(0), push(5), pop, pop, pop, pop]);
	});
});
