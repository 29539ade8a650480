// The sizes a run's buffers are made at, and which queue holds its submits: from its
// settings, before it starts. Grown by doubling from small, a run over 100,000 senders
// copied and first touched some 40 MB more; pages never touched are not resident.
import {segmentCount} from './segments.js';
import {TimeBuckets} from './time-buckets.js';
import {TimeHeap, type TimeQueue} from './time-heap.js';
import type {RunSettings} from './types.js';

/**
 * Pending submits from which the cache no longer holds them (nor their senders): then
 * they wait in buckets of time, not a heap (time-buckets.ts), and each event reads the
 * next one's sender and message ahead (engine.ts). With fewer, a heap and no read-ahead
 * do less work.
 */
export const manyPending = 8192;

/** The queue of submits awaiting their answer: buckets of time for many, else a heap. */
export function submitQueue(order: {next: number}, expected: number): TimeQueue {
	return expected > manyPending ? new TimeBuckets(order, expected) : new TimeHeap(order, expected);
}

/** How many messages, pending submits and chunks of senders' times a run will likely hold at once, at most. */
export function expectedSizes(settings: RunSettings, capacity: number): {messages: number; submits: number; timesChunks: number} {
	let windows = 0;
	for (const spec of settings.senders) windows += spec.window ?? 1;
	const {messages} = settings;
	const senders = settings.senders.length;
	// Windows may add up to billions; past a million, each buffer grows as the run fills it.
	const cap = 1 << 20;
	return {
		messages: Math.min(cap, messages, capacity + windows),
		submits: Math.min(cap, messages * segmentCount(settings.text), windows),
		// A sender keeps up to 64 times in chunks of 8 (sender-times.ts); senders added later need some too.
		timesChunks: Math.min(cap, 8 * senders, Math.ceil(messages / 8) + senders) + 16,
	};
}
