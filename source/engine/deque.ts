// A ring-buffer double-ended queue: O(1) at both ends, grows by doubling, never shrinks.

export class Deque<T> {
	private items: Array<T | undefined>;
	private head = 0;
	length = 0;

	/** @param initialCapacity rounded up to a power of two (a sender's few segments: 2) */
	constructor(initialCapacity = 16) {
		let capacity = 2;
		while (capacity < initialCapacity) capacity *= 2;
		this.items = new Array<T | undefined>(capacity);
	}

	push(item: T): void {
		if (this.length === this.items.length) this.grow();
		this.items[(this.head + this.length) & (this.items.length - 1)] = item;
		this.length++;
	}

	unshift(item: T): void {
		if (this.length === this.items.length) this.grow();
		this.head = (this.head - 1) & (this.items.length - 1);
		this.items[this.head] = item;
		this.length++;
	}

	/** The item at the front, left in place. */
	first(): T | undefined {
		return this.length === 0 ? undefined : this.items[this.head];
	}

	shift(): T | undefined {
		if (this.length === 0) return undefined;
		const item = this.items[this.head];
		this.items[this.head] = undefined;
		this.head = (this.head + 1) & (this.items.length - 1);
		this.length--;
		return item;
	}

	private grow(): void {
		const old = this.items;
		const items = new Array<T | undefined>(old.length * 2);
		for (let i = 0; i < this.length; i++) items[i] = old[(this.head + i) & (old.length - 1)];
		this.items = items;
		this.head = 0;
	}
}
