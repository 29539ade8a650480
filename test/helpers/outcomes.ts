// An engine's outcomes, kept for a test: the engine itself keeps none (they feed --log).
import type {Engine} from '../../source/engine/engine.js';
import type {Outcome} from '../../source/engine/types.js';

/** Collects every outcome and fails at once on a message finished twice. */
export function recordOutcomes(engine: Pick<Engine, 'onFinish'>): Outcome[] {
	const outcomes: Outcome[] = [];
	const seen = new Set<number>();
	engine.onFinish = o => {
		if (seen.has(o.id)) throw new Error(`message ${o.id} finished twice`);
		seen.add(o.id);
		outcomes.push(o);
	};
	return outcomes;
}
