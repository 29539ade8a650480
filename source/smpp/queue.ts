// An SMPP run's messages before a bind takes them: made lazily from the run's seed, at most a
// fixed number ahead, and those a dropped bind hands back put at the front. Bounded memory.
import {Deque} from '../engine/deque.js';
import {drawMessage, producerRng, type MessageBody} from '../engine/message.js';

/** A message on its way: what it is, and what its attempts so far came to. */
export interface Message extends MessageBody {
	id: number;
	producedAt: number;
	/** First pickup, on the run's clock. */
	pickedAt: number | undefined;
	/** Attempts finished. */
	attempts: number;
	/** The SMSC's id of each segment accepted so far (a retry or a resend submits only the others). */
	ids: Array<string | undefined> | undefined;
}

/** Messages made ahead of the senders. */
const capacity = 1000;

export class MessageQueue {
	/** Messages made so far. */
	produced = 0;
	/** Messages handed back because their bind dropped. */
	handedBack = 0;
	private readonly rng;
	private readonly ready = new Deque<Message>();

	constructor(
		seed: number,
		/** Messages asked for (more with produceMore). */
		public total: number,
	) {
		this.rng = producerRng(seed);
	}

	get length(): number {
		return this.ready.length;
	}

	/** Makes messages ahead of the senders, up to the capacity, made at `atMs`. */
	topUp(atMs: number): void {
		while (this.ready.length < capacity && this.produced < this.total) {
			this.produced++;
			const message: Message = {id: this.produced, phone: 0, textLength: 0, textSeed: 0, producedAt: atMs, pickedAt: undefined, attempts: 0, ids: undefined};
			drawMessage(this.rng, message);
			this.ready.push(message);
		}
	}

	/** The next message, made now if none waits. */
	take(atMs: number): Message | undefined {
		if (this.ready.length === 0) this.topUp(atMs);
		return this.ready.shift();
	}

	/** A message whose bind dropped: back to the front, with what it went through. */
	handBack(message: Message): void {
		this.handedBack++;
		this.ready.unshift(message);
	}
}
