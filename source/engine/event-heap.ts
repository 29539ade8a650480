// The simulation's event queue: a binary min-heap of things that are due, ordered by
// time and then by the order they were scheduled in, so equal times never race.

export interface Schedulable {
	dueAt: number;
	/** Scheduling order, set by the heap; breaks ties deterministically. */
	seq: number;
	/** Position in the heap, -1 when not in it. */
	heapIndex: number;
}

export class EventHeap<T extends Schedulable> {
	private readonly items: T[] = [];

	/** @param order the scheduling order, shared with another queue whose ties must interleave */
	constructor(private readonly order: {next: number} = {next: 0}) {}

	get size(): number {
		return this.items.length;
	}

	peek(): T | undefined {
		return this.items[0];
	}

	/** Adds an item (not already in the heap) due at `dueAt`. */
	schedule(item: T, dueAt: number): void {
		item.dueAt = dueAt;
		item.seq = this.order.next++;
		item.heapIndex = this.items.length;
		this.items.push(item);
		this.up(item.heapIndex);
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
		const last = items.pop()!;
		removed.heapIndex = -1;
		if (index < items.length) {
			items[index] = last;
			last.heapIndex = index;
			this.down(index);
			this.up(last.heapIndex);
		}
	}

	private less(a: T, b: T): boolean {
		return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.seq < b.seq);
	}

	private up(index: number): void {
		const items = this.items;
		const item = items[index]!;
		while (index > 0) {
			const parentIndex = (index - 1) >> 1;
			const parent = items[parentIndex]!;
			if (!this.less(item, parent)) break;
			items[index] = parent;
			parent.heapIndex = index;
			index = parentIndex;
		}

		items[index] = item;
		item.heapIndex = index;
	}

	private down(index: number): void {
		const items = this.items;
		const n = items.length;
		const item = items[index]!;
		for (;;) {
			let child = 2 * index + 1;
			if (child >= n) break;
			if (child + 1 < n && this.less(items[child + 1]!, items[child]!)) child++;
			if (!this.less(items[child]!, item)) break;
			items[index] = items[child]!;
			items[index]!.heapIndex = index;
			index = child;
		}

		items[index] = item;
		item.heapIndex = index;
	}
}
