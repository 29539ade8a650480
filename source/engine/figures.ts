// The figures a run reports, derived the same way whoever keeps the counts: the engine
// in-process, the broker simulation across processes. Pure.
import type {Histogram} from './histogram.js';
import type {Totals} from './simulation.js';
import type {SenderSnapshot, Snapshot} from './types.js';

/** A run's counts: the totals without the averages, and the sums they come from. */
export type RunCounts = Omit<Totals, 'avgTimeMs' | 'avgE2eMs'> & {
	/** Sum of every finished message's time from its first pickup to its outcome. */
	timeSumMs: number;
	/** Sum of every finished message's time from entering the queue to its outcome. */
	e2eSumMs: number;
};

export function totalsOf({timeSumMs, e2eSumMs, ...counts}: RunCounts): Totals {
	const finished = counts.sent + counts.failed;
	return {
		...counts,
		avgTimeMs: finished === 0 ? undefined : timeSumMs / finished,
		avgE2eMs: finished === 0 ? undefined : e2eSumMs / finished,
	};
}

/** Totals, the run's percentiles of time per message, and the senders. */
export function snapshotOf(totals: Totals, histogram: Histogram, senders: SenderSnapshot[]): Snapshot {
	return {
		...totals,
		p50Ms: histogram.quantile(0.5),
		p95Ms: histogram.quantile(0.95),
		p99Ms: histogram.quantile(0.99),
		senders,
	};
}

/** What a sender counts; its snapshot's figures come from these. */
export interface SenderCounts {
	sent: number;
	failed: number;
	attempts: number;
	/** Sum of the times of the messages it finished. */
	timeSumMs: number;
	/** Sum of its attempts' waits. */
	waitSumMs: number;
	/** Its times per message, once it has finished one. */
	histogram: Histogram | undefined;
}

/** A sender's figures for its snapshot. */
export function senderFigures(
	sender: SenderCounts,
): Pick<SenderSnapshot, 'sent' | 'failed' | 'attempts' | 'avgTimeMs' | 'observedMeanMs' | 'p95Ms'> {
	const finished = sender.sent + sender.failed;
	return {
		sent: sender.sent,
		failed: sender.failed,
		attempts: sender.attempts,
		avgTimeMs: finished === 0 ? undefined : sender.timeSumMs / finished,
		observedMeanMs: sender.attempts <= 0 ? undefined : sender.waitSumMs / sender.attempts,
		p95Ms: sender.histogram?.quantile(0.95),
	};
}
