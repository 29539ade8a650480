// A sender's times per message, with the quantiles of a Histogram(0.05) to the bit: the
// values themselves while it has few (with 100,000 senders each holds a handful), a
// Histogram's buckets once it has more. The few values sit in a TimesArena shared by the
// run's senders, eight to a chunk of one Float64Array, not in an array each: 100,000 growing
// arrays were a fifth to two fifths of a 100,000-sender run (their garbage, a cache miss each).
import {doubled} from './doubled.js';
import {Histogram} from './histogram.js';

/** Values a sender keeps one by one before it takes a Histogram's buckets (2.3 KB at 5 %). */
const fewValues = 64;
const senderPrecision = 0.05;
const chunkSize = 8;
/** Only its bucket arithmetic is used. */
let senderScale: Histogram | undefined;

/** Chunks of eight values, each linked to the next; chunks let go of are used again. */
export class TimesArena {
	private values: Float64Array;
	/** The chunk after each (-1: none); for free chunks, the next free one. */
	private next: Int32Array;
	private used = 0;
	private firstFree = -1;
	private scratch = new Float64Array(fewValues);

	constructor(chunks = 16) {
		this.values = new Float64Array(chunks * chunkSize);
		this.next = new Int32Array(chunks);
	}

	/** A chunk to fill, after `previous` (-1: it starts a list). */
	take(previous: number): number {
		let chunk = this.firstFree;
		if (chunk >= 0) {
			this.firstFree = this.next[chunk]!;
		} else {
			if (this.used === this.next.length) this.grow();
			chunk = this.used++;
		}

		this.next[chunk] = -1;
		if (previous >= 0) this.next[previous] = chunk;
		return chunk;
	}

	set(chunk: number, slot: number, value: number): void {
		this.values[chunk * chunkSize + slot] = value;
	}

	/** The first `count` values of the list starting at `first`. */
	read(first: number, count: number): number[] {
		const values: number[] = [];
		for (let chunk = first; values.length < count; chunk = this.next[chunk]!) {
			for (let slot = 0; slot < chunkSize && values.length < count; slot++) values.push(this.values[chunk * chunkSize + slot]!);
		}

		return values;
	}

	/**
	 * The first `count` values of the list starting at `first`, sorted, in a scratch array the
	 * next call overwrites (a summary of 100,000 senders makes no array per sender).
	 */
	sorted(first: number, count: number): Float64Array {
		if (this.scratch.length < count) this.scratch = new Float64Array(Math.max(count, 2 * this.scratch.length));
		const into = this.scratch.subarray(0, count);
		let n = 0;
		for (let chunk = first; n < count; chunk = this.next[chunk]!) {
			for (let slot = 0; slot < chunkSize && n < count; slot++) into[n++] = this.values[chunk * chunkSize + slot]!;
		}

		return into.sort();
	}

	/** Lets go of the list starting at `first`. */
	release(first: number): void {
		let chunk = first;
		while (chunk >= 0) {
			const after = this.next[chunk]!;
			this.next[chunk] = this.firstFree;
			this.firstFree = chunk;
			chunk = after;
		}
	}

	private grow(): void {
		this.values = doubled(this.values);
		this.next = doubled(this.next);
	}
}

/** Where a sender keeps its times per message; the fields sit in the sender itself. */
export interface SenderTimes {
	timesCount: number;
	/** Its values' first and last chunk in `timesArena` while it has few (-1: none). */
	timesFirst: number;
	timesLast: number;
	timesDense: Histogram | undefined;
	readonly timesArena: TimesArena;
}

/** The fields of a sender that has no times yet, keeping its values in `arena`. */
export function noTimes(arena: TimesArena): SenderTimes {
	return {timesCount: 0, timesFirst: -1, timesLast: -1, timesDense: undefined, timesArena: arena};
}

/** Counts one time per message in `times`. */
export function recordTime(times: SenderTimes, ms: number): void {
	const n = times.timesCount++;
	if (times.timesDense !== undefined) {
		times.timesDense.record(ms);
		return;
	}

	const arena = times.timesArena;
	if (n === fewValues) {
		const dense = new Histogram(senderPrecision);
		for (const value of arena.read(times.timesFirst, n)) dense.record(value);
		dense.record(ms);
		arena.release(times.timesFirst);
		times.timesFirst = -1;
		times.timesLast = -1;
		times.timesDense = dense;
		return;
	}

	const slot = n % chunkSize;
	if (slot === 0) {
		times.timesLast = arena.take(times.timesLast);
		if (n === 0) times.timesFirst = times.timesLast;
	}

	arena.set(times.timesLast, slot, ms);
}

/** As Histogram.quantile: the bucket of the ⌈q·n⌉-th smallest, kept within min and max; undefined with none. */
export function timesQuantile(times: SenderTimes, q: number): number | undefined {
	if (times.timesDense !== undefined) return times.timesDense.quantile(q);
	if (times.timesCount === 0) return undefined;
	const sorted = times.timesArena.sorted(times.timesFirst, times.timesCount);
	const value = (senderScale ??= new Histogram(senderPrecision)).bucketValue(sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!);
	return Math.min(sorted[sorted.length - 1]!, Math.max(sorted[0]!, value));
}
