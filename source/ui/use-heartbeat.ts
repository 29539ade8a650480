// Keeps the screen alive between the driver's publishes. The driver publishes on monitor
// ticks (one each --interval of simulated time) and not at all while paused, so with
// `-i 5` the dashboard looked hung for 5 s and a paused wall clock froze, then jumped
// (issue 20). A second without a publish, this asks the store for one: the clocks and
// counters move; the monitor's readings (throughput, ETA) still change on a tick only.
import {useEffect} from 'react';
import {useDashStore} from './use-dash.js';

export const heartbeatMs = 1000;

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
