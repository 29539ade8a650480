// Reach in broker mode, on the monitor's clock: an accepted message is reached at once, or,
// with receipts on, when its receipt comes (or it expires at the validity), drawn as the
// engine draws them (the same stream, one draw or two per accepted message, in fold order).
import {makeSampler, type Sampler} from '../engine/distributions.js';
import {defaultValidityMs} from '../engine/engine.js';
import {EventHeap, type Schedulable} from '../engine/event-heap.js';
import type {Tally} from '../engine/figures.js';
import {streamSeed} from '../engine/message.js';
import {Rng} from '../engine/rng.js';
import type {Outcome, RunSettings} from '../engine/types.js';

/** The engine's receipt stream (engine.ts): senders draw from 1, 2, …, the producer from 0. */
const receiptStream = 0x7f_ff_ff_ff;

interface Awaited extends Schedulable {
	isDelivering: boolean;
	outcome: Outcome;
}

export class Receipts {
	/** Accepted messages whose receipt (or expiry) has not come. */
	readonly heap = new EventHeap<Awaited>();
	/** When each batch of messages was asked for: ids from `firstId` on, at `atMs`. */
	private readonly asked: Array<{firstId: number; atMs: number}> = [{firstId: 1, atMs: 0}];
	private readonly draws: {rng: Rng; delay: Sampler; undelivered: number} | undefined;
	private readonly validityMs: number;

	constructor(
		private readonly tally: Tally,
		settings: Pick<RunSettings, 'seed' | 'delivery' | 'validityMs'>,
		private readonly tell: (outcome: Outcome) => void,
	) {
		this.validityMs = settings.validityMs ?? defaultValidityMs;
		const delivery = settings.delivery;
		if (delivery !== undefined) {
			this.draws = {
				rng: Rng.fromSeed(streamSeed(settings.seed, receiptStream)),
				delay: makeSampler({meanMs: delivery.meanMs, distribution: delivery.distribution, spreadMs: delivery.spreadMs, failureRate: 0}),
				undelivered: delivery.undelivered,
			};
		}
	}

	get awaiting(): number {
		return this.heap.size;
	}

	/** Messages from `firstId` on were asked for at `atMs` (a `more`). */
	askMore(firstId: number, atMs: number): void {
		this.asked.push({firstId, atMs});
	}

	/** An accepted message: reached now (false: its line is told now), or later (true). */
	accepted(outcome: Outcome, atMs: number): boolean {
		const draws = this.draws;
		if (draws === undefined) {
			this.tally.reach(atMs - this.askedAt(outcome.id), atMs);
			return false;
		}

		const isDelivering = !(draws.rng.next() < draws.undelivered);
		const dueAt = atMs + (isDelivering ? draws.delay(draws.rng) : this.validityMs);
		this.heap.schedule({isDelivering, outcome, dueAt: 0, seq: 0, heapIndex: -1}, dueAt);
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
		this.tally.receipt(isDelivering, now);
		outcome.simMs = now;
		outcome.delivery = isDelivering ? 'delivered' : 'expired';
		if (isDelivering) {
			const reachMs = now - this.askedAt(outcome.id);
			this.tally.reach(reachMs, now);
			outcome.reachMs = reachMs;
		}

		this.tell(outcome);
	}

	private askedAt(id: number): number {
		const asked = this.asked;
		let i = asked.length - 1;
		while (asked[i]!.firstId > id) i--;
		return asked[i]!.atMs;
	}
}

/** The earlier of two moments, either may be missing. */
export function earliest(a: number | undefined, b: number | undefined): number | undefined {
	return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}
