// An SMPP run's counts on its clock: what the binds did (attempts, throttles, outcomes, receipts)
// is told as it happens and folded into the Tally, in order, when the run's clock reaches it;
// accepted messages await their receipts (matched by the SMSC's message ids, every segment's)
// or expire at the validity. Nothing here touches a socket.
import {Deque} from '../engine/deque.js';
import {Tally, type SenderCounts} from '../engine/figures.js';
import {AskedTimes} from '../engine/receipts.js';
import type {Outcome, SenderSpec} from '../engine/types.js';
import type {Receipt} from './receipt-text.js';

/** A sender as the ledger counts it. */
export interface LedgerSender extends SenderCounts {
	id: number;
	spec: SenderSpec;
	/** Its accepted messages whose receipts have not all come. */
	receiptsPending: number;
	/** Bumped when a figure it shows changes. */
	version: number;
}

/** What a finished message was, as the sender that finished it tells. */
export interface Finished {
	id: number;
	phone: string;
	isSent: boolean;
	isInvalid: boolean;
	attempts: number;
	/** On the run's clock: first pickup and production. */
	pickedAt: number;
	producedAt: number;
	segments: number;
	/** The SMSC's message id of each segment (sent only). */
	ids: readonly string[];
}

interface Awaited {
	outcome: Outcome;
	sender: LedgerSender;
	ids: readonly string[];
	remaining: number;
	dueAt: number;
	isSettled: boolean;
}

interface Told {
	atMs: number;
	fold(): void;
}

/** Receipts kept for a message id not accepted yet (a receipt before its submit_sm_resp). */
const earlyCap = 10_000;

export class Ledger {
	readonly tally = new Tally();
	onFinish: ((outcome: Outcome) => void) | undefined;
	/** Receipts read, matched or not. */
	receiptsRead = 0;
	private told: Told[] = [];
	private head = 0;
	private lastAtMs = 0;
	private readonly awaited = new Map<string, Awaited>();
	private readonly expiries = new Deque<Awaited>();
	private readonly early = new Map<string, Receipt>();
	private readonly asked = new AskedTimes();
	private awaitingCount = 0;

	constructor(private readonly validityMs: number) {}

	/** Accepted messages whose receipts have not all come (nor expired). */
	get awaiting(): number {
		return this.awaitingCount;
	}

	/** Things told and not folded yet. */
	get pending(): number {
		return this.told.length - this.head;
	}

	/** Messages from `firstId` on were asked for at `atMs` (a `more`). */
	askMore(firstId: number, atMs: number): void {
		this.asked.add(firstId, atMs);
	}

	attempt(sender: LedgerSender, waitMs: number, atMs: number): void {
		this.tell(atMs, () => {
			this.tally.attempt(sender, waitMs);
			sender.version++;
		});
	}

	throttle(sender: LedgerSender, atMs: number): void {
		this.tell(atMs, () => {
			this.tally.throttle(sender);
			sender.version++;
		});
	}

	finish(sender: LedgerSender, message: Finished, atMs: number): void {
		this.tell(atMs, () => this.foldFinish(sender, message, atMs));
	}

	receipt(receipt: Receipt, atMs: number): void {
		this.tell(atMs, () => this.foldReceipt(receipt, atMs));
	}

	/** When the next thing to fold is due; undefined when nothing is. */
	nextAt(): number | undefined {
		const told = this.told[this.head]?.atMs;
		const expiry = this.nextExpiry()?.dueAt;
		return told === undefined ? expiry : expiry === undefined ? told : Math.min(told, expiry);
	}

	/** Folds, in time order, what is due at or before `untilMs`, at most `maxEvents`. */
	fold(untilMs: number, maxEvents: number): number {
		let done = 0;
		while (done < maxEvents) {
			const next = this.told[this.head];
			const expiry = this.nextExpiry();
			if (expiry !== undefined && expiry.dueAt <= untilMs && (next === undefined || expiry.dueAt < next.atMs)) {
				this.expiries.shift();
				this.settle(expiry, false, expiry.dueAt);
			} else if (next !== undefined && next.atMs <= untilMs) {
				this.head++;
				next.fold();
			} else {
				break;
			}

			done++;
		}

		if (this.head > 1024 && this.head * 2 > this.told.length) {
			this.told = this.told.slice(this.head);
			this.head = 0;
		}

		return done;
	}

	private tell(atMs: number, fold: () => void): void {
		// The clock may be moved back (a stalled process): what is told never goes back in time.
		this.lastAtMs = Math.max(this.lastAtMs, atMs);
		this.told.push({atMs: this.lastAtMs, fold});
	}

	private nextExpiry(): Awaited | undefined {
		let head = this.expiries.first();
		while (head?.isSettled === true) {
			this.expiries.shift();
			head = this.expiries.first();
		}

		return head;
	}

	private foldFinish(sender: LedgerSender, message: Finished, atMs: number): void {
		const tally = this.tally;
		const timeMs = Math.max(0, atMs - message.pickedAt);
		const e2eMs = Math.max(timeMs, atMs - message.producedAt);
		tally.finish(sender, message.isSent, timeMs, e2eMs, atMs, message.isInvalid);
		if (message.isSent) tally.accept(sender, message.segments, sender.spec.price ?? 0);
		sender.version++;
		const outcome: Outcome = {
			id: message.id,
			phone: message.phone,
			outcome: message.isSent ? 'sent' : 'failed',
			attempts: message.attempts,
			timeMs,
			e2eMs,
			sender: sender.id,
			simMs: atMs,
			segments: message.segments,
		};
		if (!message.isSent) {
			outcome.reason = message.isInvalid ? 'invalid' : 'error';
			this.onFinish?.(outcome);
			return;
		}

		// Its --log line waits for its receipts.
		const awaited: Awaited = {outcome, sender, ids: message.ids, remaining: message.ids.length, dueAt: atMs + this.validityMs, isSettled: false};
		this.awaitingCount++;
		sender.receiptsPending++;
		this.expiries.push(awaited);
		for (const id of message.ids) this.awaited.set(id, awaited);
		for (const id of message.ids) {
			const receipt = this.early.get(id);
			if (receipt === undefined) continue;
			this.early.delete(id);
			this.foldReceipt(receipt, atMs);
		}
	}

	private foldReceipt(receipt: Receipt, atMs: number): void {
		this.receiptsRead++;
		const awaited = this.awaited.get(receipt.id);
		if (awaited === undefined) {
			if (this.early.size >= earlyCap) this.early.delete(this.early.keys().next().value!);
			this.early.set(receipt.id, receipt);
			return;
		}

		this.awaited.delete(receipt.id);
		if (receipt.state === 'DELIVRD') {
			awaited.remaining--;
			if (awaited.remaining === 0) this.settle(awaited, true, atMs);
		} else if (receipt.state !== 'ACCEPTD') {
			// EXPIRED, UNDELIV, REJECTD, DELETED, UNKNOWN: one segment lost is the message lost.
			this.settle(awaited, false, atMs);
		}
	}

	/** A message's receipts all came (delivered), or one said it will not be, or it expired. */
	private settle(awaited: Awaited, isDelivered: boolean, atMs: number): void {
		if (awaited.isSettled) return;
		awaited.isSettled = true;
		for (const id of awaited.ids) this.awaited.delete(id);
		this.awaitingCount--;
		const {outcome, sender} = awaited;
		sender.receiptsPending--;
		sender.version++;
		this.tally.receipt(isDelivered, atMs);
		outcome.simMs = atMs;
		outcome.delivery = isDelivered ? 'delivered' : 'expired';
		if (isDelivered) {
			const reachMs = atMs - this.asked.of(outcome.id);
			this.tally.reach(reachMs, atMs);
			outcome.reachMs = reachMs;
		}

		this.onFinish?.(outcome);
	}
}
