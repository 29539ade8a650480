import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {Messages} from '../../source/engine/engine-message.js';

/** Every field of a slot, read back. */
function fieldsOf(messages: Messages, slot: number) {
	return {
		id: messages.id(slot),
		phone: messages.phone(slot),
		producedAt: messages.producedAt(slot),
		pickedAt: messages.pickedAt(slot),
		attemptStart: messages.attemptStart(slot),
		attempts: messages.attempts(slot),
		unanswered: messages.unanswered(slot),
		heldBy: messages.heldBy(slot),
		heldPrev: messages.heldPrev(slot),
		heldNext: messages.heldNext(slot),
		acceptedAt: messages.acceptedAt(slot),
		acceptedBy: messages.acceptedBy(slot),
		dueAt: messages.dueAt(slot),
	};
}

/** Sets every field of `slot` from `n`, each to a value of its own. */
function fill(messages: Messages, slot: number, n: number): void {
	messages.setPickedAt(slot, n + 0.25);
	messages.setAttemptStart(slot, n + 0.5);
	for (let i = 0; i < (n % 5) + 1; i++) messages.addAttempt(slot);
	messages.setUnanswered(slot, (n % 7) + 1);
	messages.setHeld(slot, n + 3, n + 4, n + 5);
	messages.setAccepted(slot, n + 6, n + 0.75, n + 1e6);
}

function filled(n: number) {
	return {
		id: n,
		phone: 9_876_543_210 - n,
		producedAt: n + 0.125,
		pickedAt: n + 0.25,
		attemptStart: n + 0.5,
		attempts: (n % 5) + 1,
		unanswered: (n % 7) + 1,
		heldBy: n + 3,
		heldPrev: n + 4,
		heldNext: n + 5,
		acceptedAt: n + 0.75,
		acceptedBy: n + 6,
		dueAt: n + 1e6,
	};
}

describe('Messages (the engine keeps a message as a slot of one buffer)', () => {
	it('a new message is not picked up, has no attempt and nobody holds it', () => {
		const messages = new Messages();
		const slot = messages.make(7, 5_551_234_567, 12.5);
		expect(fieldsOf(messages, slot)).toMatchObject({
			id: 7,
			phone: 5_551_234_567,
			producedAt: 12.5,
			pickedAt: -1,
			attemptStart: -1,
			attempts: 0,
			unanswered: 0,
			heldBy: 0,
			heldPrev: -1,
			heldNext: -1,
		});
	});

	it('keeps every field of every message apart, and all of them as the buffer grows past its first 64 slots', () => {
		const messages = new Messages();
		const slots = Array.from({length: 1000}, (_, n) => {
			const slot = messages.make(n, 9_876_543_210 - n, n + 0.125);
			fill(messages, slot, n);
			return slot;
		});
		expect(new Set(slots).size).toBe(1000);
		for (const [n, slot] of slots.entries()) expect(fieldsOf(messages, slot)).toStrictEqual(filled(n));
	});

	it('keeps what a log line reads (kept apart from the slots) as the slots grow after it was set', () => {
		const messages = new Messages(4);
		const early = Array.from({length: 4}, (_, n) => messages.make(n, n, 0));
		messages.setAccepted(early[2]!, 7, 1.5, 2.5);
		const late = Array.from({length: 500}, (_, n) => messages.make(n + 4, n, 0)).at(-1)!;
		messages.setAccepted(late, 9, 3.5, 4.5);
		expect([messages.acceptedBy(early[2]!), messages.acceptedAt(early[2]!), messages.dueAt(early[2]!)]).toStrictEqual([7, 1.5, 2.5]);
		expect([messages.acceptedBy(late), messages.acceptedAt(late), messages.dueAt(late)]).toStrictEqual([9, 3.5, 4.5]);
		// The slots' own fields are untouched by it.
		expect(fieldsOf(messages, early[2]!)).toMatchObject({id: 2, phone: 2, producedAt: 0, pickedAt: -1, heldBy: 0, heldPrev: -1, heldNext: -1});
	});

	it('a slot let go of is used again, last freed first, and starts as a new message', () => {
		const messages = new Messages();
		const a = messages.make(1, 1, 0);
		const b = messages.make(2, 2, 0);
		fill(messages, a, 1);
		fill(messages, b, 2);
		messages.release(a);
		messages.release(b);
		expect(messages.make(3, 3, 4)).toBe(b);
		expect(messages.make(4, 4, 5)).toBe(a);
		expect(fieldsOf(messages, a)).toMatchObject({id: 4, phone: 4, producedAt: 5, pickedAt: -1, attemptStart: -1, attempts: 0, unanswered: 0, heldBy: 0, heldPrev: -1, heldNext: -1});
	});

	it('never gives one slot to two messages under way at once', () => {
		fc.assert(
			fc.property(fc.array(fc.boolean(), {maxLength: 400}), steps => {
				const messages = new Messages();
				const live = new Set<number>();
				let id = 0;
				for (const isMake of steps) {
					if (isMake || live.size === 0) {
						const slot = messages.make(++id, id, id);
						expect(live.has(slot)).toBe(false);
						live.add(slot);
					} else {
						const slot = live.values().next().value!;
						live.delete(slot);
						messages.release(slot);
					}
				}

				// What is under way still reads as it was made.
				for (const slot of live) expect(messages.phone(slot)).toBe(messages.id(slot));
			}),
		);
	});
});
