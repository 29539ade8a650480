// `size`'s closed-form estimate and its bottleneck, before any run: a sender's ceiling in
// segments/s, the segments/s the goal needs, and whether the gateway or unreachable
// recipients (invalid, failed on every attempt, undelivered) rule out every count. Pure
// arithmetic; the runs decide the answer.
import {segmentCount} from '../engine/segments.js';
import type {DeliverySettings} from '../engine/types.js';
import type {SizeQuery} from './search.js';

export type Bottleneck = 'rate' | 'window' | 'gateway';

/** What the estimate reads of a `size` query. */
export type EstimateInput = Pick<SizeQuery, 'messages' | 'spec' | 'retries' | 'withinMs' | 'delivery' | 'reachGoal'>;

/** Why no count of senders can meet the goal. */
export type Impossible =
	| {by: 'gateway'; gatewayRate: number}
	/** Every attempt fails (--failure-rate 1) or every number is invalid: nothing is ever sent. */
	| {by: 'never-sent'; why: 'failure-rate' | 'invalid'}
	| {by: 'unreachable'; reachableShare: number};

export interface Estimate {
	/** ⌈M · s̄ · E ÷ (T · r)⌉, at least 1; undefined when no count can. */
	senders: number | undefined;
	/** Segments/s one sender can submit: min(rate, window ÷ mean send time in s). */
	perSenderRate: number;
	bottleneck: Bottleneck;
	/** M: the messages that must finish, or the ⌈p·M⌉ recipients to reach with a reach goal. */
	goalMessages: number;
	/** s̄: segments of one message. */
	segments: number;
	/** E: attempts one message takes on average. */
	attempts: number;
	/** Segments/s the goal needs: M · s̄ · E ÷ T. */
	neededRate: number;
	/**
	 * What the whole alert costs: segments accepted, every message of the run counted
	 * (M · (1 − invalid) · (1 − p^(k+1)) · s̄), at the sender's price; 0 without a price.
	 */
	cost: number;
	impossible?: Impossible;
}

/** Attempts one message takes on average: 1 + p + … + p^k = (1 − p^(k+1)) ÷ (1 − p), k + 1 at p = 1. */
export function expectedAttempts(failureRate: number, retries: number): number {
	let sum = 0;
	for (let i = 0; i <= retries; i++) sum += failureRate ** i;
	return sum;
}

/**
 * The rank of the recipient whose reach meets a goal of `share`: ⌈share · messages⌉. A share
 * read from a percentage (0.07 = 7/100) can land a hair above a whole product; that hair
 * must not ask for one recipient more.
 */
export function reachRank(share: number, messages: number): number {
	return Math.max(0, Math.ceil(share * messages * (1 - 1e-12)));
}

/** Share of messages that fail every attempt: p^(k+1) for failure p and k retries. */
export function failedShare(failureRate: number, retries: number): number {
	return failureRate ** (retries + 1);
}

/**
 * Share of recipients that can ever be reached: not invalid, not failed on every attempt,
 * and (with receipts) not undelivered.
 */
export function reachableShare(delivery: DeliverySettings, failureRate = 0, retries = 0): number {
	return (1 - (delivery.invalid ?? 0)) * (1 - failedShare(failureRate, retries)) * (1 - (delivery.delivery?.undelivered ?? 0));
}

/** The estimate for `input`, its segments counted from its text (GSM 03.38). */
export function estimate(input: EstimateInput): Estimate {
	return estimateWith(input, segmentCount(input.delivery.text));
}

/** The estimate for messages of `segments` segments each. */
export function estimateWith(input: EstimateInput, segments: number): Estimate {
	const {spec, withinMs} = input;
	const window = spec.window ?? 1;
	const rate = spec.rate ?? Infinity;
	const windowRate = (window * 1000) / spec.meanMs;
	const perSenderRate = Math.min(rate, windowRate);
	const bySender: Bottleneck = rate < windowRate ? 'rate' : 'window';
	const goalMessages = input.reachGoal === undefined ? input.messages : reachRank(input.reachGoal, input.messages);
	const attempts = expectedAttempts(spec.failureRate, input.retries);
	const neededRate = (goalMessages * segments * attempts * 1000) / withinMs;
	const accepted = input.messages * (1 - (input.delivery.invalid ?? 0)) * (1 - failedShare(spec.failureRate, input.retries)) * segments;
	const cost = accepted * (spec.price ?? 0);
	const base = {perSenderRate, goalMessages, segments, attempts, neededRate, cost};
	if (input.messages > 0 && (spec.failureRate >= 1 || (input.delivery.invalid ?? 0) >= 1)) {
		return {...base, senders: undefined, bottleneck: bySender, impossible: {by: 'never-sent', why: spec.failureRate >= 1 ? 'failure-rate' : 'invalid'}};
	}

	const {gatewayRate} = input.delivery;
	if (gatewayRate !== undefined && gatewayRate < neededRate) {
		return {...base, senders: undefined, bottleneck: 'gateway', impossible: {by: 'gateway', gatewayRate}};
	}

	const reachable = reachableShare(input.delivery, spec.failureRate, input.retries);
	// Counted in recipients, as the goal is: a share a float hair under the goal's (1 − 0.07 is
	// 0.9299999999999999), or the hundred-millionth of a message that fails four attempts at
	// 1 %, must not refuse a goal the runs can meet.
	if (input.reachGoal !== undefined && goalMessages > Math.round(reachable * input.messages)) {
		return {...base, senders: undefined, bottleneck: bySender, impossible: {by: 'unreachable', reachableShare: reachable}};
	}

	// Spelled as segment-milliseconds of work over the deadline's, so that without the new
	// keys (one segment, window 1, no rate) it is the very number `size` started from before.
	const work = goalMessages * segments * spec.meanMs * attempts;
	const ratio = bySender === 'window' ? work / (withinMs * window) : (goalMessages * segments * attempts * 1000) / (withinMs * rate);
	const senders = Math.max(1, Math.ceil(ratio));
	const bottleneck: Bottleneck = gatewayRate !== undefined && senders * perSenderRate > gatewayRate ? 'gateway' : bySender;
	return {...base, senders, bottleneck};
}
