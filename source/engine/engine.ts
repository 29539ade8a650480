// The simulation: one producer, many senders, a discrete-event loop on a simulated
// clock. Pure and synchronous: no I/O, no timers, no wall clock, no Math.random.
// This file runs the events in order and makes the runtime changes; what each event
// does, and the run's state, are engine-core.ts's.
import {EngineCore, type EngineOptions} from './engine-core.js';
import {blankFigures, idleSource, senderSnapshot, writeSenderFigures, type Spread} from './figures.js';
import type {Histogram} from './histogram.js';
import {manyPending} from './run-sizes.js';
import type {Sender} from './sender.js';
import type {Simulation, Totals} from './simulation.js';
import type {RunSettings, SenderSnapshot, Snapshot, SenderSpec} from './types.js';

export {defaultBackoffMs, defaultQueueCapacity, type EngineOptions} from './engine-core.js';

export class Engine extends EngineCore implements Simulation {
	/** What was read ahead, kept so that the compiler keeps the reads. */
	private readAhead = 0;

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
		while (this.answers.size > 0 && this.submitter(this.answers.peek()!, this.answers.peekValue()) === undefined) this.answers.pop();
		const at = Math.min(this.heap.peekTime(), this.answers.peekTime(), this.nextReceiptAt(), this.nextExpiryAt());
		return Number.isFinite(at) ? at : undefined;
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
			const wakeAt = heap.peekTime();
			let at = answers.peekTime();
			let source: 'answer' | 'wake' | 'receipt' | 'expiry' = 'answer';
			if (wakeAt < at || (wakeAt === at && wakeAt !== Number.POSITIVE_INFINITY && heap.peekSeq() < answers.peekSeq())) {
				at = wakeAt;
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
			let submitter: Sender | undefined;
			if (source === 'answer') {
				submitter = this.submitter(answers.peek()!, answers.peekValue());
				if (submitter === undefined) {
					answers.pop();
					continue;
				}
			}

			// Stop early between two times rather than inside one. An instant of zero-time
			// sends can hold every message, though, and the caller (the driver) must get
			// the event loop back for signals and keys: after 16 budgets, stop anyway. The
			// runtime changes settle() the rest of the instant first, so replays stay exact.
			if (done >= maxEvents && (at !== this.simMs || done >= 16 * maxEvents)) {
				// Only the buckets of time wholly before the clock (it stopped inside an instant).
				if (hasReceipts) this.awaiting -= this.receiptCounts!.countUntil(this.simMs, this.tally, false);
				return done;
			}

			this.simMs = at;
			if (source === 'answer') {
				const message = answers.pop()!;
				const code = answers.poppedValue;
				if (answers.size > manyPending) {
					// The next answer's sender and message are read now, so memory fetches them while this
					// event runs: with many senders each is a cache miss, one waited for after another.
					const next = this.senders[(answers.peekValue() >>> 1) - 1];
					if (next !== undefined) this.readAhead ^= next.windowUsed ^ this.messages.heldBy(answers.peek()!);
				}

				this.answer(submitter!, message, code);
			} else if (source === 'wake') {
				this.wake(heap.pop()!);
			} else if (source === 'receipt') {
				this.delivered(this.receiptHeap.pop()!);
			} else {
				this.expired(this.expiries.shift()!);
			}

			done++;
		}

		if (hasReceipts) {
			// The receipts only counted come at their times, as if they had been events.
			this.awaiting -= this.receiptCounts!.countUntil(untilMs, this.tally);
			if (this.receiptCounts!.lastDueAt > this.simMs && !Number.isFinite(untilMs)) this.simMs = this.receiptCounts!.lastDueAt;
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
		return this.startSender(spec);
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
		// Its submits stay on the clock, answered to nobody (submitter() finds none).
		const held = sender.letGo(this.messages);
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
	snapshot(withSenders = true): Snapshot {
		return this.tally.snapshot(
			this.totals(),
			// A resting sender's countdown moves with the clock.
			!withSenders
				? []
				: this.senders.map((made, i) => {
						const sender = made ?? this.senderOf(i + 1);
						return senderSnapshot(sender, sender.state, sender.isResting ? sender.dueAt - this.simMs : 0);
					}),
		);
	}

	spread(): Spread {
		return this.tally.spread();
	}

	/** Visits each running sender with its sent count; O(senders), allocates nothing. */
	forEachSender(visit: (id: number, sent: number) => void): void {
		const {senders} = this;
		for (let i = 0; i < senders.length; i++) {
			const sender = senders[i];
			if (sender === undefined) visit(i + 1, 0);
			else if (sender.state !== 'removed') visit(sender.id, sender.sent);
		}
	}

	/** Ids of the senders still running, in the order they were added. */
	senderIds(): number[] {
		const ids: number[] = [];
		this.forEachSender(id => ids.push(id));
		return ids;
	}

	/**
	 * Visits every sender, removed ones too, with the figures snapshot() shows of it, in one
	 * object filled anew for each (read it during the call; keep none): O(senders), and unlike
	 * snapshot() it makes and keeps no object per sender (a summary of 100,000 senders).
	 */
	eachSenderFigures(visit: (figures: Readonly<SenderSnapshot>) => void): void {
		const {senders, models} = this;
		const figures = blankFigures({} as SenderSpec);
		const idle = idleSource(this.senderRows.times);
		for (let i = 0; i < senders.length; i++) {
			const sender = senders[i];
			if (sender === undefined) {
				// It has only waited: every figure is zero.
				idle.id = i + 1;
				idle.spec = models[i]!.spec;
				writeSenderFigures(figures, idle, 'idle', 0);
			} else {
				writeSenderFigures(figures, sender, sender.state, sender.isResting ? sender.dueAt - this.simMs : 0);
			}

			visit(figures);
		}
	}

	/** Runs the events due at the current time, so the clock stands between two instants. */
	private settle(): void {
		this.runUntil(this.simMs);
	}

	private find(id: number): Sender | undefined {
		if (!Number.isInteger(id) || id < 1 || id > this.senders.length) return undefined;
		const sender = this.senderOf(id);
		return sender.state === 'removed' ? undefined : sender;
	}
}

/** Creates an engine for the given settings; it has produced its first queue-full. */
export function createEngine(settings: RunSettings, options?: EngineOptions): Engine {
	return new Engine(settings, options);
}
