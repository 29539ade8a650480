// One sender's attempt model, the only one: in-process senders (engine.ts, on the simulated
// clock) and broker workers (broker/sender-host.ts, in real time) both decide with it. Pure:
// no clock, no I/O; it draws only from the sender's own stream, two draws an attempt.
import {makeSampler, type Sampler} from './distributions.js';
import {streamSeed} from './message.js';
import {Rng, seedWords} from './rng.js';
import type {SenderSpec} from './types.js';

/**
 * What follows a finished attempt:
 * - `sent`: the message is finished; the sender takes the next one.
 * - `failed`: it failed with no retry left and is finished; the sender takes the next one.
 * - `retry`: it failed; the same sender tries it again at once.
 * - `requeue`: it failed, with failover: the sender rests, the message goes back to the
 *   front of the queue for any sender.
 * - `failed-rest`: it failed with no retry left, with failover: finished, and the sender rests.
 */
export type Verdict = 'sent' | 'failed' | 'retry' | 'requeue' | 'failed-rest';

/** The random stream of sender `id` of a run. */
export function senderRng(seed: number, id: number): Rng {
	return Rng.fromSeed(senderStreamSeed(seed, id));
}

/** The seed of sender `id`'s stream. */
export function senderStreamSeed(seed: number, id: number): number {
	return streamSeed(seed, id);
}

/** How long a sender rests after a failed attempt (its failover), or 0: no rest. */
export function restMsOf(spec: SenderSpec): number {
	const failover = spec.failoverMs;
	return failover !== undefined && failover > 0 ? failover : 0;
}

/**
 * The earliest moment a sender (an SMPP bind) may submit again: its rate cap spaces
 * submits 1/rate apart from the last one, a backoff after a throttled answer holds them
 * all. The same rule on the simulated clock (engine/sender.ts) and in real time (broker/slot.ts).
 */
export function nextSubmitAt(lastSubmitAt: number, holdUntil: number, rate: number | undefined): number {
	return rate === undefined || rate <= 0 ? holdUntil : Math.max(holdUntil, lastSubmitAt + 1000 / rate);
}

/** A copy of a sender's settings and its sampler, which senders of the same settings may share. */
export interface SpecModel {
	spec: SenderSpec;
	sample: Sampler;
}

/** A private copy of `spec` and its sampler. */
export function specModel(spec: SenderSpec): SpecModel {
	const copy = {...spec};
	return {spec: copy, sample: makeSampler(copy)};
}

/** Whether two senders' settings are the same, key by key and in the same order (they may share a SpecModel). */
export function isSameSpec(a: SenderSpec, b: SenderSpec): boolean {
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

/**
 * A sender's settings and random stream, and the decisions they make. It is its own
 * stream (an Rng), so a draw touches no other object: with 100,000 senders each object
 * a draw reaches is a cache miss.
 */
export class AttemptModel extends Rng {
	/** The attempt under way keeps its drawn wait when this changes; its verdict reads the new one. */
	spec: SenderSpec;
	private sample: Sampler;

	/**
	 * @param rngOrSeed its stream (taken up where it stands), or the seed of it
	 * @param model a copy of `spec` and its sampler, which may be shared: never changed in place (`tune` makes new ones)
	 */
	constructor(spec: SenderSpec, rngOrSeed: Rng | number, model = specModel(spec)) {
		const [a, b, c, d] = typeof rngOrSeed === 'number' ? seedWords(rngOrSeed) : rngOrSeed.words();
		super(a, b, c, d);
		this.spec = model.spec;
		this.sample = model.sample;
	}

	/** Its random stream: itself. */
	get rng(): Rng {
		return this;
	}

	/** Changes the settings (a copy is kept). */
	tune(patch: Partial<SenderSpec>): void {
		this.spec = {...this.spec, ...patch};
		this.sample = makeSampler(this.spec);
	}

	/** Draws how long the next attempt takes, ms: from the distribution, cut to max-wait. */
	drawWaitMs(): number {
		return this.sample(this);
	}

	/**
	 * Draws whether the attempt just finished failed and says what follows.
	 * @param attempts the message's finished attempts, this one included
	 * @param retries extra attempts a message may have after a failed one
	 */
	judge(attempts: number, retries: number): Verdict {
		const spec = this.spec;
		if (!(this.next() < spec.failureRate)) return 'sent';
		const isRetry = attempts <= retries;
		if (restMsOf(spec) > 0) return isRetry ? 'requeue' : 'failed-rest';
		return isRetry ? 'retry' : 'failed';
	}
}
