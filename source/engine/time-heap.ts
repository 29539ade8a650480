// A min-heap of items by time, then by the order they were pushed, for many items that are
// only ever pushed and popped (submits and receipts awaited by the run). Items are numbers
// (the engine's messages are slots: engine-message.ts); they, their times and a number each
// may carry live in typed arrays, so sifting reads contiguous memory and makes no garbage; eight
// children a node (their times are 64 bytes, a cache line or two), so a pop of 100,000 items
// goes 6 levels down, not 17 (with 100,000 senders at work, 9 % less CPU than four children).
import {doubled} from './doubled.js';

/** Items by time, then by the order they were pushed: a TimeHeap, or TimeBuckets for many. */
export interface TimeQueue {
	readonly size: number;
	/** The number the item last popped carried. */
	readonly poppedValue: number;
	peekTime(): number;
	peekSeq(): number;
	peek(): number | undefined;
	peekValue(): number;
	push(item: number, atMs: number, value?: number): void;
	pop(): number | undefined;
}

export class TimeHeap implements TimeQueue {
	size = 0;
	private times: Float64Array;
	private seqs: Float64Array;
	private values: Float64Array;
	private items: Float64Array;
	/** The number the item last popped carried. */
	poppedValue = 0;

	/**
	 * @param order the scheduling order, shared with another queue whose ties must interleave
	 * @param capacity how many it will likely hold at once (it grows past them)
	 */
	constructor(
		private readonly order: {next: number} = {next: 0},
		capacity = 1024,
	) {
		const length = Math.max(1, capacity);
		this.times = new Float64Array(length);
		this.seqs = new Float64Array(length);
		this.values = new Float64Array(length);
		this.items = new Float64Array(length);
	}

	/** When the first item is due; Infinity when empty. */
	peekTime(): number {
		return this.size === 0 ? Number.POSITIVE_INFINITY : this.times[0]!;
	}

	/** The first item's place in the scheduling order (to break a tie with another queue). */
	peekSeq(): number {
		return this.size === 0 ? Number.POSITIVE_INFINITY : this.seqs[0]!;
	}

	peek(): number | undefined {
		return this.size === 0 ? undefined : this.items[0];
	}

	/** The number the first item carries; 0 when empty. */
	peekValue(): number {
		return this.size === 0 ? 0 : this.values[0]!;
	}

	push(item: number, atMs: number, value = 0): void {
		this.insert(item, atMs, this.order.next++, value);
	}

	/** Adds an item whose place in the scheduling order was taken before (time-buckets.ts). */
	insert(item: number, atMs: number, seq: number, value: number): void {
		if (this.size === this.times.length) this.grow();
		const {times, seqs, values, items} = this;
		let i = this.size++;
		while (i > 0) {
			const parent = (i - 1) >> 3;
			const pt = times[parent]!;
			if (pt < atMs || (pt === atMs && seqs[parent]! < seq)) break;
			times[i] = pt;
			seqs[i] = seqs[parent]!;
			values[i] = values[parent]!;
			items[i] = items[parent]!;
			i = parent;
		}

		times[i] = atMs;
		seqs[i] = seq;
		values[i] = value;
		items[i] = item;
	}

	pop(): number | undefined {
		if (this.size === 0) return undefined;
		const {times, seqs, values, items} = this;
		const top = items[0]!;
		this.poppedValue = values[0]!;
		const last = --this.size;
		const t = times[last]!;
		const s = seqs[last]!;
		const v = values[last]!;
		const item = items[last]!;
		let i = 0;
		for (;;) {
			const first = 8 * i + 1;
			if (first >= last) break;
			// The earliest of the (up to eight) children.
			// (Orders are read only on a tie of times, which is rare.)
			let child = first;
			let ct = times[first]!;
			const end = Math.min(first + 8, last);
			for (let c = first + 1; c < end; c++) {
				const time = times[c]!;
				if (time < ct || (time === ct && seqs[c]! < seqs[child]!)) {
					child = c;
					ct = time;
				}
			}

			if (t < ct || (t === ct && s < seqs[child]!)) break;
			times[i] = ct;
			seqs[i] = seqs[child]!;
			values[i] = values[child]!;
			items[i] = items[child]!;
			i = child;
		}

		if (last > 0) {
			times[i] = t;
			seqs[i] = s;
			values[i] = v;
			items[i] = item;
		}

		return top;
	}

	private grow(): void {
		this.times = doubled(this.times);
		this.seqs = doubled(this.seqs);
		this.values = doubled(this.values);
		this.items = doubled(this.items);
	}
}
