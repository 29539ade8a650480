// The submits awaiting their answer, in the order of a TimeHeap (by time, then by the
// order they were pushed) but kept in buckets of time: with 100,000 senders at work,
// 100,000 submits wait, and each pop of one heap of them went six levels down through
// memory no cache holds. Here only the items of the earliest bucket (some 64) are in a
// heap; the later ones wait, unsorted, in the bucket of their time, and an item is
// appended to its bucket and read back in order, memory the cache fetches ahead.
//
// A span of buckets (an epoch) is laid over the times waiting when it starts: their
// earliest to their latest, some 64 items a bucket. An item due past the last bucket waits
// in an overflow list, from which the next epoch is laid out. The bucket of a time is
// floor((time - base) / width), which never decreases as time grows, so an item of an
// earlier bucket is never due after one of a later bucket, whatever the rounding.
// An item at Infinity keeps its place, after every finite one; NaN is no time. Pure.
import {doubled} from './doubled.js';
import {TimeHeap, type TimeQueue} from './time-heap.js';

/** Items a bucket, roughly, when an epoch is laid out. */
const perBucket = 64;
/** Items a chunk of a bucket's list; each item is four doubles (time, order, number, item). */
const chunkItems = 16;
const chunkDoubles = 4 * chunkItems;

export class TimeBuckets implements TimeQueue {
	size = 0;
	/** The number the item last popped carried. */
	poppedValue = 0;
	/** The items of the buckets up to `current`, and any pushed due before the epoch's base. */
	private readonly near: TimeHeap;
	/** Chunks of items, each linked to the next (`links`, -1: none); free ones in a list of their own. */
	private chunks: Float64Array;
	private links: Int32Array;
	private chunksUsed = 0;
	private firstFree = -1;
	/** Each bucket of the epoch: its first and last chunk (-1: empty), and the items in its last. */
	private heads = new Int32Array(16).fill(-1);
	private tails = new Int32Array(16);
	private fills = new Int32Array(16);
	private bucketCount = 0;
	private current = -1;
	/** Where the epoch's first bucket starts (clearEpoch says what ±Infinity mean). */
	private base = Number.NEGATIVE_INFINITY;
	private width = 1;
	/** Items due past the epoch's last bucket: their list, and their earliest and latest time. */
	private overflowHead = -1;
	private overflowTail = -1;
	private overflowFill = 0;
	private overflowCount = 0;
	private overflowMin = Number.POSITIVE_INFINITY;
	private overflowMax = Number.NEGATIVE_INFINITY;

	/**
	 * @param order the scheduling order, shared with another queue whose ties must interleave
	 * @param capacity how many it will likely hold at once (it grows past them)
	 */
	constructor(
		private readonly order: {next: number} = {next: 0},
		capacity = 1024,
	) {
		this.near = new TimeHeap(order, 4 * perBucket);
		// Room for the items twice over: a bucket's last chunk is mostly part empty.
		const chunks = Math.ceil(Math.max(1, capacity) / chunkItems) * 2 + 16;
		this.chunks = new Float64Array(chunks * chunkDoubles);
		this.links = new Int32Array(chunks);
	}

	/** When the first item is due; Infinity when empty. */
	peekTime(): number {
		return this.near.peekTime();
	}

	/** The first item's place in the scheduling order (to break a tie with another queue). */
	peekSeq(): number {
		return this.near.peekSeq();
	}

	peek(): number | undefined {
		return this.near.peek();
	}

	/** The number the first item carries; 0 when empty. */
	peekValue(): number {
		return this.near.peekValue();
	}

	push(item: number, atMs: number, value = 0): void {
		const seq = this.order.next++;
		this.size++;
		const bucket = Math.floor((atMs - this.base) / this.width);
		if (bucket <= this.current) {
			this.near.insert(item, atMs, seq, value);
			return;
		}

		if (bucket < this.bucketCount) {
			this.append(bucket, atMs, seq, value, item);
		} else {
			this.overflow(atMs, seq, value, item);
		}

		if (this.near.size === 0) this.advance();
	}

	pop(): number | undefined {
		const item = this.near.pop();
		if (item === undefined) return undefined;
		this.poppedValue = this.near.poppedValue;
		this.size--;
		if (this.near.size === 0) {
			if (this.size > 0) this.advance();
			else this.clearEpoch(Number.NEGATIVE_INFINITY);
		}

		return item;
	}

	/** The near heap is empty but items wait: the next bucket with items goes into it, or the next epoch starts. */
	private advance(): void {
		while (this.near.size === 0 && this.size > 0) {
			let bucket = this.current + 1;
			while (bucket < this.bucketCount && this.heads[bucket]! < 0) bucket++;
			if (bucket < this.bucketCount) {
				this.current = bucket;
				this.load(bucket);
			} else {
				this.startEpoch();
			}
		}
	}

	/** Moves a bucket's items into the near heap. */
	private load(bucket: number): void {
		this.moveToNear(this.heads[bucket]!, this.tails[bucket]!, this.fills[bucket]!);
		this.heads[bucket] = -1;
	}

	/** Lays a new span of buckets over the overflow's times and moves its items into them. */
	private startEpoch(): void {
		const count = this.overflowCount;
		const min = this.overflowMin;
		const max = this.overflowMax;
		let chunk = this.overflowHead;
		const last = this.overflowTail;
		const lastFill = this.overflowFill;
		this.resetOverflow();

		const spans = Math.max(1, Math.ceil(count / perBucket));
		const width = (max - min) / spans;
		this.base = min;
		this.width = width > 0 && Number.isFinite(width) ? width : 1;
		// The latest time falls in bucket `spans` itself ((max - min) / width is spans): one more.
		this.bucketCount = spans + 1;
		this.current = -1;
		if (this.heads.length < this.bucketCount) {
			const length = Math.max(this.bucketCount, 2 * this.heads.length);
			this.heads = new Int32Array(length);
			this.tails = new Int32Array(length);
			this.fills = new Int32Array(length);
		}

		this.heads.fill(-1, 0, this.bucketCount);
		while (chunk >= 0) {
			// (Read anew each chunk: taking chunks may have grown them.)
			const {chunks, links} = this;
			const fill = chunk === last ? lastFill : chunkItems;
			for (let i = 0, at = chunk * chunkDoubles; i < fill; i++, at += 4) {
				const atMs = chunks[at]!;
				const bucket = Math.floor((atMs - this.base) / this.width);
				if (bucket < this.bucketCount) this.append(bucket, atMs, chunks[at + 1]!, chunks[at + 2]!, chunks[at + 3]!);
				else this.overflow(atMs, chunks[at + 1]!, chunks[at + 2]!, chunks[at + 3]!);
			}

			const next = links[chunk]!;
			this.free(chunk);
			chunk = next;
		}

		// No time fell in a bucket (the earliest is Infinity): they all go to the near heap, in order.
		if (this.overflowCount === count) {
			this.moveToNear(this.overflowHead, this.overflowTail, this.overflowFill);
			this.resetOverflow();
			this.clearEpoch(Number.POSITIVE_INFINITY);
		}
	}

	/** No buckets; `base` -Infinity puts every item pushed in the overflow, +Infinity (until the near heap is empty) in the near heap. */
	private clearEpoch(base: number): void {
		this.base = base;
		this.bucketCount = 0;
		this.current = -1;
	}

	/** Moves the items of a list of chunks (`fill` of them in its last) into the near heap, and frees the chunks. */
	private moveToNear(head: number, last: number, fill: number): void {
		const {chunks, links, near} = this;
		for (let chunk = head; chunk >= 0; ) {
			const count = chunk === last ? fill : chunkItems;
			// Stored as time, order, number, item.
			for (let i = 0, at = chunk * chunkDoubles; i < count; i++, at += 4) near.insert(chunks[at + 3]!, chunks[at]!, chunks[at + 1]!, chunks[at + 2]!);
			const next = links[chunk]!;
			this.free(chunk);
			chunk = next;
		}
	}

	private resetOverflow(): void {
		this.overflowHead = -1;
		this.overflowTail = -1;
		this.overflowFill = 0;
		this.overflowCount = 0;
		this.overflowMin = Number.POSITIVE_INFINITY;
		this.overflowMax = Number.NEGATIVE_INFINITY;
	}

	private append(bucket: number, atMs: number, seq: number, value: number, item: number): void {
		const last = this.heads[bucket]! < 0 ? -1 : this.tails[bucket]!;
		const chunk = this.chunkFor(last, this.fills[bucket]!);
		if (last < 0) this.heads[bucket] = chunk;
		const fill = chunk === last ? this.fills[bucket]! : 0;
		this.tails[bucket] = chunk;
		this.fills[bucket] = fill + 1;
		this.write(chunk * chunkDoubles + 4 * fill, atMs, seq, value, item);
	}

	private overflow(atMs: number, seq: number, value: number, item: number): void {
		const last = this.overflowTail;
		const chunk = this.chunkFor(last, this.overflowFill);
		if (last < 0) this.overflowHead = chunk;
		const fill = chunk === last ? this.overflowFill : 0;
		this.overflowTail = chunk;
		this.overflowFill = fill + 1;
		this.write(chunk * chunkDoubles + 4 * fill, atMs, seq, value, item);
		this.overflowCount++;
		if (atMs < this.overflowMin) this.overflowMin = atMs;
		// (An item at Infinity would make the next epoch's buckets useless: it is left out of the span.)
		if (atMs > this.overflowMax && atMs !== Number.POSITIVE_INFINITY) this.overflowMax = atMs;
	}

	/** The chunk a list's next item goes in: its last, `last` (-1: a list of none), while it has room, else a new one linked after it. */
	private chunkFor(last: number, fill: number): number {
		if (last >= 0 && fill < chunkItems) return last;
		const chunk = this.take();
		if (last >= 0) this.links[last] = chunk;
		return chunk;
	}

	private write(at: number, atMs: number, seq: number, value: number, item: number): void {
		const chunks = this.chunks;
		chunks[at] = atMs;
		chunks[at + 1] = seq;
		chunks[at + 2] = value;
		chunks[at + 3] = item;
	}

	/** A free chunk, linked to nothing. */
	private take(): number {
		let chunk = this.firstFree;
		if (chunk >= 0) {
			this.firstFree = this.links[chunk]!;
		} else {
			if (this.chunksUsed === this.links.length) {
				this.chunks = doubled(this.chunks);
				this.links = doubled(this.links);
			}

			chunk = this.chunksUsed++;
		}

		this.links[chunk] = -1;
		return chunk;
	}

	private free(chunk: number): void {
		this.links[chunk] = this.firstFree;
		this.firstFree = chunk;
	}
}
