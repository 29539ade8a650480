// What the dashboard knows of a run's settings beyond the store: the gateway's cap, whether
// receipts are on, the monitor period. Given once by whoever renders <App>; never changes.
import {createContext, useContext} from 'react';

export interface RunView {
	/** The gateway's cap, segments per simulated second; undefined: no cap. */
	gatewayRate?: number | undefined;
	/** Delivery receipts are on (--delivery): delivered and reach p95 are shown. */
	hasReceipts: boolean;
	/** The monitor period, simulated ms: recent rates span a few of them. */
	intervalMs: number;
}

export const defaultRunView: RunView = {hasReceipts: false, intervalMs: 1000};

export const RunViewContext = createContext<RunView>(defaultRunView);

export function useRunView(): RunView {
	return useContext(RunViewContext);
}
