// The one BullMQ Worker a sender host is fed by, through BullMQ's public API only: concurrency
// follows the senders that may hold a message, paused while all rest, closed when none is left
// (bounded even when Redis is gone).
import {Worker, type Processor} from 'bullmq';
import type {Redis} from 'ioredis';
import {within} from './connection.js';
import {drainDelaySeconds, lockDurationMs, maxStalledCount, stalledIntervalMs, type AttemptReport, type JobData} from './protocol.js';

export class BullWorker {
	private worker: Worker<JobData, AttemptReport> | undefined;
	private ops: Promise<void> = Promise.resolve();
	/** Jobs whose outcome was refused, already counted. */
	private readonly lost = new Set<string>();

	constructor(
		private readonly queue: string,
		private readonly client: Redis,
		private readonly processor: Processor<JobData, AttemptReport>,
		private readonly onError: (error: unknown) => void,
		/** A message whose outcome BullMQ refused (its lock was lost): it will be sent again. */
		private readonly onLostOutcome?: (jobId: string) => void,
	) {}

	/**
	 * Makes the worker take up to `ready` messages at once; none while `ready` is 0 and
	 * `live` is not (every sender rests); no worker at all once `live` is 0 (it would spin).
	 * Resolves once the change is made.
	 */
	follow(ready: number, live: number): Promise<void> {
		// Lowered at once, so the worker fetches no message for a sender that rests or leaves.
		if (this.worker !== undefined && ready > 0) this.worker.concurrency = ready;
		this.ops = this.ops
			.then(async () => {
				if (live === 0) {
					await this.close();
				} else if (this.worker === undefined) {
					if (ready > 0) this.worker = this.create(ready);
				} else if (ready === 0) {
					// Without waiting for the messages in flight: other senders here may hold one.
					await this.worker.pause(true);
				} else {
					this.worker.concurrency = ready;
					if (this.worker.isPaused()) await this.worker.resume();
				}
			})
			.catch(this.onError);
		return this.ops;
	}

	private async close(): Promise<void> {
		const worker = this.worker;
		this.worker = undefined;
		if (worker !== undefined) await closeWorker(worker, this.client.status === 'ready');
	}

	private create(concurrency: number): Worker<JobData, AttemptReport> {
		const worker = new Worker<JobData, AttemptReport>(this.queue, this.processor, {
			connection: this.client,
			concurrency,
			lockDuration: lockDurationMs,
			stalledInterval: stalledIntervalMs,
			maxStalledCount,
			drainDelay: drainDelaySeconds,
			// Retry fetching and finishing soon after Redis comes back (default 15 s).
			runRetryDelay: 500,
		});
		// Connection errors show through the client's close/ready; others are expected after a
		// Redis restart (a finished job whose key is gone) and change nothing, but for one: an
		// outcome BullMQ refused because the job's lock was lost (Redis froze or was away past
		// it). The job comes back and is sent again: a duplicate, which the run counts.
		worker.on('error', error => {
			const jobId = /^(?:Missing lock|Lock mismatch) for job (\S+?)\.? /.exec(error.message)?.[1];
			// BullMQ may say it more than once for one job (a retried finish): counted once.
			if (jobId === undefined || this.lost.has(jobId)) return;
			if (this.lost.size >= 10_000) this.lost.clear();
			this.lost.add(jobId);
			this.onLostOutcome?.(jobId);
		});
		return worker;
	}
}

/**
 * Closes a worker whose senders hold nothing any more. While Redis answers, pause() first
 * waits (bounded) until BullMQ has recorded the last outcomes; then close(true) stops its
 * lock timer and drops its connections without waiting again: a polite close() never ends
 * once Redis is gone, and its lock timer would keep the process alive. BullMQ offers no
 * public way to stop that timer alone, so the force close is the way out. A message whose
 * outcome is lost so comes back as a stalled job and is finished elsewhere, counted once.
 */
async function closeWorker(worker: Worker<JobData, AttemptReport>, isRedisUp: boolean): Promise<void> {
	if (isRedisUp && !worker.isPaused()) await within(worker.pause(), 3000);
	if (await within(worker.close(true), 1000)) return;
	await within(worker.disconnect(), 500);
}
