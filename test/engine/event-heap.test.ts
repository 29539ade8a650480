import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {EventHeap, type Schedulable} from '../../source/engine/event-heap.js';

interface Item extends Schedulable {
	name: number;
}

const item = (name: number): Item => ({name, dueAt: 0, seq: 0, heapIndex: -1});

describe('EventHeap', () => {
	it('pops by time, and equal times in the order they were scheduled', () => {
		const heap = new EventHeap<Item>();
		const items = [5, 1, 3, 1, 0, 3, 1].map((t, i) => {
			const it = item(i);
			heap.schedule(it, t);
			return it;
		});
		expect(heap.size).toBe(7);
		expect(heap.peek()!.name).toBe(4);
		const order: number[] = [];
		while (heap.size > 0) order.push(heap.pop()!.name);
		expect(order).toEqual([4, 1, 3, 6, 2, 5, 0]);
		expect(heap.pop()).toBeUndefined();
		expect(items.every(i => i.heapIndex === -1)).toBe(true);
	});

	it('remove() takes an item out from anywhere and ignores one not in the heap', () => {
		const heap = new EventHeap<Item>();
		const a = item(1);
		const b = item(2);
		const c = item(3);
		heap.schedule(a, 10);
		heap.schedule(b, 20);
		heap.schedule(c, 30);
		heap.remove(b);
		expect(b.heapIndex).toBe(-1);
		heap.remove(b);
		expect(heap.size).toBe(2);
		expect([heap.pop()!.name, heap.pop()!.name]).toEqual([1, 3]);
		// Rescheduling a removed item works, with a fresh tie-break order.
		heap.schedule(b, 5);
		heap.schedule(a, 5);
		expect([heap.pop()!.name, heap.pop()!.name]).toEqual([2, 1]);
	});

	it('matches a sorted model for any mix of schedule, pop and remove', () => {
		type Op = {op: 'schedule'; t: number} | {op: 'pop'} | {op: 'remove'; pick: number};
		const op: fc.Arbitrary<Op> = fc.oneof(
			fc.record({op: fc.constant<'schedule'>('schedule'), t: fc.integer({min: 0, max: 20})}),
			fc.record({op: fc.constant<'pop'>('pop')}),
			fc.record({op: fc.constant<'remove'>('remove'), pick: fc.nat()}),
		);
		fc.assert(
			fc.property(fc.array(op, {maxLength: 300}), ops => {
				const heap = new EventHeap<Item>();
				let model: Array<{it: Item; t: number; order: number}> = [];
				let order = 0;
				let name = 0;
				const sortModel = () => model.sort((x, y) => x.t - y.t || x.order - y.order);
				for (const o of ops) {
					if (o.op === 'schedule') {
						const it = item(name++);
						heap.schedule(it, o.t);
						model.push({it, t: o.t, order: order++});
					} else if (o.op === 'pop') {
						sortModel();
						expect(heap.pop()).toBe(model.shift()?.it);
					} else if (model.length > 0) {
						const victim = model[o.pick % model.length]!;
						heap.remove(victim.it);
						model = model.filter(m => m !== victim);
					}

					sortModel();
					expect(heap.size).toBe(model.length);
					expect(heap.peek()).toBe(model[0]?.it);
				}
			}),
			{numRuns: 200},
		);
	});
});
