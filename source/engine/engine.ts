// The simulation: one producer, many senders, a discrete-event loop on a simulated
// clock. Pure and synchronous: no I/O, no timers, no wall clock, no Math.random.
// At every moment produced = queued + inFlight + sent + failed. Each sender is an SMPP
// bind (sender.ts): a window of unanswered submits, a rate cap; a message of s segments
// is s submits; the gateway's cap throttles; receipts follow acceptance (DESIGN.md
// "Real SMS delivery"). Without those keys it is one submit at a time, as it always was.
import {restMsOf, senderStreamSeed, specModel, type SpecModel} from './attempt.js';
import {Deque} from './deque.js';
import {EventHeap} from './event-heap.js';
import {TimeHeap} from './time-heap.js';
import {senderSnapshot, Tally, type Spread} from './figures.js';
import {Gateway} from './gateway.js';
import type {Histogram} from './histogram.js';
import {drawMessage, isInvalidNumber, phoneText, producerRng} from './message.js';
import {AskedTimes, defaultValidityMs, Receipts} from './receipts.js';
import type {Rng} from './rng.js';
import {segmentCount} from './segments.js';
import {newMessage, Sender, type Message, type Submit} from './sender.js';
import type {Simulation, Totals} from './simulation.js';
import type {Outcome, RunSettings, Snapshot, SenderSpec, TimedAction} from './types.js';

/** Messages kept ready in the queue; the producer makes the rest when room frees up. */
export const defaultQueueCapacity = 1000;

/** Wait after a throttled answer before the sender submits again (DESIGN.md "Real SMS delivery"). */
export const defaultBackoffMs = 1000;

/** Options that shape the simulation but not its contract. */
export interface EngineOptions {
	queueCapacity?: number;
	/** Keep the exact moment the n-th recipient is reached (`reachRankAtMs`): size's goal. */
	reachRank?: number;
}


export class Engine implements Simulation {
	/** Simulated time, ms. Moves only forward. */
	simMs = 0;
	/** Called once per finished message (feeds --log); outcomes are not kept. */
	onFinish: ((outcome: Outcome) => void) | undefined;
	/** Every runtime change so far, in script form. */
	readonly actions: TimedAction[] = [];

	/**
	 * Submits to be answered (many: a window each, kept in typed arrays) and senders' own
	 * wake-ups (few, and taken out when a sender is re-tuned), interleaved at equal times in
	 * the order they were scheduled; receipts in their own heap, expiries in order.
	 */
	private readonly order = {next: 0};
	private readonly answers = new TimeHeap<Submit>(this.order);
	private readonly heap = new EventHeap<Sender>(this.order);
	/**
	 * Receipts to come: the message when its --log line waits for it, else nothing but the
	 * moment it was asked for (the heap's number), so the message is reused at once.
	 */
	private readonly receiptHeap = new TimeHeap<Message | undefined>();
	/** Expiries come in the order of acceptance (one validity for all): a queue, not a heap; the message, or its moment. */
	private readonly expiries = new Deque<Message | number>();
	private readonly queue: Deque<Message>;
	/** Senders with room for a message and none to take, in the order they asked. */
	private readonly waiting = new Deque<Sender>();
	private readonly senders: Sender[] = [];
	private readonly producerRng: Rng;
	private readonly tally = new Tally();
	/**
	 * Finished messages, kept for the producer to reuse. A run makes no garbage per message,
	 * so V8 never grows its heap with the run's length: peak RSS stays flat (bench/soak.js).
	 */
	private readonly spare: Message[] = [];
	private readonly capacity: number;
	private readonly retries: number;
	/** Submits per message. */
	private readonly segments: number;
	private readonly gateway: Gateway | undefined;
	private readonly backoffMs: number;
	private readonly invalid: number;
	/** With receipts: whether a receipt never comes, and when it does. */
	private readonly receipts: Receipts | undefined;
	private readonly asked = new AskedTimes();
	private nextSenderId = 1;
	/** The settings the last sender was started with, and the copy it shares. */
	private lastSpec: {given: SenderSpec; model: SpecModel} | undefined;
	private total: number;
	private produced = 0;
	private inFlight = 0;
	private resting = 0;
	/** Accepted messages whose receipt (or expiry) has not come, and of them those that will expire. */
	private awaiting = 0;
	private expiring = 0;

	constructor(
		readonly settings: RunSettings,
		options: EngineOptions = {},
	) {
		this.capacity = Math.max(1, options.queueCapacity ?? defaultQueueCapacity);
		this.queue = new Deque(Math.min(this.capacity, 1 << 16));
		this.retries = settings.retries;
		this.total = settings.messages;
		this.producerRng = producerRng(settings.seed);
		this.segments = segmentCount(settings.text);
		this.gateway = settings.gatewayRate === undefined ? undefined : new Gateway(settings.gatewayRate);
		this.backoffMs = settings.backoffMs ?? defaultBackoffMs;
		this.invalid = settings.invalid ?? 0;
		if (settings.delivery !== undefined) this.receipts = new Receipts(settings.delivery, settings.seed, settings.validityMs ?? defaultValidityMs);

		this.tally.reachRank = options.reachRank ?? 0;
		this.refill();
		for (const spec of settings.senders) this.startSender(spec);
	}

	get timeHistogram(): Histogram {
		return this.tally.histogram;
	}

	get reachHistogram(): Histogram {
		return this.tally.reachHistogram;
	}

	/** When the `reachRank`-th recipient was reached (EngineOptions); undefined until then. */
	get reachRankAtMs(): number | undefined {
		return this.tally.reachRankAtMs;
	}

	// ---- running ----

	/** Simulated time of the next event, or undefined when nothing is scheduled. */
	nextEventAt(): number | undefined {
		// Submits of removed senders at the front would only be skipped: drop them now.
		while (this.answers.size > 0 && this.answers.peek()!.message === undefined) this.answers.pop();
		const at = Math.min(this.heap.peek()?.dueAt ?? Number.POSITIVE_INFINITY, this.answers.peekTime(), this.receiptHeap.peekTime(), this.nextExpiryAt());
		return Number.isFinite(at) ? at : undefined;
	}

	private nextExpiryAt(): number {
		const next = this.expiries.first();
		return next === undefined ? Number.POSITIVE_INFINITY : typeof next === 'number' ? next : next.dueAt;
	}

	/**
	 * Processes every event due at or before `untilMs`, then sets the clock to it.
	 * Returns early (clock at the last event) once `maxEvents` are done.
	 * @returns the number of events processed
	 */
	runUntil(untilMs: number, maxEvents = Infinity): number {
		const {heap, answers} = this;
		const hasReceipts = this.receipts !== undefined;
		let done = 0;
		for (;;) {
			// The next event of the sources; at one time, sending first (answers and wake-ups in
			// the order they were scheduled), then receipts, then expiries.
			const wake = heap.peek();
			let at = answers.peekTime();
			let source: 'answer' | 'wake' | 'receipt' | 'expiry' = 'answer';
			if (wake !== undefined && (wake.dueAt < at || (wake.dueAt === at && wake.seq < answers.peekSeq()))) {
				at = wake.dueAt;
				source = 'wake';
			}

			if (hasReceipts) {
				const receiptAt = this.receiptHeap.peekTime();
				if (receiptAt < at) {
					at = receiptAt;
					source = 'receipt';
				}

				const expiryAt = this.nextExpiryAt();
				if (expiryAt < at) {
					at = expiryAt;
					source = 'expiry';
				}
			}

			if (at > untilMs || at === Number.POSITIVE_INFINITY) break;
			// A submit of a sender removed since: nothing happens.
			if (source === 'answer' && answers.peek()!.message === undefined) {
				answers.pop();
				continue;
			}

			// Stop early between two times rather than inside one. An instant of zero-time
			// sends can hold every message, though, and the caller (the driver) must get
			// the event loop back for signals and keys: after 16 budgets, stop anyway. The
			// runtime changes settle() the rest of the instant first, so replays stay exact.
			if (done >= maxEvents && (at !== this.simMs || done >= 16 * maxEvents)) return done;
			this.simMs = at;
			if (source === 'answer') {
				this.answer(answers.pop()!);
			} else if (source === 'wake') {
				heap.pop();
				this.wake(wake!);
			} else if (source === 'receipt') {
				const message = this.receiptHeap.pop();
				this.delivered(message, this.receiptHeap.poppedValue);
			} else {
				this.expired(this.expiries.shift()!);
			}

			done++;
		}

		if (Number.isFinite(untilMs) && untilMs > this.simMs) this.simMs = untilMs;
		return done;
	}

	/**
	 * Every message asked for has finished and, with receipts, every receipt that will come
	 * has come: what is left can only expire (at its validity, whenever the clock is run out).
	 */
	get isDone(): boolean {
		return this.produced === this.total && this.queue.length === 0 && this.inFlight === 0 && this.awaiting === this.expiring;
	}

	// ---- runtime changes (each is recorded in `actions`, one that finds no sender too, so
	// a replay skips it at the same moment and notes it the same way) ----
	// Each first runs out the events still due at the current time (a runUntil with an
	// event budget can stop inside an instant), so a change always lands between instants
	// and `{simMs, change}` replays exactly: runUntil(simMs), then the change.

	/** Adds a sender, which starts at once if a message waits. @returns its id */
	addSender(spec: SenderSpec): number {
		this.settle();
		this.actions.push({simMs: this.simMs, add: {...spec}});
		return this.startSender(spec).id;
	}

	/**
	 * Removes a sender; the messages it holds go back to the front of the queue, in the
	 * order it took them; their unfinished attempts are forgotten.
	 * @returns false when no such sender is running (nothing changes but the record)
	 */
	removeSender(id: number): boolean {
		this.settle();
		const sender = this.find(id);
		this.actions.push({simMs: this.simMs, remove: id});
		if (sender === undefined) return false;
		this.heap.remove(sender);
		// Its submits stay on the clock, answered to nobody.
		for (const submit of sender.submits ?? []) submit.message = undefined;
		const held = sender.letGo();
		for (let i = held.length - 1; i >= 0; i--) this.queue.unshift(held[i]!);
		this.inFlight -= held.length;
		if (sender.isResting) {
			sender.isResting = false;
			this.resting--;
			sender.restedMs += this.simMs - sender.restStart;
		}

		sender.state = 'removed';
		sender.version++;
		this.dispatch();
		return true;
	}

	/**
	 * Changes a sender's settings; what it has submitted keeps its drawn time.
	 * @returns false when no such sender is running (nothing changes but the record)
	 */
	tuneSender(id: number, patch: Partial<SenderSpec>): boolean {
		this.settle();
		const sender = this.find(id);
		this.actions.push({simMs: this.simMs, tune: {sender: id, ...patch}});
		if (sender === undefined) return false;
		sender.tune(patch);
		sender.version++;
		// A new rate cap spaces the next submit from the last one; a wider window takes more.
		if (!sender.isResting && sender.heapIndex >= 0) this.heap.remove(sender);
		this.pump(sender);
		return true;
	}

	/** Asks the producer for `count` more messages. */
	produceMore(count: number): void {
		if (count <= 0) return;
		this.settle();
		this.actions.push({simMs: this.simMs, more: count});
		this.asked.add(this.total + 1, this.simMs);
		this.total += count;
		this.refill();
		this.dispatch();
	}

	// ---- reading ----

	/** The running totals; O(1), cheap enough for every monitor tick. */
	totals(): Totals {
		return this.tally.totals({
			simMs: this.simMs,
			total: this.total,
			produced: this.produced,
			pending: this.total - this.produced,
			queued: this.queue.length,
			inFlight: this.inFlight,
			resting: this.resting,
			isDone: this.isDone,
		});
	}

	/**
	 * Totals, percentiles and every sender (removed ones too, marked so); O(senders),
	 * never O(messages). An unchanged sender keeps the same object between calls.
	 */
	snapshot(): Snapshot {
		return this.tally.snapshot(
			this.totals(),
			// A resting sender's countdown moves with the clock.
			this.senders.map(sender => senderSnapshot(sender, sender.state, sender.isResting ? sender.dueAt - this.simMs : 0)),
		);
	}

	spread(): Spread {
		return this.tally.spread();
	}

	/** Visits each running sender with its finished count; O(senders), allocates nothing. */
	forEachSender(visit: (id: number, finished: number) => void): void {
		for (const s of this.senders) if (s.state !== 'removed') visit(s.id, s.sent + s.failed);
	}

	/** Ids of the senders still running, in the order they were added. */
	senderIds(): number[] {
		return this.senders.filter(s => s.state !== 'removed').map(s => s.id);
	}

	// ---- inside ----

	/** Runs the events due at the current time, so the clock stands between two instants. */
	private settle(): void {
		this.runUntil(this.simMs);
	}

	private find(id: number): Sender | undefined {
		const sender = this.senders.find(s => s.id === id);
		return sender?.state === 'removed' ? undefined : sender;
	}

	private startSender(spec: SenderSpec): Sender {
		const id = this.nextSenderId++;
		// Senders of the same settings (a `count` of them) share one copy and its sampler.
		if (this.lastSpec === undefined || !isSameSpec(spec, this.lastSpec.given)) this.lastSpec = {given: spec, model: specModel(spec)};
		const sender = new Sender(id, this.lastSpec.model, senderStreamSeed(this.settings.seed, id));
		this.senders.push(sender);
		this.pump(sender);
		return sender;
	}

	/** The producer tops the queue up to its capacity. */
	private refill(): void {
		const rng = this.producerRng;
		while (this.queue.length < this.capacity && this.produced < this.total) {
			this.produced++;
			const message = this.spare.pop() ?? newMessage();
			message.id = this.produced;
			drawMessage(rng, message);
			message.producedAt = this.simMs;
			message.pickedAt = -1;
			message.attempts = 0;
			message.attemptStart = -1;
			this.queue.push(message);
		}
	}

	/** Senders waiting for work take what waits in the queue. */
	private dispatch(): void {
		while (this.queue.length > 0 && this.waiting.length > 0) {
			const sender = this.waiting.shift()!;
			sender.isWaiting = false;
			if (sender.state !== 'removed') this.pump(sender);
		}
	}

	/**
	 * The sender submits what it may: while its window has room and its rate cap allows,
	 * the segments it has ready, else those of the next message in the queue.
	 */
	private pump(sender: Sender): void {
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

			const message = sender.nextReady() ?? this.take(sender);
			if (message === undefined) break;
			this.submit(sender, message);
		}

		sender.updateState();
	}

	/**
	 * The sender takes the next queued message and readies its segments; the first is
	 * returned to submit now. Undefined (and it waits) when the queue is empty.
	 */
	private take(sender: Sender): Message | undefined {
		const message = this.queue.shift();
		if (message === undefined) {
			if (!sender.isWaiting) {
				sender.isWaiting = true;
				this.waiting.push(sender);
			}

			return undefined;
		}

		if (this.produced < this.total) this.refill();
		if (message.pickedAt < 0) message.pickedAt = this.simMs;
		sender.hold(message);
		this.inFlight++;
		message.unanswered = this.segments;
		sender.readyFirst(message, this.segments - 1);
		return message;
	}

	/** Readies every segment of a message's next attempt (a retry), ahead of anything else. */
	private startAttempt(sender: Sender, message: Message): void {
		message.unanswered = this.segments;
		sender.readyFirst(message, this.segments);
	}

	private submit(sender: Sender, message: Message): void {
		const now = this.simMs;
		if (message.attemptStart < 0) message.attemptStart = now;
		const submit = sender.takeSubmit(message);
		submit.isThrottled = this.gateway !== undefined && !this.gateway.take(now);
		sender.windowUsed++;
		sender.lastSubmitAt = now;
		sender.version++;
		this.answers.push(submit, now + sender.drawWaitMs());
	}

	/**
	 * The gateway answers a submit. Throttled: the sender keeps the segment, first in line,
	 * and waits out the backoff before it submits anything. Else the segment is done.
	 */
	private answer(submit: Submit): void {
		const sender = submit.sender;
		const message = submit.message!;
		const isThrottled = submit.isThrottled;
		sender.windowUsed--;
		sender.version++;
		sender.releaseSubmit(submit);
		if (isThrottled) {
			this.tally.throttle(sender);
			sender.readyFirst(message, 1);
			sender.holdUntil = Math.max(sender.holdUntil, this.simMs + this.backoffMs);
		} else if (--message.unanswered === 0) {
			this.endAttempt(sender, message);
		}

		this.pump(sender);
	}

	/** Every segment of the attempt is answered: it succeeded or failed as a whole. */
	private endAttempt(sender: Sender, message: Message): void {
		const now = this.simMs;
		message.attempts++;
		this.tally.attempt(sender, now - message.attemptStart);
		message.attemptStart = -1;
		if (this.invalid > 0 && isInvalidNumber(message.phone, this.invalid)) {
			this.fail(sender, message, 'invalid');
			return;
		}

		const verdict = sender.judge(message.attempts, this.retries);
		if (verdict === 'retry') this.startAttempt(sender, message);
		else if (verdict === 'sent') this.accept(sender, message);
		else if (verdict === 'failed') this.fail(sender, message, 'error');
		else {
			// Vendor failover: the message goes back for any sender (or is finished), this one rests.
			if (verdict === 'requeue') {
				sender.drop(message);
				this.inFlight--;
				this.queue.unshift(message);
			} else {
				this.fail(sender, message, 'error');
			}

			this.rest(sender);
			this.dispatch();
		}
	}

	private rest(sender: Sender): void {
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
	private wake(sender: Sender): void {
		if (sender.isResting) {
			sender.isResting = false;
			this.resting--;
			sender.restedMs += this.simMs - sender.restStart;
			sender.version++;
		}

		this.pump(sender);
	}

	/** The gateway accepted the message: reached now, or once its receipt comes. */
	private accept(sender: Sender, message: Message): void {
		const now = this.simMs;
		sender.drop(message);
		this.inFlight--;
		this.tally.finish(sender, true, now - message.pickedAt, now - message.producedAt, now);
		this.tally.accept(sender, this.segments, sender.spec.price ?? 0);
		const receipts = this.receipts;
		if (receipts === undefined) {
			this.tally.reach(now - this.asked.of(message.id), now);
			this.tell(message, 'sent', sender.id, now, undefined);
			this.recycle(message);
			return;
		}

		const {isDelivered, afterMs} = receipts.draw();
		this.awaiting++;
		if (!isDelivered) this.expiring++;
		const dueAt = now + afterMs;
		// The message is kept only for its --log line; without one it is reused at once.
		if (this.onFinish === undefined) {
			if (isDelivered) this.receiptHeap.push(undefined, dueAt, this.asked.of(message.id));
			else this.expiries.push(dueAt);
			this.recycle(message);
			return;
		}

		message.acceptedAt = now;
		message.acceptedBy = sender.id;
		message.dueAt = dueAt;
		if (isDelivered) this.receiptHeap.push(message, dueAt);
		else this.expiries.push(message);
	}

	/** A receipt came: the message (kept for its log line), or only when it was asked for. */
	private delivered(message: Message | undefined, askedAt: number): void {
		const now = this.simMs;
		this.awaiting--;
		this.tally.receipt(true, now);
		this.tally.reach(now - (message === undefined ? askedAt : this.asked.of(message.id)), now);
		if (message === undefined) return;
		this.tell(message, 'sent', message.acceptedBy, message.acceptedAt, 'delivered');
		this.recycle(message);
	}

	/** An accepted message expired at its validity without a receipt. */
	private expired(expiry: Message | number): void {
		this.awaiting--;
		this.expiring--;
		this.tally.receipt(false, this.simMs);
		if (typeof expiry === 'number') return;
		this.tell(expiry, 'sent', expiry.acceptedBy, expiry.acceptedAt, 'expired');
		this.recycle(expiry);
	}

	private fail(sender: Sender, message: Message, reason: 'error' | 'invalid'): void {
		const now = this.simMs;
		sender.drop(message);
		this.inFlight--;
		this.tally.finish(sender, false, now - message.pickedAt, now - message.producedAt, now, reason === 'invalid');
		this.tell(message, 'failed', sender.id, now, undefined, reason);
		this.recycle(message);
	}

	/** Its --log line: `doneAt` is acceptance or failure (times run to it), the line is now. */
	private tell(
		message: Message,
		outcome: 'sent' | 'failed',
		sender: number,
		doneAt: number,
		delivery: 'delivered' | 'expired' | undefined,
		reason?: 'error' | 'invalid',
	): void {
		if (this.onFinish === undefined) return;
		const line: Outcome = {
			id: message.id,
			phone: phoneText(message.phone),
			outcome,
			attempts: message.attempts,
			timeMs: doneAt - message.pickedAt,
			e2eMs: doneAt - message.producedAt,
			sender,
			simMs: this.simMs,
			segments: this.segments,
		};
		if (reason !== undefined) line.reason = reason;
		if (delivery !== undefined) line.delivery = delivery;
		if (delivery === 'delivered') line.reachMs = this.simMs - this.asked.of(message.id);
		this.onFinish(line);
	}

	/** Nothing holds a finished message any more: the producer may reuse it. */
	private recycle(message: Message): void {
		if (this.spare.length < this.capacity) this.spare.push(message);
	}
}

/** Whether two senders' settings are the same, key by key and in the same order. */
function isSameSpec(a: SenderSpec, b: SenderSpec): boolean {
	if (a === b) return true;
	const keys = Object.keys(a);
	const others = Object.keys(b);
	if (keys.length !== others.length) return false;
	for (let i = 0; i < keys.length; i++) {
		const key = keys[i] as keyof SenderSpec;
		if (key !== others[i] || !Object.is(a[key], b[key])) return false;
	}

	return true;
}

/** Creates an engine for the given settings; it has produced its first queue-full. */
export function createEngine(settings: RunSettings, options?: EngineOptions): Engine {
	return new Engine(settings, options);
}
