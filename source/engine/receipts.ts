// What follows acceptance: the handset's delivery receipt after a drawn delay, or expiry at
// the validity for the undelivered share; and when each message was asked for, from which
// its reach is counted. Pure: draws only from the run's receipt stream.
import {makeSampler, type Sampler} from './distributions.js';
import {streamSeed} from './message.js';
import {Rng} from './rng.js';
import type {DeliverySpec} from './types.js';

export const defaultValidityMs = 48 * 3_600_000;

/** The stream receipts draw from (senders draw from streams 1, 2, …; the producer from 0). */
const receiptStream = 0x7f_ff_ff_ff;

/** A run's receipts: for each accepted message, whether its receipt comes, and when. */
export class Receipts {
	private readonly rng: Rng;
	private readonly delay: Sampler;

	constructor(
		private readonly spec: DeliverySpec,
		seed: number,
		private readonly validityMs = defaultValidityMs,
	) {
		this.rng = Rng.fromSeed(streamSeed(seed, receiptStream));
		this.delay = makeSampler({meanMs: spec.meanMs, distribution: spec.distribution, spreadMs: spec.spreadMs, failureRate: 0});
	}

	/**
	 * Draws the fate of a message accepted now (two draws at most, in this order).
	 * @returns whether its receipt comes, and after how long (else when it expires)
	 */
	draw(): {isDelivered: boolean; afterMs: number} {
		const isDelivered = !(this.rng.next() < this.spec.undelivered);
		return {isDelivered, afterMs: isDelivered ? this.delay(this.rng) : this.validityMs};
	}
}

/** When each message was asked for: the first ones at simulated 0, later ones at their `more`. */
export class AskedTimes {
	private readonly batches: Array<{firstId: number; atMs: number}> = [{firstId: 1, atMs: 0}];

	/** Messages from `firstId` on were asked for at `atMs`. */
	add(firstId: number, atMs: number): void {
		this.batches.push({firstId, atMs});
	}

	of(id: number): number {
		const batches = this.batches;
		let i = batches.length - 1;
		while (batches[i]!.firstId > id) i--;
		return batches[i]!.atMs;
	}
}
