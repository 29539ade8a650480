// An in-process sender as the engine schedules it: one SMPP bind with its window of
// unanswered submits and its rate cap, the messages it holds, and its counts. The engine
// decides what happens; this only keeps where the sender stands. Pure.
import {AttemptModel, nextSubmitAt, type SpecModel} from './attempt.js';
import {Deque} from './deque.js';
import type {Schedulable} from './event-heap.js';
import type {Quantiles} from './histogram.js';
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
	/** Its place in its sender's `held`, -1 when no sender holds it. */
	heldAt: number;
}

/** One submit the gateway has not answered yet; without a message once its sender is removed. */
export class Submit {
	isThrottled = false;
	message: Message | undefined;

	constructor(readonly sender: Sender) {}
}

/** A sender: the shared attempt model, and where it stands on the simulated clock. */
export class Sender extends AttemptModel implements Schedulable {
	/** Its own event: the end of a rest, or the moment its rate cap lets it submit again. */
	dueAt = 0;
	seq = 0;
	heapIndex = -1;
	state: SenderState = 'idle';
	/**
	 * Messages it holds; segments ready to submit, one entry per segment; every submit object
	 * it has made (in flight or spare), `free` the spare ones. Made at first use: 100,000
	 * idle senders cost no arrays.
	 */
	private held: Message[] | undefined;
	private ready: Deque<Message> | undefined;
	submits: Submit[] | undefined;
	private free: Submit[] | undefined;
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
	/** Made at the first outcome: 2 KB each, so a million idle senders cost no gigabytes. */
	histogram: Quantiles | undefined;
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

	get holding(): number {
		return this.held === undefined ? 0 : this.held.length;
	}

	/** The next segment ready to submit (a message's, once per segment), if any. */
	nextReady(): Message | undefined {
		return this.ready === undefined ? undefined : this.ready.shift();
	}

	/** Readies `count` segments of `message`, ahead of anything else. */
	readyFirst(message: Message, count: number): void {
		if (count <= 0) return;
		const ready = (this.ready ??= new Deque<Message>(4));
		for (let i = 0; i < count; i++) ready.unshift(message);
	}

	/** The earliest it may submit again: its rate cap spaces submits, a backoff holds them. */
	nextSubmitAt(): number {
		return nextSubmitAt(this.lastSubmitAt, this.holdUntil, this.spec.rate);
	}

	/** A submit object to schedule (reused: a run makes no garbage per message). */
	takeSubmit(message: Message): Submit {
		let submit = this.free?.pop();
		if (submit === undefined) {
			submit = new Submit(this);
			// A literal of one is one slot; `[]` grows to 17 at its first push.
			if (this.submits === undefined) this.submits = [submit];
			else this.submits.push(submit);
		}

		submit.message = message;
		submit.isThrottled = false;
		return submit;
	}

	releaseSubmit(submit: Submit): void {
		submit.message = undefined;
		if (this.free === undefined) this.free = [submit];
		else this.free.push(submit);
	}

	/** Holds a message it took. */
	hold(message: Message): void {
		if (this.held === undefined) {
			message.heldAt = 0;
			this.held = [message];
			return;
		}

		message.heldAt = this.held.length;
		this.held.push(message);
	}

	/** Lets go of a message it held (finished, or back to the queue). */
	drop(message: Message): void {
		const held = this.held!;
		const last = held.pop()!;
		if (last !== message) {
			held[message.heldAt] = last;
			last.heldAt = message.heldAt;
		}

		message.heldAt = -1;
	}

	/**
	 * Lets go of everything (it is being removed): its messages, in the order it took them,
	 * their unfinished attempts forgotten. Its submits must be taken off the clock first.
	 */
	letGo(): Message[] {
		const held = [...(this.held ?? [])].sort((a, b) => a.pickedAt - b.pickedAt || a.id - b.id);
		for (const message of held) {
			message.attemptStart = -1;
			message.heldAt = -1;
		}

		this.held = undefined;
		this.windowUsed = 0;
		this.ready = undefined;
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
		heldAt: -1,
		dueAt: 0,
	};
}
