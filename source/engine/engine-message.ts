// A message as the engine keeps it while it is queued, in flight or awaiting its receipt:
// its counts and links in the object, its numbers that are not small integers (the phone,
// the text seed, its moments) in a row of the engine's Rows. Messages are reused once
// finished, so a run makes as many as are ever under way at once. Pure.
import type {MessageBody} from './message.js';
import {Rows} from './rows.js';
import type {Sender} from './sender.js';

const phoneAt = 0;
const textSeedAt = 1;
const producedAtAt = 2;
const pickedAtAt = 3;
const attemptStartAt = 4;
const acceptedAtAt = 5;
const dueAtAt = 6;

export class Message implements MessageBody {
	id = 0;
	textLength = 0;
	/** Attempts finished so far. */
	attempts = 0;
	/** Segments of the attempt under way not answered yet (a throttled one stays here). */
	unanswered = 0;
	acceptedBy = 0;
	/** The sender holding it, and its neighbours in that sender's list of held messages. */
	heldBy: Sender | undefined;
	heldPrev: Message | undefined;
	heldNext: Message | undefined;
	private readonly block: Float64Array;
	private readonly row: number;

	constructor(rows: Rows) {
		const {block, row} = rows.take();
		this.block = block;
		this.row = row;
		this.pickedAt = -1;
		this.attemptStart = -1;
	}

	/** Ten digits, as a number. */
	get phone(): number {
		return this.block[this.row + phoneAt]!;
	}

	set phone(value: number) {
		this.block[this.row + phoneAt] = value;
	}

	get textSeed(): number {
		return this.block[this.row + textSeedAt]!;
	}

	set textSeed(value: number) {
		this.block[this.row + textSeedAt] = value;
	}

	get producedAt(): number {
		return this.block[this.row + producedAtAt]!;
	}

	set producedAt(ms: number) {
		this.block[this.row + producedAtAt] = ms;
	}

	/** First pickup by a sender; -1 until then. */
	get pickedAt(): number {
		return this.block[this.row + pickedAtAt]!;
	}

	set pickedAt(ms: number) {
		this.block[this.row + pickedAtAt] = ms;
	}

	/** Start of the attempt under way (its first submit); -1 before it. */
	get attemptStart(): number {
		return this.block[this.row + attemptStartAt]!;
	}

	set attemptStart(ms: number) {
		this.block[this.row + attemptStartAt] = ms;
	}

	/** Accepted, kept for its log line until its receipt comes (or it expires, at dueAt). */
	get acceptedAt(): number {
		return this.block[this.row + acceptedAtAt]!;
	}

	set acceptedAt(ms: number) {
		this.block[this.row + acceptedAtAt] = ms;
	}

	get dueAt(): number {
		return this.block[this.row + dueAtAt]!;
	}

	set dueAt(ms: number) {
		this.block[this.row + dueAtAt] = ms;
	}
}

