// The engine's inside: the state of a run and what happens at each event (a sender
// submits, a submit is answered, an attempt is judged, a message is accepted, failed,
// delivered or expired). engine.ts runs it on the clock and changes it at runtime.
// At every moment produced = queued + inFlight + sent + failed. Each sender is an SMPP
// bind (sender.ts): a window of unanswered submits, a rate cap; a message of s segments
// is s submits; the gateway's cap throttles; receipts follow acceptance (DESIGN.md
// "Real SMS delivery"). Without those keys it is one submit at a time, as it always was.
import {isSameSpec, restMsOf, senderStreamSeed, specModel, type SpecModel} from './attempt.js';
import {Deque} from './deque.js';
import {EventHeap} from './event-heap.js';
import {expectedSizes, submitQueue} from './run-sizes.js';
import {TimeHeap, type TimeQueue} from './time-heap.js';
import {Tally} from './figures.js';
import {Gateway} from './gateway.js';
import {drawMessage, isInvalidNumber, type MessageBody, phoneText, producerRng} from './message.js';
import {AskedTimes, defaultValidityMs, Receipts} from './receipts.js';
import {ReceiptCounts} from './receipt-counts.js';
import type {Rng} from './rng.js';
import {segmentCount} from './segments.js';
import {Messages} from './engine-message.js';
import {Sender, SenderRows} from './sender.js';
import type {Outcome, RunSettings, SenderSpec, TimedAction} from './types.js';

/** Messages kept ready in the queue; the producer makes the rest when room frees up. */
export const defaultQueueCapacity = 1000;

/** Wait after a throttled answer before the sender submits again (DESIGN.md "Real SMS delivery"). */
export const defaultBackoffMs = 1000;

/** Options that shape the simulation but not its contract. */
export interface EngineOptions {
	queueCapacity?: number;
	/** Keep the exact moment the n-th recipient is reached (`reachRankAtMs`): size's goal. */
	reachRank?: number;
	/** Make each sender's object at its start, not when it first has something to do (the same run, more memory). */
	makesEverySender?: boolean;
}

/** A run's state and its events; Engine (engine.ts) adds the clock, the runtime changes and the reading. */
export class EngineCore {
	/** Simulated time, ms. Moves only forward. */
	simMs = 0;
	/** Called once per finished message (feeds --log); outcomes are not kept. */
	onFinish: ((outcome: Outcome) => void) | undefined;
	/** Every runtime change so far, in script form. */
	readonly actions: TimedAction[] = [];

	/** Every message queued, in flight or awaiting its receipt; a message is its slot there. */
	protected readonly messages: Messages;
	/**
	 * Submits to be answered (many: a window each, kept in typed arrays; each the message
	 * and its number `submitCode`) and senders' own wake-ups (few, and taken out when a
	 * sender is re-tuned), interleaved at equal times in the order they were scheduled;
	 * receipts in their own heap, expiries in order.
	 */
	protected readonly order = {next: 0};
	protected readonly answers: TimeQueue;
	protected readonly heap = new EventHeap<Sender>(this.order);
	/**
	 * Receipts to come: the messages whose --log line waits for them, in order, as events;
	 * the others only counted once the clock has passed them (receipt-counts.ts), their
	 * message let go of at once.
	 */
	protected readonly receiptHeap = new TimeHeap();
	protected readonly receiptCounts: ReceiptCounts | undefined;
	/**
	 * Expiries come in the order of acceptance (one validity for all): a queue, not a heap.
	 * Each its moment (≥ 0), or ~message for one kept for its --log line (< 0).
	 */
	protected readonly expiries = new Deque<number>();
	protected readonly queue: Deque<number>;
	/** Ids of the senders with room for a message and none to take, in the order they asked. */
	protected readonly waiting = new Deque<number>();
	/**
	 * Every sender, by id - 1: its object, or undefined while it has done nothing but wait
	 * for a message since its start (it is in `waiting`; `models` has its settings). So
	 * 100,000 senders with nothing to do cost no objects; senderOf() makes one when needed.
	 */
	protected readonly senders: Array<Sender | undefined> = [];
	protected readonly models: SpecModel[] = [];
	protected readonly senderRows: SenderRows;
	protected readonly producerRng: Rng;
	/** What the producer draws a message into before it takes a slot. */
	private readonly body: MessageBody = {phone: 0, textLength: 0, textSeed: 0};
	protected readonly tally = new Tally();
	protected readonly capacity: number;
	protected readonly makesEverySender: boolean;
	protected readonly retries: number;
	/** Submits per message. */
	protected readonly segments: number;
	protected readonly gateway: Gateway | undefined;
	protected readonly backoffMs: number;
	protected readonly invalid: number;
	/** With receipts: whether a receipt never comes, and when it does. */
	protected readonly receipts: Receipts | undefined;
	protected readonly asked = new AskedTimes();
	protected nextSenderId = 1;
	/** The settings the last sender was started with, and the copy it shares. */
	protected lastSpec: {given: SenderSpec; model: SpecModel} | undefined;
	protected total: number;
	protected produced = 0;
	protected inFlight = 0;
	protected resting = 0;
	/** Accepted messages whose receipt (or expiry) has not come, and of them those that will expire. */
	protected awaiting = 0;
	protected expiring = 0;

	constructor(
		readonly settings: RunSettings,
		options: EngineOptions = {},
	) {
		this.capacity = Math.max(1, options.queueCapacity ?? defaultQueueCapacity);
		this.makesEverySender = options.makesEverySender ?? false;
		this.queue = new Deque(Math.min(this.capacity, 1 << 16));
		this.retries = settings.retries;
		this.total = settings.messages;
		const sizes = expectedSizes(settings, this.capacity);
		this.messages = new Messages(sizes.messages);
		this.answers = submitQueue(this.order, sizes.submits);
		this.senderRows = new SenderRows(sizes.timesChunks);
		this.producerRng = producerRng(settings.seed);
		this.segments = segmentCount(settings.text);
		this.gateway = settings.gatewayRate === undefined ? undefined : new Gateway(settings.gatewayRate);
		this.backoffMs = settings.backoffMs ?? defaultBackoffMs;
		this.invalid = settings.invalid ?? 0;
		const {delivery} = settings;
		this.receipts = delivery === undefined ? undefined : new Receipts(delivery, settings.seed, settings.validityMs ?? defaultValidityMs);
		this.receiptCounts = delivery === undefined ? undefined : new ReceiptCounts(delivery.meanMs);

		this.tally.reachRank = options.reachRank ?? 0;
		this.refill();
		for (const spec of settings.senders) this.startSender(spec);
	}

	/** When the next receipt comes (an event, or one only counted); Infinity when none is to come. */
	protected nextReceiptAt(): number {
		return Math.min(this.receiptHeap.peekTime(), this.receiptCounts?.firstDueAt() ?? Number.POSITIVE_INFINITY);
	}

	protected nextExpiryAt(): number {
		const next = this.expiries.first();
		return next === undefined ? Number.POSITIVE_INFINITY : next >= 0 ? next : this.messages.dueAt(~next);
	}

	/** Starts a sender, which takes what waits in the queue at once. @returns its id */
	protected startSender(spec: SenderSpec): number {
		const id = this.nextSenderId++;
		// Senders of the same settings (a `count` of them) share one copy and its sampler.
		if (this.lastSpec === undefined || !isSameSpec(spec, this.lastSpec.given)) this.lastSpec = {given: spec, model: specModel(spec)};
		const {model} = this.lastSpec;
		this.models.push(model);
		// With nothing to take, a new sender would only join the waiting line: it has no object yet.
		if (!this.makesEverySender && this.queue.length === 0 && (model.spec.window ?? 1) >= 1) {
			this.senders.push(undefined);
			this.waiting.push(id);
			return id;
		}

		const sender = new Sender(id, model, senderStreamSeed(this.settings.seed, id), this.senderRows);
		this.senders.push(sender);
		this.pump(sender);
		return id;
	}

	/** Sender `id` (1 … senders started), made now if it has only waited so far. */
	protected senderOf(id: number): Sender {
		const made = this.senders[id - 1];
		if (made !== undefined) return made;
		const sender = new Sender(id, this.models[id - 1]!, senderStreamSeed(this.settings.seed, id), this.senderRows);
		sender.isWaiting = true;
		this.senders[id - 1] = sender;
		return sender;
	}

	/** The producer tops the queue up to its capacity (no garbage per message: engine-message.ts). */
	protected refill(): void {
		const {producerRng: rng, body} = this;
		while (this.queue.length < this.capacity && this.produced < this.total) {
			this.produced++;
			drawMessage(rng, body);
			this.queue.push(this.messages.make(this.produced, body.phone, this.simMs));
		}
	}

	/** Senders waiting for work take what waits in the queue. */
	protected dispatch(): void {
		while (this.queue.length > 0 && this.waiting.length > 0) {
			const sender = this.senderOf(this.waiting.shift()!);
			sender.isWaiting = false;
			if (sender.state !== 'removed') this.pump(sender);
		}
	}

	/**
	 * The sender submits what it may: while its window has room and its rate cap allows,
	 * the segments it has ready, else those of the next message in the queue.
	 */
	protected pump(sender: Sender): void {
		if (sender.isResting || sender.state === 'removed') return;
		const window = sender.window;
		while (sender.windowUsed < window) {
			if (sender.spacingMs !== 0 || sender.holdUntil > this.simMs) {
				const nextAt = sender.nextSubmitAt();
				if (this.simMs < nextAt) {
					if (sender.heapIndex < 0) this.heap.schedule(sender, nextAt);
					break;
				}
			}

			let message = sender.nextReady();
			if (message < 0) message = this.take(sender);
			if (message < 0) break;
			this.submit(sender, message);
		}

		sender.updateState();
	}

	/**
	 * The sender takes the next queued message and readies its segments; the first is
	 * returned to submit now. -1 (and it waits) when the queue is empty.
	 */
	protected take(sender: Sender): number {
		const message = this.queue.shift();
		if (message === undefined) {
			if (!sender.isWaiting) {
				sender.isWaiting = true;
				this.waiting.push(sender.id);
			}

			return -1;
		}

		if (this.produced < this.total) this.refill();
		const {messages} = this;
		if (messages.pickedAt(message) < 0) messages.setPickedAt(message, this.simMs);
		sender.hold(messages, message);
		this.inFlight++;
		messages.setUnanswered(message, this.segments);
		sender.readyFirst(message, this.segments - 1);
		return message;
	}

	/** Readies every segment of a message's next attempt (a retry), ahead of anything else. */
	protected startAttempt(sender: Sender, message: number): void {
		this.messages.setUnanswered(message, this.segments);
		sender.readyFirst(message, this.segments);
	}

	protected submit(sender: Sender, message: number): void {
		const now = this.simMs;
		if (this.messages.attemptStart(message) < 0) this.messages.setAttemptStart(message, now);
		const isThrottled = this.gateway !== undefined && !this.gateway.take(now);
		sender.windowUsed++;
		sender.lastSubmitAt = now;
		sender.version++;
		this.answers.push(message, now + sender.drawWaitMs(), submitCode(sender.id, isThrottled));
	}

	/**
	 * Who hears the answer to a submit of `message` numbered `code`: the sender that holds the
	 * message, if it is the one that submitted it; undefined once that one was removed (its
	 * messages were let go, and perhaps taken by another).
	 */
	protected submitter(message: number, code: number): Sender | undefined {
		const id = code >>> 1;
		return this.messages.heldBy(message) === id ? this.senders[id - 1] : undefined;
	}

	/**
	 * The gateway answers a submit. Throttled: the sender keeps the segment, first in line,
	 * and waits out the backoff before it submits anything. Else the segment is done.
	 */
	protected answer(sender: Sender, message: number, code: number): void {
		const isThrottled = (code & 1) === 1;
		sender.windowUsed--;
		sender.version++;
		if (isThrottled) {
			this.tally.throttle(sender);
			sender.readyFirst(message, 1);
			sender.holdUntil = Math.max(sender.holdUntil, this.simMs + this.backoffMs);
		} else if (this.messages.answerOne(message) === 0) {
			this.endAttempt(sender, message);
		}

		this.pump(sender);
	}

	/** Every segment of the attempt is answered: it succeeded or failed as a whole. */
	protected endAttempt(sender: Sender, message: number): void {
		const now = this.simMs;
		const {messages} = this;
		const attempts = messages.addAttempt(message);
		this.tally.attempt(sender, now - messages.attemptStart(message));
		messages.setAttemptStart(message, -1);
		if (this.invalid > 0 && isInvalidNumber(messages.phone(message), this.invalid)) {
			this.fail(sender, message, 'invalid');
			return;
		}

		const verdict = sender.judge(attempts, this.retries);
		if (verdict === 'retry') this.startAttempt(sender, message);
		else if (verdict === 'sent') this.accept(sender, message);
		else if (verdict === 'failed') this.fail(sender, message, 'error');
		else {
			// Vendor failover: the message goes back for any sender (or is finished), this one rests.
			if (verdict === 'requeue') {
				sender.drop(messages, message);
				this.inFlight--;
				this.queue.unshift(message);
			} else {
				this.fail(sender, message, 'error');
			}

			this.rest(sender);
			this.dispatch();
		}
	}

	protected rest(sender: Sender): void {
		const until = this.simMs + restMsOf(sender.spec);
		if (sender.isResting) {
			if (until > sender.dueAt) {
				this.heap.remove(sender);
				this.heap.schedule(sender, until);
			}

			return;
		}

		if (sender.heapIndex >= 0) this.heap.remove(sender);
		sender.isResting = true;
		sender.restStart = this.simMs;
		sender.rests++;
		sender.version++;
		this.resting++;
		this.heap.schedule(sender, until);
		sender.updateState();
	}

	/** The sender's own event: its rest is over, or its rate cap or a backoff lets it submit again. */
	protected wake(sender: Sender): void {
		if (sender.isResting) {
			sender.isResting = false;
			this.resting--;
			sender.restedMs += this.simMs - sender.restStart;
			sender.version++;
		}

		this.pump(sender);
	}

	/** The gateway accepted the message: reached now, or once its receipt comes. */
	protected accept(sender: Sender, message: number): void {
		const now = this.simMs;
		const {messages} = this;
		sender.drop(messages, message);
		this.inFlight--;
		this.tally.finish(sender, true, now - messages.pickedAt(message), now - messages.producedAt(message), now);
		this.tally.accept(sender, this.segments, sender.spec.price ?? 0);
		const receipts = this.receipts;
		if (receipts === undefined) {
			this.tally.reach(now - this.asked.of(messages.id(message)), now);
			this.tell(message, 'sent', sender.id, now, undefined);
			this.recycle(message);
			return;
		}

		const {isDelivered, afterMs} = receipts.draw();
		this.awaiting++;
		if (!isDelivered) this.expiring++;
		const dueAt = now + afterMs;
		// The message is kept only for its --log line; without one it is let go of at once.
		if (this.onFinish === undefined) {
			if (isDelivered) this.receiptCounts!.push(dueAt, this.asked.of(messages.id(message)));
			else this.expiries.push(dueAt);
			this.recycle(message);
			return;
		}

		messages.setAccepted(message, sender.id, now, dueAt);
		if (isDelivered) this.receiptHeap.push(message, dueAt);
		else this.expiries.push(~message);
	}

	/** The receipt of a message kept for its --log line came. */
	protected delivered(message: number): void {
		const now = this.simMs;
		const {messages} = this;
		this.awaiting--;
		this.tally.receipt(true, now);
		this.tally.reach(now - this.asked.of(messages.id(message)), now);
		this.tell(message, 'sent', messages.acceptedBy(message), messages.acceptedAt(message), 'delivered');
		this.recycle(message);
	}

	/** An accepted message expired at its validity without a receipt: its moment, or ~message. */
	protected expired(expiry: number): void {
		this.awaiting--;
		this.expiring--;
		this.tally.receipt(false, this.simMs);
		if (expiry >= 0) return;
		const message = ~expiry;
		this.tell(message, 'sent', this.messages.acceptedBy(message), this.messages.acceptedAt(message), 'expired');
		this.recycle(message);
	}

	protected fail(sender: Sender, message: number, reason: 'error' | 'invalid'): void {
		const now = this.simMs;
		const {messages} = this;
		sender.drop(messages, message);
		this.inFlight--;
		this.tally.finish(sender, false, now - messages.pickedAt(message), now - messages.producedAt(message), now, reason === 'invalid');
		this.tell(message, 'failed', sender.id, now, undefined, reason);
		this.recycle(message);
	}

	/** Its --log line: `doneAt` is acceptance or failure (times run to it), the line is now. */
	protected tell(
		message: number,
		outcome: 'sent' | 'failed',
		sender: number,
		doneAt: number,
		delivery: 'delivered' | 'expired' | undefined,
		reason?: 'error' | 'invalid',
	): void {
		if (this.onFinish === undefined) return;
		const {messages} = this;
		const line: Outcome = {
			id: messages.id(message),
			phone: phoneText(messages.phone(message)),
			outcome,
			attempts: messages.attempts(message),
			timeMs: doneAt - messages.pickedAt(message),
			e2eMs: doneAt - messages.producedAt(message),
			sender,
			simMs: this.simMs,
			segments: this.segments,
		};
		if (reason !== undefined) line.reason = reason;
		if (delivery !== undefined) line.delivery = delivery;
		if (delivery === 'delivered') line.reachMs = this.simMs - this.asked.of(messages.id(message));
		this.onFinish(line);
	}

	/** Nothing holds a finished message any more: the producer may use its slot again. */
	protected recycle(message: number): void {
		this.messages.release(message);
	}
}

/** A submit's number in the answers heap: its sender's id and whether it was throttled. */
function submitCode(senderId: number, isThrottled: boolean): number {
	return senderId * 2 + (isThrottled ? 1 : 0);
}
