// An in-process sender as the engine schedules it: one SMPP bind with its window of
// unanswered submits and its rate cap, the messages it holds, and its counts. The engine
// decides what happens; this only keeps where the sender stands. Pure.
import {AttemptModel, nextSubmitAt, type SpecModel} from './attempt.js';
import {Deque} from './deque.js';
import type {Schedulable} from './event-heap.js';
import type {Histogram} from './histogram.js';
import type {MessageBody} from './message.js';
import type {Rng} from './rng.js';
import type {SenderSnapshot, SenderSpec, SenderState} from './types.js';

export interface Message extends MessageBody {
	id: number;
	producedAt: number;
	/** First pickup by a sender; -1 until then. */
	pickedAt: number;
	/** Attempts finished so far. */
	attempts: number;
	/** Start of the attempt under way (its first submit); -1 before it. */
	attemptStart: number;
	/** Segments of the attempt under way not answered yet (a throttled one stays here). */
	unanswered: number;
	/** Accepted, kept for its log line until its receipt comes (or it expires, at dueAt). */
	acceptedAt: number;
	acceptedBy: number;
	dueAt: number;
	/** Its neighbours in its sender's list of held messages (a message is held by one sender at most). */
	heldPrev: Message | undefined;
	heldNext: Message | undefined;
}

/** A sender: the shared attempt model, and where it stands on the simulated clock. */
export class Sender extends AttemptModel implements Schedulable {
	/** Its own event: the end of a rest, or the moment its rate cap lets it submit again. */
	dueAt = 0;
	seq = 0;
	heapIndex = -1;
	state: SenderState = 'idle';
	/**
	 * Messages it holds: a list through the messages themselves, so holding one costs the
	 * sender no array (with 100,000 senders every object an event reaches is a cache miss).
	 */
	private heldFirst: Message | undefined;
	holding = 0;
	/**
	 * Segments ready to submit, in order: `readyCount` of `readyMessage` first (a message's
	 * segments, or its retry: mostly all there is), then `readyMore`, one entry a segment,
	 * made only when segments of two messages wait at once.
	 */
	private readyMessage: Message | undefined;
	private readyCount = 0;
	private readyMore: Deque<Message> | undefined;
	/** Its window (spec.window ?? 1) and the ms between submits its rate cap asks (0: none). */
	window = 1;
	spacingMs = 0;
	/** Submits answered not yet: out of the window. */
	windowUsed = 0;
	/** When it last submitted (its rate cap spaces the next one from here). */
	lastSubmitAt = -Infinity;
	/** After a throttled answer it submits nothing before this. */
	holdUntil = 0;
	isResting = false;
	restStart = 0;
	/** In the engine's list of senders waiting for a message. */
	isWaiting = false;
	/** Bumped on every change, so snapshots can reuse an unchanged sender's object. */
	version = 0;
	sent = 0;
	failed = 0;
	attempts = 0;
	segments = 0;
	throttled = 0;
	timeSumMs = 0;
	waitSumMs = 0;
	rests = 0;
	restedMs = 0;
	/** Its times per message (histogram.ts SenderTimes): values while few, then buckets. */
	timesCount = 0;
	timesFew: number[] | undefined;
	timesDense: Histogram | undefined;
	cached: SenderSnapshot | undefined;
	cachedVersion = -1;

	constructor(
		readonly id: number,
		model: SpecModel,
		rng: Rng | number,
	) {
		super(model.spec, rng, model);
		this.readLimits();
	}

	override tune(patch: Partial<SenderSpec>): void {
		super.tune(patch);
		this.readLimits();
	}

	/** The next segment ready to submit (a message's, once per segment), if any. */
	nextReady(): Message | undefined {
		if (this.readyCount > 0) {
			const message = this.readyMessage;
			if (--this.readyCount === 0) this.readyMessage = undefined;
			return message;
		}

		return this.readyMore?.shift();
	}

	/** Readies `count` segments of `message`, ahead of anything else. */
	readyFirst(message: Message, count: number): void {
		if (count <= 0) return;
		if (this.readyCount > 0 && this.readyMessage !== message) {
			const more = (this.readyMore ??= new Deque<Message>(4));
			for (let i = 0; i < this.readyCount; i++) more.unshift(this.readyMessage!);
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
	hold(message: Message): void {
		const first = this.heldFirst;
		message.heldPrev = undefined;
		message.heldNext = first;
		if (first !== undefined) first.heldPrev = message;
		this.heldFirst = message;
		this.holding++;
	}

	/** Lets go of a message it held (finished, or back to the queue). */
	drop(message: Message): void {
		const {heldPrev: prev, heldNext: next} = message;
		if (prev === undefined) this.heldFirst = next;
		else prev.heldNext = next;
		if (next !== undefined) next.heldPrev = prev;
		message.heldPrev = undefined;
		message.heldNext = undefined;
		this.holding--;
	}

	/**
	 * Lets go of everything (it is being removed): its messages, in the order it took them,
	 * their unfinished attempts forgotten. Its submits on the clock are answered to nobody.
	 */
	letGo(): Message[] {
		const held: Message[] = [];
		for (let message = this.heldFirst; message !== undefined; message = message.heldNext) held.push(message);
		held.sort((a, b) => a.pickedAt - b.pickedAt || a.id - b.id);
		for (const message of held) {
			message.attemptStart = -1;
			message.heldPrev = undefined;
			message.heldNext = undefined;
		}

		this.heldFirst = undefined;
		this.holding = 0;
		this.windowUsed = 0;
		this.readyMessage = undefined;
		this.readyCount = 0;
		this.readyMore = undefined;
		return held;
	}

	private readLimits(): void {
		this.window = this.spec.window ?? 1;
		this.spacingMs = this.spec.rate === undefined ? 0 : 1000 / this.spec.rate;
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

/** A message object for the producer to fill (it reuses finished ones first). */
export function newMessage(): Message {
	return {
		id: 0,
		phone: 0,
		textLength: 0,
		textSeed: 0,
		producedAt: 0,
		pickedAt: -1,
		attempts: 0,
		attemptStart: -1,
		unanswered: 0,
		acceptedAt: 0,
		acceptedBy: 0,
		dueAt: 0,
		heldPrev: undefined,
		heldNext: undefined,
	};
}
