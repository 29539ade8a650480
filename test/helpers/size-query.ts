// The size query the size tests start from, and a search that runs its trials in this
// process (no threads), written once.
import {runToCompletion, type SizeQuery} from '../../source/size/search.js';

/** 1,000 messages from senders of a constant 100 ms that never fail, within 6 s at 95 %, 4 runs a count. */
export const baseQuery: SizeQuery = {
	messages: 1000,
	spec: {meanMs: 100, failureRate: 0, distribution: 'constant'},
	retries: 0,
	withinMs: 6000,
	confidence: 0.95,
	runs: 4,
	maxSenders: 100_000,
	seed: 1,
	delivery: {},
};

/** findSize's trial for `query`, run here and now. */
export const inProcess = (query: SizeQuery) => async (senders: number, runIndex: number) => runToCompletion(query, senders, runIndex);
