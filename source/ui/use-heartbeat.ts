// Keeps the screen alive between the driver's publishes (one per monitor tick, none while
// paused): a second without one, it asks the store for a publish, so clocks and counters
// move. Never touches the engine; throughput and ETA still change on a tick only.
import {useEffect} from 'react';
import {useDashStore} from './use-dash.js';

export const heartbeatMs = 1000;

/** With `-i 5` the dashboard looked hung for 5 s; paused, the wall clock froze, then jumped (issue 20). */
export function useHeartbeat(): void {
	const store = useDashStore();
	useEffect(() => {
		let seen = store.getState().snap;
		const timer = setInterval(() => {
			const state = store.getState();
			// After the end nothing moves (before the start a publish changes nothing).
			if (state.snap === seen && !state.run.isDone) state.publish();
			seen = store.getState().snap;
		}, heartbeatMs);
		return () => {
			clearInterval(timer);
		};
	}, [store]);
}
