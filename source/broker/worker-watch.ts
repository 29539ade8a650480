// "Waiting for workers" in broker mode: while work is left and no sender runs anywhere, said at
// once and every few seconds; after --wait-for-workers, the one line that ends the run.
import {formatMs} from '../format.js';

export interface WorkerWatchOptions {
	/** How long the run may go without a sender before onNoWorkers; undefined: for ever. */
	waitForWorkersMs?: number;
	/** How often "waiting for workers" is said again. */
	waitingNoticeMs: number;
	/** No sender came within waitForWorkersMs: the one line that ends the run (exit 1). */
	onNoWorkers?: (line: string) => void;
}

export class WorkerWatch {
	/** Since when no sender has been on the queue (performance.now()), and when that was last said. */
	private since: number | undefined;
	private saidAt = -Infinity;
	private isGivenUp = false;

	constructor(
		private readonly queueName: string,
		private readonly notice: (text: string) => void,
		private readonly options: WorkerWatchOptions,
	) {}

	/** `isWaiting`: work is left, no sender is alive and Redis answers. */
	check(now: number, isWaiting: boolean): void {
		if (!isWaiting) {
			this.since = undefined;
			this.saidAt = -Infinity;
			return;
		}

		this.since ??= now;
		const waitedMs = now - this.since;
		const {waitForWorkersMs, onNoWorkers} = this.options;
		if (waitForWorkersMs !== undefined && waitedMs >= waitForWorkersMs) {
			if (this.isGivenUp) return;
			this.isGivenUp = true;
			onNoWorkers?.(`no worker came to queue "${this.queueName}" within ${formatMs(waitForWorkersMs)} (--wait-for-workers)`);
			return;
		}

		if (now - this.saidAt < this.options.waitingNoticeMs) return;
		this.saidAt = now;
		const waited = waitedMs === 0 ? '' : ` (${(waitedMs / 1000).toFixed(1)} s so far)`;
		this.notice(`waiting for workers on queue "${this.queueName}"${waited}`);
	}
}
