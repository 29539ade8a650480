// An in-process sender as the engine schedules it: one SMPP bind with its window of
// unanswered submits and its rate cap, the messages it holds, and its counts. The engine
// decides what happens; this only keeps where the sender stands. Pure.
import {AttemptModel, nextSubmitAt, type SpecModel} from './attempt.js';
import {Deque} from './deque.js';
import type {Messages} from './engine-message.js';
import type {Schedulable} from './event-heap.js';
import type {Histogram} from './histogram.js';
import type {Rng} from './rng.js';
import {Rows} from './rows.js';
import {TimesArena} from './sender-times.js';
import type {SenderSnapshot, SenderSpec, SenderState} from './types.js';

/** The senders' rows of times (rows.ts), and the arena of their few times per message. An engine has its own. */
export class SenderRows extends Rows {
	/** Their times per message while each has few. */
	readonly times: TimesArena;

	/** @param timesChunks chunks of times its senders will likely fill (TimesArena) */
	constructor(timesChunks = 1024) {
		super();
		this.times = new TimesArena(timesChunks);
	}
}

const dueAtAt = 0;
const lastSubmitAtAt = 1;
const holdUntilAt = 2;
const spacingMsAt = 3;
const timeSumMsAt = 4;
const waitSumMsAt = 5;
const restStartAt = 6;
const restedMsAt = 7;

/** A sender: the shared attempt model, and where it stands on the simulated clock. */
export class Sender extends AttemptModel implements Schedulable {
	// What every message reaches comes first (fields sit in this order), what only rests,
	// the heap or snapshots read comes last.
	state: SenderState = 'idle';
	/** Submits answered not yet: out of the window. */
	windowUsed = 0;
	/** Its window (spec.window ?? 1). */
	window = 1;
	/**
	 * Messages it holds: a list through the messages themselves (-1: none), so holding one
	 * costs the sender no array (with 100,000 senders every object an event reaches is a cache miss).
	 */
	private heldFirst = -1;
	holding = 0;
	/**
	 * Segments ready to submit, in order: `readyCount` of message `readyMessage` first (a
	 * message's segments, or its retry: mostly all there is), then `readyMore`, one entry a
	 * segment, made only when segments of two messages wait at once.
	 */
	private readyMessage = -1;
	private readyCount = 0;
	isResting = false;
	/** In the engine's list of senders waiting for a message. */
	isWaiting = false;
	/** Bumped on every change, so snapshots can reuse an unchanged sender's object. */
	version = 0;
	sent = 0;
	failed = 0;
	attempts = 0;
	/** Its times per message (sender-times.ts): values while few, then buckets. */
	timesCount = 0;
	timesFirst = -1;
	timesLast = -1;
	readonly timesArena: TimesArena;
	/** Its row of times (SenderRows). */
	private readonly block: Float64Array;
	private readonly row: number;
	heapIndex = -1;
	seq = 0;
	segments = 0;
	/** What few senders need (extras below), made for the first that does. */
	private extras: SenderExtras | undefined;

	constructor(
		readonly id: number,
		model: SpecModel,
		rng: Rng | number,
		rows: SenderRows,
	) {
		super(model.spec, rng, model);
		this.timesArena = rows.times;
		const {block, row} = rows.take();
		this.block = block;
		this.row = row;
		this.lastSubmitAt = Number.NEGATIVE_INFINITY;
		this.readLimits();
	}

	/** Its own event: the end of a rest, or the moment its rate cap lets it submit again. */
	get dueAt(): number {
		return this.block[this.row + dueAtAt]!;
	}

	set dueAt(ms: number) {
		this.block[this.row + dueAtAt] = ms;
	}

	/** When it last submitted (its rate cap spaces the next one from here). */
	get lastSubmitAt(): number {
		return this.block[this.row + lastSubmitAtAt]!;
	}

	set lastSubmitAt(ms: number) {
		this.block[this.row + lastSubmitAtAt] = ms;
	}

	/** After a throttled answer it submits nothing before this. */
	get holdUntil(): number {
		return this.block[this.row + holdUntilAt]!;
	}

	set holdUntil(ms: number) {
		this.block[this.row + holdUntilAt] = ms;
	}

	/** The ms between submits its rate cap asks (0: none). */
	get spacingMs(): number {
		return this.block[this.row + spacingMsAt]!;
	}

	get timeSumMs(): number {
		return this.block[this.row + timeSumMsAt]!;
	}

	set timeSumMs(ms: number) {
		this.block[this.row + timeSumMsAt] = ms;
	}

	get waitSumMs(): number {
		return this.block[this.row + waitSumMsAt]!;
	}

	set waitSumMs(ms: number) {
		this.block[this.row + waitSumMsAt] = ms;
	}

	get restStart(): number {
		return this.block[this.row + restStartAt]!;
	}

	set restStart(ms: number) {
		this.block[this.row + restStartAt] = ms;
	}

	get restedMs(): number {
		return this.block[this.row + restedMsAt]!;
	}

	set restedMs(ms: number) {
		this.block[this.row + restedMsAt] = ms;
	}

	/** Its failover rests so far. */
	get rests(): number {
		return this.extras?.rests ?? 0;
	}

	set rests(count: number) {
		this.more().rests = count;
	}

	/** Its submits the gateway answered "throttled". */
	get throttled(): number {
		return this.extras?.throttled ?? 0;
	}

	set throttled(count: number) {
		this.more().throttled = count;
	}

	/** Its times per message once it has many (sender-times.ts). */
	get timesDense(): Histogram | undefined {
		return this.extras?.timesDense;
	}

	set timesDense(histogram: Histogram | undefined) {
		if (histogram !== undefined || this.extras !== undefined) this.more().timesDense = histogram;
	}

	/** Its last snapshot and the version it was made at (figures.ts). */
	get cached(): SenderSnapshot | undefined {
		return this.extras?.cached;
	}

	set cached(snapshot: SenderSnapshot | undefined) {
		if (snapshot !== undefined || this.extras !== undefined) this.more().cached = snapshot;
	}

	get cachedVersion(): number {
		return this.extras?.cachedVersion ?? -1;
	}

	set cachedVersion(version: number) {
		this.more().cachedVersion = version;
	}

	private more(): SenderExtras {
		return (this.extras ??= new SenderExtras());
	}

	override tune(patch: Partial<SenderSpec>): void {
		super.tune(patch);
		this.readLimits();
	}

	/** The message of the next segment ready to submit (once per segment); -1: none. */
	nextReady(): number {
		if (this.readyCount > 0) {
			const message = this.readyMessage;
			if (--this.readyCount === 0) this.readyMessage = -1;
			return message;
		}

		return this.extras?.readyMore?.shift() ?? -1;
	}

	/** Readies `count` segments of `message`, ahead of anything else. */
	readyFirst(message: number, count: number): void {
		if (count <= 0) return;
		if (this.readyCount > 0 && this.readyMessage !== message) {
			const more = (this.more().readyMore ??= new Deque<number>(4));
			for (let i = 0; i < this.readyCount; i++) more.unshift(this.readyMessage);
			this.readyCount = 0;
		}

		this.readyMessage = message;
		this.readyCount += count;
	}

	/** The earliest it may submit again: its rate cap spaces submits, a backoff holds them. */
	nextSubmitAt(): number {
		return nextSubmitAt(this.lastSubmitAt, this.holdUntil, this.spec.rate);
	}

	/** Holds a message it took. */
	hold(messages: Messages, message: number): void {
		const first = this.heldFirst;
		messages.setHeld(message, this.id, -1, first);
		if (first >= 0) messages.setHeldPrev(first, message);
		this.heldFirst = message;
		this.holding++;
	}

	/** Lets go of a message it held (finished, or back to the queue). */
	drop(messages: Messages, message: number): void {
		const prev = messages.heldPrev(message);
		const next = messages.heldNext(message);
		if (prev < 0) this.heldFirst = next;
		else messages.setHeldNext(prev, next);
		if (next >= 0) messages.setHeldPrev(next, prev);
		messages.setHeld(message, 0, -1, -1);
		this.holding--;
	}

	/**
	 * Lets go of everything (it is being removed): its messages, in the order it took them,
	 * their unfinished attempts forgotten. Its submits on the clock are answered to nobody.
	 */
	letGo(messages: Messages): number[] {
		const held: number[] = [];
		for (let message = this.heldFirst; message >= 0; message = messages.heldNext(message)) held.push(message);
		held.sort((a, b) => messages.pickedAt(a) - messages.pickedAt(b) || messages.id(a) - messages.id(b));
		for (const message of held) {
			messages.setAttemptStart(message, -1);
			messages.setHeld(message, 0, -1, -1);
		}

		this.heldFirst = -1;
		this.holding = 0;
		this.windowUsed = 0;
		this.readyMessage = -1;
		this.readyCount = 0;
		if (this.extras !== undefined) this.extras.readyMore = undefined;
		return held;
	}

	private readLimits(): void {
		this.window = this.spec.window ?? 1;
		this.block[this.row + spacingMsAt] = this.spec.rate === undefined ? 0 : 1000 / this.spec.rate;
	}

	/** Its state as shown: resting, sending while it holds a message, else idle. */
	updateState(): void {
		const state: SenderState = this.state === 'removed' ? 'removed' : this.isResting ? 'resting' : this.holding > 0 ? 'sending' : 'idle';
		if (state !== this.state) {
			this.state = state;
			this.version++;
		}
	}
}

/**
 * What few senders ever need, apart: a field is 8 bytes on each of 100,000 senders, and an
 * event over that many waits on memory in proportion (16 more fields made such a run 7 %
 * slower). Made for a sender the first time it needs one of them.
 */
class SenderExtras {
	rests = 0;
	throttled = 0;
	timesDense: Histogram | undefined = undefined;
	/** Segments ready after those of `readyMessage`, one entry a segment (Sender.readyFirst). */
	readyMore: Deque<number> | undefined = undefined;
	cached: SenderSnapshot | undefined = undefined;
	cachedVersion = -1;
}
