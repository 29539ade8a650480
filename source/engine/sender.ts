// An in-process sender as the engine schedules it: one SMPP bind with its window of
// unanswered submits and its rate cap, the messages it holds, and its counts. The engine
// decides what happens; this only keeps where the sender stands. Pure.
import {AttemptModel} from './attempt.js';
import {Deque} from './deque.js';
import type {Schedulable} from './event-heap.js';
import type {Histogram} from './histogram.js';
import type {MessageBody} from './message.js';
import type {Rng} from './rng.js';
import type {SenderSnapshot, SenderSpec, SenderState} from './types.js';

export interface Message extends MessageBody, Schedulable {
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
	/** Accepted, awaiting its receipt: when (and whether it will come). */
	acceptedAt: number;
	isDelivering: boolean;
	/** The sender that had it accepted (for its log line once the receipt comes). */
	acceptedBy: number;
	kind: 'receipt';
}

/** One submit the gateway has not answered yet. */
export class Submit implements Schedulable {
	dueAt = 0;
	seq = 0;
	heapIndex = -1;
	readonly kind = 'answer';
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
	readonly kind = 'sender';
	state: SenderState = 'idle';
	/** Messages it holds, in the order it took them. */
	readonly held: Message[] = [];
	/** Segments ready to submit, one entry per segment. */
	readonly ready = new Deque<Message>(4);
	/** Submits in flight; `free` are spare ones. */
	readonly submits: Submit[] = [];
	readonly free: Submit[] = [];
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
	histogram: Histogram | undefined;
	cached: SenderSnapshot | undefined;
	cachedVersion = -1;

	constructor(
		readonly id: number,
		spec: SenderSpec,
		rng: Rng,
	) {
		super(spec, rng);
	}

	get holding(): number {
		return this.held.length;
	}

	get window(): number {
		return this.spec.window ?? 1;
	}

	/** The earliest it may submit again: its rate cap spaces submits, a backoff holds them. */
	nextSubmitAt(): number {
		const rate = this.spec.rate;
		return rate === undefined ? this.holdUntil : Math.max(this.holdUntil, this.lastSubmitAt + 1000 / rate);
	}

	/** A submit object to schedule (reused: a run makes no garbage per message). */
	takeSubmit(message: Message): Submit {
		const submit = this.free.pop() ?? new Submit(this);
		submit.message = message;
		submit.isThrottled = false;
		this.submits.push(submit);
		return submit;
	}

	releaseSubmit(submit: Submit): void {
		const at = this.submits.indexOf(submit);
		if (at >= 0) {
			this.submits[at] = this.submits.at(-1)!;
			this.submits.pop();
		}

		submit.message = undefined;
		this.free.push(submit);
	}

	/** Lets go of a message it held (finished, or back to the queue). */
	drop(message: Message): void {
		const at = this.held.indexOf(message);
		if (at >= 0) this.held.splice(at, 1);
	}

	/** Its state as shown: resting, sending while it holds a message, else idle. */
	updateState(): void {
		const state: SenderState = this.state === 'removed' ? 'removed' : this.isResting ? 'resting' : this.held.length > 0 ? 'sending' : 'idle';
		if (state !== this.state) {
			this.state = state;
			this.version++;
		}
	}
}
