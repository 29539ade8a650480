// Messages as the engine keeps them while queued, in flight or awaiting their receipt: no
// object, a numbered slot each in one buffer. What an event reads of a message is its slot,
// 64 bytes, one cache line: with 100,000 senders at work each message an event reaches is a
// cache miss, and an object with a row of numbers was two. What only a --log line or a
// receipt reads is in a buffer of its own, made when first needed (a second 64 bytes a slot
// made a 100,000-sender run's messages twice the memory, 6 MB more). Slots of
// finished messages are used again, so a run has as many as are ever under way at once and
// makes no garbage per message: peak RSS stays flat however long it runs (bench/soak.js). Pure.
import {doubled} from './doubled.js';

const slotDoubles = 8;
const slotInts = 2 * slotDoubles;
// Doubles of a slot, then its 32-bit whole numbers (bytes 40-59). Its text is drawn but
// never kept: nothing in a simulated run reads it.
const producedAtAt = 0;
const pickedAtAt = 1;
const attemptStartAt = 2;
const idAt = 3;
const phoneAt = 4;
const heldByAt = 10;
const unansweredAt = 11;
const attemptsAt = 12;
const heldPrevAt = 13;
const heldNextAt = 14;
// A slot's row of `accepted`.
const acceptedDoubles = 3;
const acceptedAtAt = 0;
const dueAtAt = 1;
const acceptedByAt = 2;

/** An engine's messages; a message is the number of its slot. Each engine has its own. */
export class Messages {
	private doubles: Float64Array;
	private ints: Int32Array;
	/** What only a --log line or a receipt reads, a row a slot: made when a message is first kept for one. */
	private accepted = new Float64Array(0);
	private used = 0;
	/** Slots let go of, to use again (the last first: its memory is the most recently touched). */
	private readonly free: number[] = [];

	/** @param slots how many it will likely hold at once (it grows past them) */
	constructor(slots = 64) {
		this.doubles = new Float64Array(Math.max(1, slots) * slotDoubles);
		this.ints = new Int32Array(this.doubles.buffer);
	}

	/** A slot for a new message: its phone number, made at `producedAt`, not picked up, no attempt. */
	make(id: number, phone: number, producedAt: number): number {
		let slot = this.free.pop();
		if (slot === undefined) {
			if (this.used * slotDoubles === this.doubles.length) this.grow();
			slot = this.used++;
		}

		const d = slot * slotDoubles;
		const doubles = this.doubles;
		doubles[d + idAt] = id;
		doubles[d + phoneAt] = phone;
		doubles[d + producedAtAt] = producedAt;
		doubles[d + pickedAtAt] = -1;
		doubles[d + attemptStartAt] = -1;
		const i = slot * slotInts;
		const ints = this.ints;
		ints[i + attemptsAt] = 0;
		ints[i + unansweredAt] = 0;
		ints[i + heldByAt] = 0;
		ints[i + heldPrevAt] = -1;
		ints[i + heldNextAt] = -1;
		return slot;
	}

	/** Nothing refers to `slot` any more: it may hold another message. */
	release(slot: number): void {
		this.free.push(slot);
	}

	id(slot: number): number {
		return this.doubles[slot * slotDoubles + idAt]!;
	}

	/** Ten digits, as a number. */
	phone(slot: number): number {
		return this.doubles[slot * slotDoubles + phoneAt]!;
	}

	producedAt(slot: number): number {
		return this.doubles[slot * slotDoubles + producedAtAt]!;
	}

	/** First pickup by a sender; -1 until then. */
	pickedAt(slot: number): number {
		return this.doubles[slot * slotDoubles + pickedAtAt]!;
	}

	setPickedAt(slot: number, ms: number): void {
		this.doubles[slot * slotDoubles + pickedAtAt] = ms;
	}

	/** Start of the attempt under way (its first submit); -1 before it. */
	attemptStart(slot: number): number {
		return this.doubles[slot * slotDoubles + attemptStartAt]!;
	}

	setAttemptStart(slot: number, ms: number): void {
		this.doubles[slot * slotDoubles + attemptStartAt] = ms;
	}

	/** Attempts finished so far. */
	attempts(slot: number): number {
		return this.ints[slot * slotInts + attemptsAt]!;
	}

	/** Counts one more finished attempt. @returns the attempts so far */
	addAttempt(slot: number): number {
		return ++this.ints[slot * slotInts + attemptsAt]!;
	}

	/** Segments of the attempt under way not answered yet (a throttled one stays here). */
	unanswered(slot: number): number {
		return this.ints[slot * slotInts + unansweredAt]!;
	}

	setUnanswered(slot: number, count: number): void {
		this.ints[slot * slotInts + unansweredAt] = count;
	}

	/** One segment answered. @returns the segments still unanswered */
	answerOne(slot: number): number {
		return --this.ints[slot * slotInts + unansweredAt]!;
	}

	/** The id of the sender holding it; 0: none. */
	heldBy(slot: number): number {
		return this.ints[slot * slotInts + heldByAt]!;
	}

	/** Its neighbours in its holder's list of held messages (-1: none). */
	heldPrev(slot: number): number {
		return this.ints[slot * slotInts + heldPrevAt]!;
	}

	heldNext(slot: number): number {
		return this.ints[slot * slotInts + heldNextAt]!;
	}

	/** Puts it in sender `holder`'s list (0: in none), between `prev` and `next` (-1: none). */
	setHeld(slot: number, holder: number, prev: number, next: number): void {
		const i = slot * slotInts;
		this.ints[i + heldByAt] = holder;
		this.ints[i + heldPrevAt] = prev;
		this.ints[i + heldNextAt] = next;
	}

	setHeldPrev(slot: number, prev: number): void {
		this.ints[slot * slotInts + heldPrevAt] = prev;
	}

	setHeldNext(slot: number, next: number): void {
		this.ints[slot * slotInts + heldNextAt] = next;
	}

	/** Accepted by sender `by` at `atMs`; kept for its log line until its receipt comes (or it expires, at `dueAt`). */
	setAccepted(slot: number, by: number, atMs: number, dueAt: number): void {
		const a = slot * acceptedDoubles;
		if (a >= this.accepted.length) {
			// As many rows as there are slots.
			const grown = new Float64Array((this.doubles.length / slotDoubles) * acceptedDoubles);
			grown.set(this.accepted);
			this.accepted = grown;
		}

		this.accepted[a + acceptedAtAt] = atMs;
		this.accepted[a + dueAtAt] = dueAt;
		this.accepted[a + acceptedByAt] = by;
	}

	acceptedAt(slot: number): number {
		return this.accepted[slot * acceptedDoubles + acceptedAtAt]!;
	}

	acceptedBy(slot: number): number {
		return this.accepted[slot * acceptedDoubles + acceptedByAt]!;
	}

	dueAt(slot: number): number {
		return this.accepted[slot * acceptedDoubles + dueAtAt]!;
	}

	private grow(): void {
		this.doubles = doubled(this.doubles);
		this.ints = new Int32Array(this.doubles.buffer);
	}
}
