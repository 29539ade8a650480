import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {Deque} from '../../source/engine/deque.js';

describe('Deque', () => {
	it('is FIFO with push/shift and LIFO at the front with unshift', () => {
		const d = new Deque<number>();
		expect(d.shift()).toBeUndefined();
		d.push(1);
		d.push(2);
		d.unshift(0);
		d.unshift(-1);
		expect(d.length).toBe(4);
		expect([d.shift(), d.shift(), d.shift(), d.shift(), d.shift()]).toEqual([-1, 0, 1, 2, undefined]);
		expect(d.length).toBe(0);
	});

	it('keeps order across growth with a wrapped head', () => {
		const d = new Deque<number>(4);
		for (let i = 0; i < 10; i++) d.push(i);
		for (let i = 0; i < 7; i++) d.shift();
		for (let i = 1; i <= 30; i++) d.unshift(-i);
		const out: number[] = [];
		while (d.length > 0) out.push(d.shift()!);
		expect(out).toEqual([...Array.from({length: 30}, (_, i) => -30 + i), 7, 8, 9]);
	});

	it('behaves like an array model for any sequence of operations', () => {
		fc.assert(
			fc.property(
				fc.array(fc.oneof(fc.constant<'shift'>('shift'), fc.tuple(fc.constantFrom('push', 'unshift'), fc.integer())), {maxLength: 400}),
				fc.integer({min: 0, max: 40}),
				(ops, initial) => {
					const d = new Deque<number>(initial);
					const model: number[] = [];
					for (const op of ops) {
						if (op === 'shift') {
							expect(d.shift()).toBe(model.shift());
						} else if (op[0] === 'push') {
							d.push(op[1]);
							model.push(op[1]);
						} else {
							d.unshift(op[1]);
							model.unshift(op[1]);
						}

						expect(d.length).toBe(model.length);
					}

					const rest: number[] = [];
					while (d.length > 0) rest.push(d.shift()!);
					expect(rest).toEqual(model);
				},
			),
			{numRuns: 200},
		);
	});
});
