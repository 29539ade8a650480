// What the driver, store and reports need of a simulation. The in-process Engine is
// one; broker mode provides another whose outcomes come from real workers.
import type {Spread} from './figures.js';
import type {Histogram} from './histogram.js';
import type {Outcome, SenderSnapshot, SenderSpec, Snapshot, TimedAction} from './types.js';

export type Totals = Omit<Snapshot, 'senders' | 'p50Ms' | 'p95Ms' | 'p99Ms' | 'reachP50Ms' | 'reachP95Ms' | 'reachP99Ms'>;

export interface Simulation {
	/** Simulated time, ms. Moves only forward. */
	readonly simMs: number;
	/** Every runtime change so far, in script form. */
	readonly actions: readonly TimedAction[];
	/** Called once per finished message (feeds --log). */
	onFinish: ((outcome: Outcome) => void) | undefined;
	/** Every message asked for has finished. */
	readonly isDone: boolean;
	/** Processes everything due at or before `untilMs`; returns early after `maxEvents`. */
	runUntil(untilMs: number, maxEvents?: number): number;
	/** When something is next due, or undefined when nothing ever will be by itself. */
	nextEventAt(): number | undefined;
	addSender(spec: SenderSpec): number;
	removeSender(id: number): boolean;
	tuneSender(id: number, patch: Partial<SenderSpec>): boolean;
	produceMore(count: number): void;
	/** Broker mode: messages handled more than once (at-least-once), each counted once. Absent in-process. */
	readonly duplicates?: number;
	/** SMPP mode: a real SMSC answers every submit, so a sender's send time and failure rate are not its own to change. */
	readonly sendsFromSmsc?: boolean;
	/** O(1) running totals. */
	totals(): Totals;
	/** Totals, percentiles and every sender, O(senders); `withSenders` false: an empty list, O(1). */
	snapshot(withSenders?: boolean): Snapshot;
	/** Min, percentiles and max of time per message and of end-to-end time; for the summary. */
	spread(): Spread;
	/**
	 * Every sender's figures as snapshot() shows them, in one object reused for each, making
	 * no object per sender (the in-process engine; the summary reads snapshot() without it).
	 */
	eachSenderFigures?(visit: (figures: Readonly<SenderSnapshot>) => void): void;
	/** Visits each running sender with its sent count (the sparklines count sent only). */
	forEachSender(visit: (id: number, sent: number) => void): void;
	/** Every finished message's time from first pickup to outcome (read it, never record). */
	readonly timeHistogram: Histogram;
	/** Every reached message's time from being asked for to reach (read it, never record). */
	readonly reachHistogram: Histogram;
	/**
	 * On a wall clock (broker mode), where the driver cannot stop time: stops or restarts
	 * the taking of messages; those in flight finish. Absent in-process.
	 */
	setPaused?(isPaused: boolean): Promise<void>;
}
