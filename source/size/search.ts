// `sms-dash size`: the smallest count of identical senders whose seeded runs finish
// every message (or reach a share of recipients) within a deadline often enough. The
// closed-form estimate first, then widen and bisect, each count judged by unpaced runs.
import {createEngine} from '../engine/engine.js';
import type {DeliverySettings, RunSettings, SenderSpec} from '../engine/types.js';
import {estimate, reachRank} from './estimate.js';

export {expectedAttempts} from './estimate.js';

export interface SizeQuery {
	messages: number;
	spec: SenderSpec;
	retries: number;
	withinMs: number;
	/** The run's delivery model (text, gateway, invalid share, receipts), as a run takes it. */
	delivery: DeliverySettings;
	/** Share of recipients to reach within the deadline (0..1); undefined: every message must finish. */
	reachGoal?: number | undefined;
	/** Share of runs that must finish in time, 0..1. */
	confidence: number;
	runs: number;
	maxSenders: number;
	seed: number;
}

/** How one sender count did over the runs. */
export interface Trial {
	senders: number;
	/** Completion time (last outcome) over the runs. */
	p50Ms: number;
	p95Ms: number;
	okRuns: number;
	runs: number;
	ok: boolean;
	/** When the runs the confidence asks for had all finished (the slowest of the fastest `need`). */
	neededMs: number;
}

/** Runs of `runs` that must finish in time for `confidence`: 0.95 of 10 is 10 (every one). */
export function neededRuns(confidence: number, runs: number): number {
	return Math.ceil(confidence * runs - 1e-9);
}

export interface SizeAnswer {
	/** undefined when even maxSenders cannot. */
	senders: number | undefined;
	tried: Trial[];
}

/** Runs the `runIndex`-th seeded run with `senders` senders; resolves to its completion ms. */
export type RunCompletion = (senders: number, runIndex: number) => Promise<number>;

/** The seed of run `runIndex`: the same for every count, so counts are compared fairly. */
export function runSeed(seed: number, runIndex: number): number {
	return (Math.imul(seed ^ 0x6a_09_e6_67, 0x9e_37_79_b1) + Math.imul(runIndex + 1, 0x85_eb_ca_77)) >>> 0;
}

/** A run is followed to this many times the deadline; past it, it is late. */
const lateAfter = 2;

/** Events a reach run processes between two looks at its goal. */
const reachStep = 4096;

/**
 * One seeded run, in this thread. Without a reach goal: the simulated time of the last
 * outcome, or Infinity when the run is not done by twice the deadline (stopped there). With one: the moment its ⌈p·M⌉-th recipient was reached,
 * stopping once that is known or the deadline has passed (Infinity: not in time, or never).
 */
export function runToCompletion(query: SizeQuery, senders: number, runIndex: number): number {
	const settings: RunSettings = {
		...query.delivery,
		messages: query.messages,
		senders: Array.from({length: senders}, () => query.spec),
		retries: query.retries,
		seed: runSeed(query.seed, runIndex),
		intervalMs: 1000,
	};
	if (query.reachGoal === undefined) {
		// Only to twice the deadline (a near miss keeps its time, for the lines and the chart):
		// a run not done by then is late, however long it would take, so the work is bounded
		// by the deadline (a billion messages within 1ms is answered at once).
		const engine = createEngine(settings);
		engine.runUntil(lateAfter * query.withinMs);
		return engine.isDone ? engine.totals().lastOutcomeMs : Infinity;
	}

	const rank = reachRank(query.reachGoal, query.messages);
	if (rank === 0) return 0;
	const engine = createEngine(settings, {reachRank: rank});
	// In steps of events, to stop at the goal; a short step means the deadline is reached.
	while (engine.reachRankAtMs === undefined) {
		if (engine.runUntil(query.withinMs, reachStep) < reachStep) break;
	}

	const reachedMs = engine.reachRankAtMs;
	return reachedMs !== undefined && reachedMs <= query.withinMs ? reachedMs : Infinity;
}

/** The first guess: the closed-form estimate, within 1..maxSenders. */
export function estimateSenders(query: SizeQuery): number {
	const guess = query.withinMs > 0 ? estimate(query).senders ?? query.maxSenders : query.maxSenders;
	return Math.min(query.maxSenders, Math.max(1, guess));
}

/**
 * Searches for the answer. `onTrial` hears each count as it is judged (progress).
 * Deterministic for a given query: the same counts are tried in the same order.
 */
export async function findSize(
	query: SizeQuery,
	run: RunCompletion,
	onTrial: (trial: Trial) => void = () => {},
): Promise<SizeAnswer> {
	const tried = new Map<number, Trial>();
	const need = neededRuns(query.confidence, query.runs);
	const judge = async (senders: number): Promise<boolean> => {
		const known = tried.get(senders);
		if (known !== undefined) return known.ok;
		const times = await Promise.all(Array.from({length: query.runs}, (_, i) => run(senders, i)));
		const okRuns = times.filter(t => t <= query.withinMs).length;
		const sorted = times.sort((a, b) => a - b);
		const trial: Trial = {
			senders,
			p50Ms: quantileOfSorted(sorted, 0.5),
			p95Ms: quantileOfSorted(sorted, 0.95),
			okRuns,
			runs: query.runs,
			ok: okRuns >= need,
			neededMs: sorted[need - 1]!,
		};
		tried.set(senders, trial);
		onTrial(trial);
		return trial.ok;
	};

	// No count can (the gateway's cap, unreachable recipients): nothing to run.
	if (estimate(query).impossible !== undefined) return {senders: undefined, tried: []};
	const answer = await search(estimateSenders(query), query.maxSenders, judge);
	// In order of senders, not of the search's steps.
	return {senders: answer, tried: [...tried.values()].sort((a, b) => a.senders - b.senders)};
}

/**
 * Widen from the guess in doubling steps (the guess is usually close) until the answer
 * is bracketed, then bisect.
 */
async function search(guess: number, max: number, judge: (n: number) => Promise<boolean>): Promise<number | undefined> {
	let low = 0; // largest count known to fail (0: none tried)
	let high: number; // smallest count known to pass
	let step = Math.max(1, Math.ceil(guess * 0.02));
	if (await judge(guess)) {
		high = guess;
		while (high > 1) {
			const down = Math.max(1, high - step);
			if (!(await judge(down))) {
				low = down;
				break;
			}

			high = down;
			step *= 2;
		}
	} else {
		low = guess;
		for (;;) {
			if (low >= max) return undefined;
			const up = Math.min(max, low + step);
			if (await judge(up)) {
				high = up;
				break;
			}

			low = up;
			step *= 2;
		}
	}

	while (high - low > 1) {
		const mid = Math.floor((low + high) / 2);
		if (await judge(mid)) high = mid;
		else low = mid;
	}

	return high;
}

function quantileOfSorted(sorted: readonly number[], q: number): number {
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
