// Outcome folding in broker mode: this run's final outcomes from BullMQ's event stream, each
// message counted once (processing is at least once), folded in finish-time order into the
// same Tally the engine keeps, each attempt to the sender that made it.
import {Tally} from '../engine/figures.js';
import {phoneText} from '../engine/message.js';
import type {Outcome} from '../engine/types.js';
import type {FinishEvent} from './events.js';
import type {OpenMessage, Producer} from './producer.js';
import {parseReport, type AttemptReport} from './protocol.js';
import type {Roster} from './roster.js';

interface Received {
	n: number;
	message: OpenMessage;
	isSent: boolean;
	report: AttemptReport;
	/** Finish time, epoch ms, never later than when it was read (clock skew). */
	finishedAt: number;
}

export class Outcomes {
	/** The run's sums and percentiles, as the engine keeps them. */
	readonly tally = new Tally();
	/** Outcomes read twice (at-least-once processing) and counted once. */
	duplicates = 0;
	onFinish: ((outcome: Outcome) => void) | undefined;
	/** The time of the last line told (an outcome, a receipt or an expiry): no later line is stamped before it. */
	private lastToldMs = 0;
	private received: Received[] = [];
	private head = 0;

	constructor(
		private readonly producer: Producer,
		private readonly roster: Roster,
		private readonly runPrefix: string,
		/** An epoch time on the run's clock (simulated ms). */
		private readonly simMsOf: (epochMs: number) => number,
		/** Submits (segments) per message. */
		private readonly segments = 1,
		/** An accepted message: with receipts on, it is reached later (receipts.ts); else now. */
		private readonly onAccepted?: (outcome: Outcome, atMs: number) => boolean,
	) {}

	/** Takes in what the event reader found; folded later, by fold(). */
	receive(events: FinishEvent[]): void {
		for (const event of events) {
			if (!event.jobId.startsWith(this.runPrefix)) continue;
			const n = Number(event.jobId.slice(this.runPrefix.length));
			const message = this.producer.take(n);
			if (message === undefined) {
				this.duplicates++;
				continue;
			}

			// A failure BullMQ made itself (not a sender's report) still finishes the message.
			const report = parseReport(event.payload) ?? {s: 0, p: event.receivedAt, f: event.receivedAt, a: 1, t: []};
			this.received.push({n, message, isSent: event.isSent, report, finishedAt: Math.min(report.f, event.receivedAt)});
		}
	}

	/** When the next outcome received finished on the run's clock; undefined when none waits. */
	nextAt(): number | undefined {
		const item = this.received[this.head];
		return item === undefined ? undefined : this.atOf(item);
	}

	/**
	 * Folds the outcomes received that finished at or before `untilMs`, at most `maxEvents`.
	 * @returns how many were folded
	 */
	fold(untilMs: number, maxEvents: number): number {
		let done = 0;
		const received = this.received;
		while (this.head < received.length && done < maxEvents) {
			const item = received[this.head]!;
			const atMs = this.atOf(item);
			if (atMs > untilMs) break;
			this.head++;
			this.foldOne(item, atMs);
			done++;
		}

		if (this.head > 1024 && this.head * 2 > received.length) {
			this.received = received.slice(this.head);
			this.head = 0;
		}

		return done;
	}

	private atOf(item: Received): number {
		return Math.max(this.tally.lastOutcomeMs, this.lastToldMs, this.simMsOf(item.finishedAt));
	}

	private foldOne(item: Received, atMs: number): void {
		const {report, message} = item;
		const timeMs = Math.max(0, report.f - report.p);
		const e2eMs = Math.max(timeMs, report.f - message.at);
		const tally = this.tally;
		// Each attempt to the sender that made it (a failover sends it to another one).
		const trail = report.t;
		let attempts = 0;
		for (let i = 0; i + 1 < trail.length; i += 2) {
			const sender = this.roster.senderOf(trail[i]!);
			tally.attempt(sender, trail[i + 1]!);
			sender.version++;
			attempts++;
		}

		// A report without its trail (BullMQ's own failure) still counts its attempts.
		if (report.a > attempts) tally.attempts += report.a - attempts;
		const throttles = report.h ?? [];
		for (let i = 0; i + 1 < throttles.length; i += 2) {
			const sender = this.roster.senderOf(throttles[i]!);
			for (let k = 0; k < throttles[i + 1]!; k++) tally.throttle(sender);
			sender.version++;
		}

		const sender = report.s > 0 ? this.roster.senderOf(report.s) : undefined;
		const isInvalid = !item.isSent && report.r === 'invalid';
		tally.finish(sender, item.isSent, timeMs, e2eMs, atMs, isInvalid);
		if (item.isSent) tally.accept(sender, this.segments, sender?.spec.price ?? 0);
		if (sender !== undefined) sender.version++;
		const outcome: Outcome = {
			id: item.n,
			phone: phoneText(message.phone),
			outcome: item.isSent ? 'sent' : 'failed',
			attempts: report.a,
			timeMs,
			e2eMs,
			sender: report.s,
			simMs: atMs,
			segments: this.segments,
		};
		if (!item.isSent) outcome.reason = isInvalid ? 'invalid' : 'error';
		// Reached now, or its line waits for its receipt.
		if (item.isSent && this.onAccepted?.(outcome, atMs) === true) return;
		this.tell(outcome);
	}

	/** An outcome's line, in time order with every other (receipts.ts tells receipts and expiries here too). */
	tell(outcome: Outcome): void {
		this.lastToldMs = Math.max(this.lastToldMs, outcome.simMs);
		this.onFinish?.(outcome);
	}
}
