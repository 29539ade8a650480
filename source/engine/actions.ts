// Runtime changes in script form, applied to an engine. Shared by --script, --replay
// and the property tests, so a recorded run and its replay take the same path.
import type {Simulation} from './simulation.js';
import type {Action} from './types.js';

/**
 * Applies one action at the engine's current time.
 * @returns false when it named a sender that is gone (nothing changed)
 */
export function applyAction(engine: Simulation, action: Action): boolean {
	if ('add' in action) {
		engine.addSender(action.add);
		return true;
	}

	if ('remove' in action) return engine.removeSender(action.remove);
	if ('tune' in action) {
		const {sender, ...patch} = action.tune;
		return engine.tuneSender(sender, patch);
	}

	engine.produceMore(action.more);
	return true;
}

/** The action without its time, as a short human phrase for notes and progress lines. */
export function describeAction(action: Action): string {
	if ('add' in action) return `add a sender (mean ${action.add.meanMs}ms, failure rate ${action.add.failureRate})`;
	if ('remove' in action) return `remove sender ${action.remove}`;
	if ('tune' in action) return `tune sender ${action.tune.sender}`;
	return `${action.more} more messages`;
}
