// The simulation: one producer, many senders, a discrete-event loop on a simulated
// clock. Pure and synchronous: no I/O, no timers, no wall clock, no Math.random.
// At every moment produced = queued + inFlight + sent + failed.
import {AttemptModel, restMsOf, senderRng} from './attempt.js';
import {Deque} from './deque.js';
import {EventHeap, type Schedulable} from './event-heap.js';
import {senderSnapshot, Tally, type Spread} from './figures.js';
import type {Histogram} from './histogram.js';
import {drawMessage, phoneText, producerRng, type MessageBody} from './message.js';
import type {Rng} from './rng.js';
import type {Simulation, Totals} from './simulation.js';
import type {
	Outcome,
	RunSettings,
	SenderSnapshot,
	SenderSpec,
	SenderState,
	Snapshot,
	TimedAction,
} from './types.js';

/** Messages kept ready in the queue; the producer makes the rest when room frees up. */
export const defaultQueueCapacity = 1000;

interface Message extends MessageBody {
	id: number;
	producedAt: number;
	/** First pickup by a sender; -1 until then. */
	pickedAt: number;
	/** Attempts finished so far. */
	attempts: number;
}

/** A sender: the shared attempt model, and where it stands on the simulated clock. */
class Sender extends AttemptModel implements Schedulable {
	dueAt = 0;
	seq = 0;
	heapIndex = -1;
	state: SenderState = 'idle';
	message: Message | undefined;
	attemptStart = 0;
	restStart = 0;
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

	get holding(): number {
		return this.state === 'sending' ? 1 : 0;
	}

	get windowUsed(): number {
		return this.holding;
	}

	constructor(
		readonly id: number,
		spec: SenderSpec,
		rng: Rng,
	) {
		super(spec, rng);
	}
}

/** Options that shape the simulation but not its contract. */
export interface EngineOptions {
	queueCapacity?: number;
}

export class Engine implements Simulation {
	/** Simulated time, ms. Moves only forward. */
	simMs = 0;
	/** Called once per finished message (feeds --log); outcomes are not kept. */
	onFinish: ((outcome: Outcome) => void) | undefined;
	/** Every runtime change so far, in script form. */
	readonly actions: TimedAction[] = [];

	private readonly heap = new EventHeap<Sender>();
	private readonly queue: Deque<Message>;
	private readonly idle = new Deque<Sender>();
	private readonly senders: Sender[] = [];
	private readonly producerRng: Rng;
	private readonly tally = new Tally();

	get timeHistogram(): Histogram {
		return this.tally.histogram;
	}
	/**
	 * Finished messages, kept for the producer to reuse. A run makes no garbage per message,
	 * so V8 never grows its heap with the run's length: peak RSS stays flat (bench/soak.js).
	 */
	private readonly spare: Message[] = [];
	private readonly capacity: number;
	private readonly retries: number;
	private nextSenderId = 1;
	private total: number;
	private produced = 0;
	private inFlight = 0;
	private resting = 0;

	constructor(
		readonly settings: RunSettings,
		options: EngineOptions = {},
	) {
		this.capacity = Math.max(1, options.queueCapacity ?? defaultQueueCapacity);
		this.queue = new Deque(Math.min(this.capacity, 1 << 16));
		this.retries = settings.retries;
		this.total = settings.messages;
		this.producerRng = producerRng(settings.seed);
		this.refill();
		for (const spec of settings.senders) this.startSender(spec);
	}

	// ---- running ----

	/** Simulated time of the next event, or undefined when nothing is scheduled. */
	nextEventAt(): number | undefined {
		return this.heap.peek()?.dueAt;
	}

	/**
	 * Processes every event due at or before `untilMs`, then sets the clock to it.
	 * Returns early (clock at the last event) once `maxEvents` are done.
	 * @returns the number of events processed
	 */
	runUntil(untilMs: number, maxEvents = Infinity): number {
		const heap = this.heap;
		let done = 0;
		for (;;) {
			const next = heap.peek();
			if (next === undefined || next.dueAt > untilMs) break;
			// Stop early between two times rather than inside one. An instant of zero-time
			// sends can hold every message, though, and the caller (the driver) must get
			// the event loop back for signals and keys: after 16 budgets, stop anyway. The
			// runtime changes settle() the rest of the instant first, so replays stay exact.
			if (done >= maxEvents && (next.dueAt !== this.simMs || done >= 16 * maxEvents)) return done;
			heap.pop();
			this.simMs = next.dueAt;
			if (next.state === 'sending') this.endAttempt(next);
			else this.endRest(next);
			done++;
		}

		if (Number.isFinite(untilMs) && untilMs > this.simMs) this.simMs = untilMs;
		return done;
	}

	/** Every message asked for has finished. */
	get isDone(): boolean {
		return this.produced === this.total && this.queue.length === 0 && this.inFlight === 0;
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
	 * Removes a sender; its in-flight message goes back to the front of the queue.
	 * @returns false when no such sender is running (nothing changes but the record)
	 */
	removeSender(id: number): boolean {
		this.settle();
		const sender = this.find(id);
		this.actions.push({simMs: this.simMs, remove: id});
		if (sender === undefined) return false;
		this.heap.remove(sender);
		if (sender.state === 'sending') {
			this.inFlight--;
			this.queue.unshift(sender.message!);
			sender.message = undefined;
		} else if (sender.state === 'resting') {
			this.resting--;
			sender.restedMs += this.simMs - sender.restStart;
		}

		sender.state = 'removed';
		sender.version++;
		this.dispatch();
		return true;
	}

	/**
	 * Changes a sender's settings; the attempt under way keeps its drawn time.
	 * @returns false when no such sender is running (nothing changes but the record)
	 */
	tuneSender(id: number, patch: Partial<SenderSpec>): boolean {
		this.settle();
		const sender = this.find(id);
		this.actions.push({simMs: this.simMs, tune: {sender: id, ...patch}});
		if (sender === undefined) return false;
		sender.tune(patch);
		sender.version++;
		return true;
	}

	/** Asks the producer for `count` more messages. */
	produceMore(count: number): void {
		if (count <= 0) return;
		this.settle();
		this.actions.push({simMs: this.simMs, more: count});
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
			this.senders.map(sender => senderSnapshot(sender, sender.state, sender.state === 'resting' ? sender.dueAt - this.simMs : 0)),
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
		const sender = new Sender(id, spec, senderRng(this.settings.seed, id));
		this.senders.push(sender);
		this.takeNext(sender);
		return sender;
	}

	/** The producer tops the queue up to its capacity. */
	private refill(): void {
		const rng = this.producerRng;
		while (this.queue.length < this.capacity && this.produced < this.total) {
			this.produced++;
			const message = this.spare.pop() ?? {id: 0, phone: 0, textLength: 0, textSeed: 0, producedAt: 0, pickedAt: -1, attempts: 0};
			message.id = this.produced;
			drawMessage(rng, message);
			message.producedAt = this.simMs;
			message.pickedAt = -1;
			message.attempts = 0;
			this.queue.push(message);
		}
	}

	/** Idle senders take what waits in the queue. */
	private dispatch(): void {
		while (this.queue.length > 0 && this.idle.length > 0) {
			const sender = this.idle.shift()!;
			if (sender.state === 'idle') this.takeNext(sender);
		}
	}

	private takeNext(sender: Sender): void {
		const message = this.queue.shift();
		if (message === undefined) {
			if (sender.state !== 'idle') {
				sender.state = 'idle';
				sender.version++;
			}

			this.idle.push(sender);
			return;
		}

		if (this.produced < this.total) this.refill();
		if (message.pickedAt < 0) message.pickedAt = this.simMs;
		sender.message = message;
		sender.state = 'sending';
		this.inFlight++;
		this.startAttempt(sender);
	}

	private startAttempt(sender: Sender): void {
		sender.attemptStart = this.simMs;
		sender.version++;
		this.heap.schedule(sender, this.simMs + sender.drawWaitMs());
	}

	private endAttempt(sender: Sender): void {
		const message = sender.message!;
		const now = this.simMs;
		message.attempts++;
		this.tally.attempt(sender, now - sender.attemptStart);
		const verdict = sender.judge(message.attempts, this.retries);
		if (verdict === 'retry') {
			this.startAttempt(sender);
			return;
		}

		this.inFlight--;
		sender.message = undefined;
		if (verdict === 'sent' || verdict === 'failed') {
			this.finish(sender, message, verdict);
			this.takeNext(sender);
			return;
		}

		// Vendor failover: the message goes back for any sender, this one rests.
		if (verdict === 'requeue') this.queue.unshift(message);
		else this.finish(sender, message, 'failed');
		sender.state = 'resting';
		sender.restStart = now;
		sender.rests++;
		sender.version++;
		this.resting++;
		this.heap.schedule(sender, now + restMsOf(sender.spec));
		this.dispatch();
	}

	private endRest(sender: Sender): void {
		this.resting--;
		sender.restedMs += this.simMs - sender.restStart;
		sender.state = 'idle';
		sender.version++;
		this.takeNext(sender);
	}

	private finish(sender: Sender, message: Message, outcome: 'sent' | 'failed'): void {
		const now = this.simMs;
		const timeMs = now - message.pickedAt;
		const e2eMs = now - message.producedAt;
		this.tally.finish(sender, outcome === 'sent', timeMs, e2eMs, now);
		if (this.onFinish !== undefined) {
			this.onFinish({
				id: message.id,
				phone: phoneText(message.phone),
				outcome,
				attempts: message.attempts,
				timeMs,
				e2eMs,
				sender: sender.id,
				simMs: now,
				segments: 1,
			});
		}

		// Nothing holds a finished message any more (its sender let go of it first).
		if (this.spare.length < this.capacity) this.spare.push(message);
	}
}

/** Creates an engine for the given settings; it has produced its first queue-full. */
export function createEngine(settings: RunSettings, options?: EngineOptions): Engine {
	return new Engine(settings, options);
}
