// The simulation's event queue: a binary min-heap of things that are due, ordered by
// time and then by the order they were scheduled in, so equal times never race. The
// keys sit in typed arrays beside the items, so sifting reads no item but the one moved.
import {doubled} from './doubled.js';

export interface Schedulable {
	dueAt: number;
	/** Scheduling order, set by the heap; breaks ties deterministically. */
	seq: number;
	/** Position in the heap, -1 when not in it. */
	heapIndex: number;
}

export class EventHeap<T extends Schedulable> {
	private readonly items: T[] = [];
	private times = new Float64Array(64);
	private seqs = new Float64Array(64);

	/** @param order the scheduling order, shared with another queue whose ties must interleave */
	constructor(private readonly order: {next: number} = {next: 0}) {}

	get size(): number {
		return this.items.length;
	}

	peek(): T | undefined {
		return this.items[0];
	}

	/** When the first item is due; Infinity when empty. */
	peekTime(): number {
		return this.items.length === 0 ? Number.POSITIVE_INFINITY : this.times[0]!;
	}

	/** The first item's place in the scheduling order. */
	peekSeq(): number {
		return this.items.length === 0 ? Number.POSITIVE_INFINITY : this.seqs[0]!;
	}

	/** Adds an item (not already in the heap) due at `dueAt`. */
	schedule(item: T, dueAt: number): void {
		const seq = this.order.next++;
		item.dueAt = dueAt;
		item.seq = seq;
		const index = this.items.length;
		if (index === this.times.length) this.grow();
		this.items.push(item);
		this.up(index, item, dueAt, seq);
	}

	pop(): T | undefined {
		const top = this.items[0];
		if (top !== undefined) this.removeAt(0);
		return top;
	}

	/** Takes an item out wherever it stands; nothing if it is not in the heap. */
	remove(item: T): void {
		if (item.heapIndex >= 0) this.removeAt(item.heapIndex);
	}

	private removeAt(index: number): void {
		const items = this.items;
		const removed = items[index]!;
		const lastIndex = items.length - 1;
		const last = items.pop()!;
		removed.heapIndex = -1;
		if (index < lastIndex) {
			const time = this.times[lastIndex]!;
			const seq = this.seqs[lastIndex]!;
			const at = this.down(index, last, time, seq);
			if (at === index) this.up(index, last, time, seq);
		}
	}

	/** Puts `item` (keys time, seq) at `index` or above it, where it belongs. */
	private up(index: number, item: T, time: number, seq: number): void {
		const {items, times, seqs} = this;
		while (index > 0) {
			const parent = (index - 1) >> 1;
			const pt = times[parent]!;
			if (pt < time || (pt === time && seqs[parent]! < seq)) break;
			const moved = items[parent]!;
			items[index] = moved;
			times[index] = pt;
			seqs[index] = seqs[parent]!;
			moved.heapIndex = index;
			index = parent;
		}

		items[index] = item;
		times[index] = time;
		seqs[index] = seq;
		item.heapIndex = index;
	}

	/** Puts `item` (keys time, seq) at `index` or below it, where it belongs; returns where. */
	private down(index: number, item: T, time: number, seq: number): number {
		const {items, times, seqs} = this;
		const n = items.length;
		for (;;) {
			let child = 2 * index + 1;
			if (child >= n) break;
			if (child + 1 < n && (times[child + 1]! < times[child]! || (times[child + 1] === times[child] && seqs[child + 1]! < seqs[child]!))) child++;
			const ct = times[child]!;
			if (time < ct || (time === ct && seq < seqs[child]!)) break;
			const moved = items[child]!;
			items[index] = moved;
			times[index] = ct;
			seqs[index] = seqs[child]!;
			moved.heapIndex = index;
			index = child;
		}

		items[index] = item;
		times[index] = time;
		seqs[index] = seq;
		item.heapIndex = index;
		return index;
	}

	private grow(): void {
		this.times = doubled(this.times);
		this.seqs = doubled(this.seqs);
	}
}
