// Reach in broker mode, on the monitor's clock: an accepted message is reached at once, or,
// with receipts on, when its receipt comes (or it expires at the validity), drawn as the
// engine draws them (engine/receipts.ts: the same stream, in the order outcomes are folded).
import {EventHeap, type Schedulable} from '../engine/event-heap.js';
import type {Tally} from '../engine/figures.js';
import {AskedTimes, Receipts} from '../engine/receipts.js';
import type {Outcome, RunSettings} from '../engine/types.js';
import type {Outcomes} from './outcomes.js';

interface Awaited extends Schedulable {
	isDelivering: boolean;
	outcome: Outcome;
}

export class ReceiptQueue {
	/** Accepted messages whose receipt (or expiry) has not come. */
	readonly heap = new EventHeap<Awaited>();
	private readonly asked = new AskedTimes();
	private readonly draws: Receipts | undefined;

	constructor(
		private readonly tally: Tally,
		settings: Pick<RunSettings, 'seed' | 'delivery' | 'validityMs'>,
		private readonly tell: (outcome: Outcome) => void,
	) {
		if (settings.delivery !== undefined) this.draws = new Receipts(settings.delivery, settings.seed, settings.validityMs);
	}

	/** Of those, the ones that will expire (no receipt will come). */
	expiring = 0;

	get awaiting(): number {
		return this.heap.size;
	}

	/** Messages from `firstId` on were asked for at `atMs` (a `more`). */
	askMore(firstId: number, atMs: number): void {
		this.asked.add(firstId, atMs);
	}

	/** An accepted message: reached now (false: its line is told now), or later (true). */
	accepted(outcome: Outcome, atMs: number): boolean {
		const draws = this.draws;
		if (draws === undefined) {
			this.tally.reach(atMs - this.asked.of(outcome.id), atMs);
			return false;
		}

		const {isDelivered, afterMs} = draws.draw();
		if (!isDelivered) this.expiring++;
		this.heap.schedule({isDelivering: isDelivered, outcome, dueAt: 0, seq: 0, heapIndex: -1}, atMs + afterMs);
		return true;
	}

	nextAt(): number | undefined {
		return this.heap.peek()?.dueAt;
	}

	/** The next receipt (or expiry), due now. */
	foldNext(): void {
		const item = this.heap.pop();
		if (item === undefined) return;
		const now = item.dueAt;
		const {outcome, isDelivering} = item;
		if (!isDelivering) this.expiring--;
		this.tally.receipt(isDelivering, now);
		outcome.simMs = now;
		outcome.delivery = isDelivering ? 'delivered' : 'expired';
		if (isDelivering) {
			const reachMs = now - this.asked.of(outcome.id);
			this.tally.reach(reachMs, now);
			outcome.reachMs = reachMs;
		}

		this.tell(outcome);
	}
}

/** The earlier of two moments, either may be missing. */
export function earliest(a: number | undefined, b: number | undefined): number | undefined {
	return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

/** Outcomes and receipts folded in time order, up to `target`, at most `maxEvents`; how many. */
export function foldInTimeOrder(outcomes: Outcomes, receipts: ReceiptQueue, target: number, maxEvents: number): number {
	let done = 0;
	while (done < maxEvents) {
		const outcomeAt = outcomes.nextAt();
		const receiptAt = receipts.nextAt();
		if (receiptAt !== undefined && receiptAt <= target && (outcomeAt === undefined || receiptAt < outcomeAt)) {
			receipts.foldNext();
			done++;
		} else if (outcomeAt !== undefined && outcomeAt <= target) {
			done += outcomes.fold(outcomeAt, 1);
		} else {
			break;
		}
	}

	return done;
}
