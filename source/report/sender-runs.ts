// A report's `settings.senders` kept small: identical consecutive senders are written once
// with a `count` (the key a config file and --replay read), and rebuilt one by one from it.
import type {SenderSpec} from '../engine/types.js';

/** A sender spec as a report writes it: `count` only when the same sender stands more than once in a row. */
export type SenderRun = SenderSpec & {count?: number};

/** The keys a spec gives, in order, without the ones it leaves undefined (as JSON writes it). */
const keyOf = (spec: SenderSpec) => JSON.stringify(spec);

/**
 * One entry per run of identical consecutive specs; a spec alone keeps no `count`. The
 * senders of one group share one spec object, so a spec is compared by its keys only when
 * it is another object than the one before.
 */
export function groupSenders(specs: readonly SenderSpec[]): SenderRun[] {
	const runs: SenderRun[] = [];
	let lastSpec: SenderSpec | undefined;
	/** The key of lastSpec, once one was needed. */
	let lastKey: string | undefined;
	for (const spec of specs) {
		const run = runs.at(-1);
		if (run !== undefined && (spec === lastSpec || keyOf(spec) === (lastKey ??= keyOf(lastSpec!)))) {
			run.count = (run.count ?? 1) + 1;
		} else {
			runs.push({...spec});
			lastKey = undefined;
		}

		lastSpec = spec;
	}

	return runs;
}

/** A report's senders one by one again: each run `count` times (once without a count), its senders sharing one spec. */
export function expandSenders(runs: readonly SenderRun[]): SenderSpec[] {
	const specs: SenderSpec[] = [];
	for (const {count = 1, ...spec} of runs) for (let i = 0; i < count; i++) specs.push(spec);
	return specs;
}

/** How many senders a report's `settings.senders` stands for. */
export function senderCount(runs: readonly SenderRun[]): number {
	return runs.reduce((sum, {count = 1}) => sum + count, 0);
}
