// The producer in broker mode: makes messages from the run's seed (the same phones and texts
// as in-process) and enqueues them in batches, keeping the queue's waiting list bounded; it
// never pushes millions at once. Remembers the messages not finished yet (a bounded set:
// waiting + in flight), so outcomes are counted once and lost messages can be sent again.
import type {Queue} from 'bullmq';
import {drawMessage, messageText, phoneText, producerRng, type MessageBody} from '../engine/message.js';
import type {Rng} from '../engine/rng.js';
import {epochMs, jobIdOf, type AttemptReport, type JobData, type JobModel} from './protocol.js';

/** A message produced and not finished yet. */
export interface OpenMessage extends MessageBody {
	n: number;
	/** Produced at, epoch ms. */
	at: number;
}

/** Most messages waiting in the queue at once. */
export const defaultCapacity = 10_000;
/** Messages one addBulk call carries. */
export const batchSize = 1000;

export class Producer {
	/** Messages asked for (initial + more). */
	total: number;
	/** Messages handed to Redis so far. */
	produced = 0;
	/** Produced and not finished: at most the waiting bound plus those in flight. */
	readonly open = new Map<number, OpenMessage>();
	private readonly rng: Rng;
	private unsent: OpenMessage[] = [];

	constructor(
		private readonly queue: Queue<JobData, AttemptReport>,
		private readonly runId: string,
		seed: number,
		total: number,
		private readonly capacity = defaultCapacity,
		/** What every message carries of the run's delivery model; its text, when the run sets one. */
		private readonly model: JobModel = {},
		private readonly text?: string,
	) {
		this.total = total;
		this.rng = producerRng(seed);
	}

	/** More messages may be made (or a batch waits to be sent again). */
	get hasWork(): boolean {
		return this.produced < this.total || this.unsent.length > 0;
	}

	/**
	 * Tops the waiting list up to the capacity, a batch at a time.
	 * @param waiting the waiting list's length now
	 * @returns messages enqueued
	 */
	async topUp(waiting: number): Promise<number> {
		let room = this.capacity - waiting;
		let added = 0;
		while (room > 0 && this.hasWork) {
			if (this.unsent.length === 0) this.unsent = this.make(Math.min(room, batchSize, this.total - this.produced));
			const batch = this.unsent;
			await this.enqueue(batch);
			this.unsent = [];
			room -= batch.length;
			added += batch.length;
		}

		return added;
	}

	/** Enqueues again messages whose job Redis lost (same job ids; a duplicate is ignored). */
	async resend(ns: readonly number[]): Promise<number> {
		const messages = ns.map(n => this.open.get(n)).filter(m => m !== undefined);
		for (let i = 0; i < messages.length; i += batchSize) await this.enqueue(messages.slice(i, i + batchSize));
		return messages.length;
	}

	/** The message's first outcome takes it; undefined when it was finished already (a duplicate). */
	take(n: number): OpenMessage | undefined {
		const message = this.open.get(n);
		if (message !== undefined) this.open.delete(n);
		return message;
	}

	private make(count: number): OpenMessage[] {
		const rng = this.rng;
		const at = epochMs();
		const batch: OpenMessage[] = [];
		for (let i = 0; i < count; i++) {
			const message: OpenMessage = {n: this.produced + 1 + i, phone: 0, textLength: 0, textSeed: 0, at};
			drawMessage(rng, message);
			batch.push(message);
		}

		// Counted and remembered before Redis answers: a fast worker may finish one first.
		for (const message of batch) this.open.set(message.n, message);
		this.produced += count;
		return batch;
	}

	private async enqueue(batch: readonly OpenMessage[]): Promise<void> {
		if (batch.length === 0) return;
		await this.queue.addBulk(
			batch.map(m => ({
				name: 'sms',
				data: {n: m.n, ph: phoneText(m.phone), tx: this.text ?? messageText(m.textSeed, m.textLength), at: m.at, ...this.model},
				opts: {jobId: jobIdOf(this.runId, m.n)},
			})),
		);
	}
}
