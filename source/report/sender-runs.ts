// A report's `settings.senders` kept small: identical consecutive senders are written once
// with a `count` (the key a config file and --replay read), and rebuilt one by one from it.
import type {SenderSpec} from '../engine/types.js';

/** A sender spec as a report writes it: `count` only when the same sender stands more than once in a row. */
export type SenderRun = SenderSpec & {count?: number};

/** The keys a spec gives, in order, without the ones it leaves undefined (as JSON writes it). */
const keyOf = (spec: SenderSpec) => JSON.stringify(spec);

/** One entry per run of identical consecutive specs; a spec alone keeps no `count`. */
export function groupSenders(specs: readonly SenderSpec[]): SenderRun[] {
	const runs: SenderRun[] = [];
	let last: string | undefined;
	for (const spec of specs) {
		const key = keyOf(spec);
		const run = runs.at(-1);
		if (run !== undefined && key === last) {
			run.count = (run.count ?? 1) + 1;
		} else {
			runs.push({...spec});
			last = key;
		}
	}

	return runs;
}

/** A report's senders one by one again: each run `count` times (once without a count). */
export function expandSenders(runs: readonly SenderRun[]): SenderSpec[] {
	return runs.flatMap(({count = 1, ...spec}) => Array.from({length: count}, () => ({...spec})));
}

/** How many senders a report's `settings.senders` stands for. */
export function senderCount(runs: readonly SenderRun[]): number {
	return runs.reduce((sum, {count = 1}) => sum + count, 0);
}
