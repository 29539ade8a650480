// Receipts to come that no --log line waits for. They are only counted (delivered, reach
// times, the last outcome, the exact moment of size's goal), and counting is the same in
// any order, so they are no events on the clock: each is kept, unordered, in a bucket of
// its due time, and whole buckets are counted once the clock has passed them. A heap's pop
// per receipt was an eighth of a run with every delivery key on.
import {doubled} from './doubled.js';
import type {Tally} from './figures.js';

/** Buckets in the ring; a bucket is 1/64 of the mean delay, so the ring spans 128 means. */
const ringSize = 8192;
const ringMask = ringSize - 1;
const bucketsAMean = 64;

export class ReceiptCounts {
	/** Receipts still to come. */
	count = 0;
	/** The latest due time counted; -Infinity before any. */
	lastDueAt = Number.NEGATIVE_INFINITY;
	/** Width of a bucket, ms. */
	private readonly width: number;
	/** Number of the ring's first bucket (every earlier one is counted), and its slot. */
	private base = 0;
	private baseSlot = 0;
	private ringCount = 0;
	/** Each slot's list of receipts (-1: none) and its earliest due time. */
	private readonly heads = new Int32Array(ringSize).fill(-1);
	private readonly firsts = new Float64Array(ringSize).fill(Number.POSITIVE_INFINITY);
	/** Receipts due beyond the ring, one list, brought in as the ring moves on. */
	private overflow = -1;
	private overflowBucket = Number.POSITIVE_INFINITY;
	private overflowFirst = Number.POSITIVE_INFINITY;
	/** The receipts: due time, when asked for, the next of its list; free ones listed from `free`. */
	private dues = new Float64Array(1024);
	private askeds = new Float64Array(1024);
	private next = new Int32Array(1024);
	private used = 0;
	private free = -1;
	private scratch = new Float64Array(256);
	/** firstDueAt() kept while no receipt is counted; NaN: to be found. */
	private first = Number.POSITIVE_INFINITY;

	/** @param meanMs the receipts' mean delay (their buckets are a fraction of it) */
	constructor(meanMs: number) {
		this.width = Math.max(meanMs, 1) / bucketsAMean;
	}

	/** A receipt due at `dueAt` (not before the clock) of a message asked for at `askedAt`. */
	push(dueAt: number, askedAt: number): void {
		const receipt = this.take();
		this.dues[receipt] = dueAt;
		this.askeds[receipt] = askedAt;
		this.count++;
		this.place(receipt, Math.max(this.base, Math.floor(dueAt / this.width)));
		if (dueAt < this.first) this.first = dueAt;
	}

	/** The earliest due time to come; Infinity when none. */
	firstDueAt(): number {
		if (Number.isNaN(this.first)) {
			this.first = this.overflowFirst;
			for (let i = 0; this.ringCount > 0 && i < ringSize; i++) {
				const slot = (this.baseSlot + i) & ringMask;
				if (this.heads[slot]! >= 0) {
					this.first = Math.min(this.firsts[slot]!, this.overflowFirst);
					break;
				}
			}
		}

		return this.first;
	}

	/**
	 * Counts into `tally` the receipts due at or before `untilMs` (Infinity: all), as if each
	 * had come at its time; `isWhole` false counts only whole buckets before it (cheaper,
	 * while the clock is inside one). Receipts are due at or after the clock when kept and
	 * counted in order of buckets, so the goal's exact moment is found in the pass that
	 * reaches it.
	 * @returns how many were counted
	 */
	countUntil(untilMs: number, tally: Tally, isWhole = true): number {
		const before = this.count;
		const end = Math.floor(untilMs / this.width);
		while (this.base < end && (this.ringCount > 0 || this.overflow >= 0)) {
			if (this.ringCount === 0) {
				// Nothing in the ring: on to the first bucket of the overflow.
				this.base = Math.min(end, this.overflowBucket);
				this.baseSlot = 0;
				if (this.base >= end) break;
			}

			if (this.overflowBucket < this.base + ringSize) this.bringIn();
			this.countSlot(this.baseSlot, Number.POSITIVE_INFINITY, tally);
			this.base++;
			this.baseSlot = (this.baseSlot + 1) & ringMask;
		}

		if (this.base < end && Number.isFinite(end)) {
			this.base = end;
			this.baseSlot = 0;
		}

		if (isWhole && this.base === end) {
			if (this.overflowBucket < this.base + ringSize) this.bringIn();
			if (this.firsts[this.baseSlot]! <= untilMs) this.countSlot(this.baseSlot, untilMs, tally);
		}

		return before - this.count;
	}

	/** Counts the receipts of a slot due at or before `untilMs`; the others stay. */
	private countSlot(slot: number, untilMs: number, tally: Tally): void {
		if (this.heads[slot]! < 0) return;
		const {dues, askeds, next} = this;
		const isRankNear = tally.reachRank > tally.reached;
		let kept = -1;
		let keptFirst = Number.POSITIVE_INFINITY;
		let counted = 0;
		let last = this.lastDueAt;
		for (let receipt = this.heads[slot]!; receipt >= 0; ) {
			const after = next[receipt]!;
			const due = dues[receipt]!;
			if (due <= untilMs) {
				tally.reachHistogram.record(due - askeds[receipt]!);
				if (due > last) last = due;
				if (isRankNear) this.keep(counted, due);
				counted++;
				next[receipt] = this.free;
				this.free = receipt;
			} else {
				next[receipt] = kept;
				kept = receipt;
				if (due < keptFirst) keptFirst = due;
			}

			receipt = after;
		}

		this.heads[slot] = kept;
		this.firsts[slot] = keptFirst;
		this.ringCount -= counted;
		this.count -= counted;
		this.lastDueAt = last;
		this.first = Number.NaN;
		const rank = tally.reachRank - tally.reached;
		tally.receiptsCame(counted, last, isRankNear && rank <= counted ? this.scratch.subarray(0, counted).sort()[rank - 1] : undefined);
	}

	/** Puts a receipt in the bucket numbered `bucket`: the ring's, or the overflow. */
	private place(receipt: number, bucket: number): void {
		const due = this.dues[receipt]!;
		if (bucket < this.base + ringSize) {
			const slot = (this.baseSlot + bucket - this.base) & ringMask;
			this.next[receipt] = this.heads[slot]!;
			this.heads[slot] = receipt;
			if (due < this.firsts[slot]!) this.firsts[slot] = due;
			this.ringCount++;
		} else {
			this.next[receipt] = this.overflow;
			this.overflow = receipt;
			if (bucket < this.overflowBucket) this.overflowBucket = bucket;
			if (due < this.overflowFirst) this.overflowFirst = due;
		}
	}

	/** Moves into the ring the overflow's receipts it now spans. */
	private bringIn(): void {
		let receipt = this.overflow;
		this.overflow = -1;
		this.overflowBucket = Number.POSITIVE_INFINITY;
		this.overflowFirst = Number.POSITIVE_INFINITY;
		while (receipt >= 0) {
			const after = this.next[receipt]!;
			this.place(receipt, Math.max(this.base, Math.floor(this.dues[receipt]! / this.width)));
			receipt = after;
		}
	}

	private keep(index: number, due: number): void {
		if (index === this.scratch.length) this.scratch = doubled(this.scratch);

		this.scratch[index] = due;
	}

	/** A free receipt's index. */
	private take(): number {
		if (this.free >= 0) {
			const receipt = this.free;
			this.free = this.next[receipt]!;
			return receipt;
		}

		if (this.used === this.dues.length) {
			this.dues = doubled(this.dues);
			this.askeds = doubled(this.askeds);
			this.next = doubled(this.next);
		}

		return this.used++;
	}
}
