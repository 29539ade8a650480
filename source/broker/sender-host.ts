// Senders in this process, fed by one BullMQ Worker whose concurrency is the number of live
// senders: each message goes to the sender idle longest, which waits its drawn time in real
// time and succeeds or fails as in-process senders do. Announces every sender with heartbeats
// and applies remote tune/remove records. Never counts outcomes: the monitor does, from BullMQ.
import {hostname} from 'node:os';
import {randomInt} from 'node:crypto';
import {Worker, WaitingError, type Job} from 'bullmq';
import type {Redis} from 'ioredis';
import {makeSampler, type Sampler} from '../engine/distributions.js';
import {Rng} from '../engine/rng.js';
import type {SenderSpec} from '../engine/types.js';
import {checkReachable, closeClient, describeError, openClient, within, type BrokerTarget} from './connection.js';
import {
	aliveTtlMs,
	drainDelaySeconds,
	epochMs,
	earlierAttemptsOf,
	heartbeatMs,
	keysFor,
	lockDurationMs,
	maxStalledCount,
	mixSeed,
	stalledIntervalMs,
	type AliveRecord,
	type AttemptReport,
	type ControlRecord,
	type JobData,
	type RetryReport,
} from './protocol.js';

export interface SenderHostOptions {
	target: BrokerTarget;
	queue: string;
	/** Runs inside the dashboard's process (shown so in its heartbeats). */
	isLocal?: boolean;
	/** Seed of the senders' random streams; random when not given. */
	seed?: number;
	/** Something a person should know: the connection was lost or came back. */
	onNotice?: (text: string) => void;
	/** The last sender left (removed remotely or locally); the process may end. */
	onEmpty?: () => void;
	/** A sender here was removed or re-tuned from the dashboard. */
	onControl?: (id: number, change: 'removed' | 'tuned', spec: SenderSpec) => void;
}

/** One sender of this process. */
export interface LocalSender {
	id: number;
	spec: SenderSpec;
	isBusy: boolean;
	isStopping: boolean;
	sent: number;
	failed: number;
	attempts: number;
	waitSumMs: number;
}

interface Slot extends LocalSender {
	sample: Sampler;
	rng: Rng;
	/** When it last became free; the sender free longest takes the next message. */
	freedAt: number;
	/** The last control version applied. */
	cv: number;
	/** Set while it waits: abandons the wait and hands the message back. */
	handBack: (() => void) | undefined;
}

/** Keeps the sender-id counter above every id in use (Redis may have lost it in a restart). */
const raiseSeqScript = `local c = tonumber(redis.call('GET', KEYS[1]) or '0')
if c < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return 0`;

export class SenderHost {
	/** Messages handed back to the queue unfinished (removal or shutdown). */
	handedBack = 0;
	/** Final outcomes reported by the senders here, removed ones included. */
	sent = 0;
	failed = 0;
	private readonly client: Redis;
	private readonly keys;
	private readonly slots = new Map<number, Slot>();
	private readonly seed: number;
	private readonly label = `${hostname()}:${process.pid}`;
	private worker: Worker<JobData, AttemptReport> | undefined;
	private workerOps: Promise<void> = Promise.resolve();
	private heartbeat: ReturnType<typeof setInterval> | undefined;
	private isBeating = false;
	private isClosing = false;
	private freeTick = 0;
	private isConnected = true;
	private lostAt = 0;

	private constructor(private readonly options: SenderHostOptions) {
		this.keys = keysFor(options.queue);
		this.seed = options.seed ?? randomInt(0, 2 ** 32 - 1);
		this.client = openClient(options.target, `sms-dash:worker:${this.label}`);
		this.client.on('close', () => this.connectionLost());
		this.client.on('ready', () => this.connectionBack());
		this.heartbeat = setInterval(() => void this.beat(), heartbeatMs);
	}

	/**
	 * Connects (failing within ~3 s when Redis does not answer) and is ready for senders.
	 * @throws {BrokerError}
	 */
	static async open(options: SenderHostOptions): Promise<SenderHost> {
		await checkReachable(options.target);
		return new SenderHost(options);
	}

	/** Starts a sender here; it takes messages at once. @returns its id (unique on the broker) */
	async addSender(spec: SenderSpec): Promise<number> {
		if (this.isClosing) throw new Error('the sender host is closing');
		const id = await this.client.incr(this.keys.senderSeq);
		this.slots.set(id, {
			id,
			spec: {...spec},
			sample: makeSampler(spec),
			rng: Rng.fromSeed(mixSeed(this.seed, id)),
			isBusy: false,
			isStopping: false,
			sent: 0,
			failed: 0,
			attempts: 0,
			waitSumMs: 0,
			freedAt: this.freeTick++,
			cv: 0,
			handBack: undefined,
		});
		await this.beat();
		this.syncWorker();
		return id;
	}

	/** Stops a sender: it takes no more messages and finishes the one it has. */
	removeSender(id: number): boolean {
		const slot = this.slots.get(id);
		if (slot === undefined || slot.isStopping) return false;
		slot.isStopping = true;
		this.syncWorker();
		if (!slot.isBusy) this.retire(slot);
		return true;
	}

	/** Changes a sender's settings; the attempt under way keeps its drawn time. */
	tuneSender(id: number, patch: Partial<SenderSpec>): boolean {
		const slot = this.slots.get(id);
		if (slot === undefined || slot.isStopping) return false;
		slot.spec = {...slot.spec, ...patch};
		slot.sample = makeSampler(slot.spec);
		return true;
	}

	/** The senders here, in the order they were added. */
	senders(): LocalSender[] {
		return [...this.slots.values()].map(({id, spec, isBusy, isStopping, sent, failed, attempts, waitSumMs}) => ({
			id,
			spec,
			isBusy,
			isStopping,
			sent,
			failed,
			attempts,
			waitSumMs,
		}));
	}

	get inFlight(): number {
		let busy = 0;
		for (const slot of this.slots.values()) if (slot.isBusy) busy++;
		return busy;
	}

	/** Every message in flight goes back to the front of the queue now. */
	handBackAll(): void {
		for (const slot of this.slots.values()) slot.handBack?.();
	}

	/**
	 * Stops every sender: no more messages are taken, those in flight finish within `graceMs`
	 * or are handed back; the senders are withdrawn and the connections closed. Bounded even
	 * when Redis is gone.
	 */
	async close({graceMs = 3000}: {graceMs?: number} = {}): Promise<void> {
		if (this.isClosing) return;
		this.isClosing = true;
		const ids = [...this.slots.keys()];
		for (const slot of this.slots.values()) slot.isStopping = true;
		if (!(await this.whenIdle(graceMs))) {
			this.handBackAll();
			await this.whenIdle(1000);
		}

		const worker = this.worker;
		this.worker = undefined;
		if (worker !== undefined) await closeWorker(worker, this.client.status === 'ready');
		await within(this.workerOps, 1000);
		clearInterval(this.heartbeat);
		if (ids.length > 0 && this.client.status === 'ready') {
			const pipe = this.client.pipeline();
			for (const id of ids) pipe.del(this.keys.alive(id), this.keys.control(id));
			pipe.srem(this.keys.senders, ...ids);
			await within(pipe.exec(), 1000);
		}

		this.slots.clear();
		// quit() lets the last outcomes the worker sent reach Redis.
		await closeClient(this.client);
	}

	/** Waits until no sender here holds a message; false after `ms`. */
	private async whenIdle(ms: number): Promise<boolean> {
		const deadline = performance.now() + ms;
		while (this.inFlight > 0) {
			if (performance.now() >= deadline) return false;
			await new Promise(resolve => setTimeout(resolve, 20));
		}

		return true;
	}

	// ---- the BullMQ worker ----

	private liveCount(): number {
		let live = 0;
		for (const slot of this.slots.values()) if (!slot.isStopping) live++;
		return live;
	}

	/** Concurrency follows the live senders; no live sender, no worker (it would spin). */
	private syncWorker(): void {
		const live = this.liveCount();
		// Lowered at once, so the worker fetches no message for a sender that is leaving.
		if (this.worker !== undefined && live > 0) this.worker.concurrency = live;
		this.workerOps = this.workerOps
			.then(async () => {
				const wanted = this.isClosing ? 0 : this.liveCount();
				if (wanted > 0 && this.worker === undefined) {
					this.worker = this.createWorker(wanted);
				} else if (wanted > 0 && this.worker !== undefined) {
					this.worker.concurrency = wanted;
				} else if (wanted === 0 && this.worker !== undefined) {
					const worker = this.worker;
					this.worker = undefined;
					await closeWorker(worker, this.client.status === 'ready');
				}
			})
			.catch(error => this.options.onNotice?.(`worker: ${describeError(error, this.options.target)}`));
	}

	private createWorker(concurrency: number): Worker<JobData, AttemptReport> {
		const worker = new Worker<JobData, AttemptReport>(this.options.queue, this.process, {
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
		// Redis restart (a finished job whose key is gone) and change nothing.
		worker.on('error', () => undefined);
		return worker;
	}

	/** BullMQ's processor: one attempt of one message by the sender free longest. */
	private readonly process = async (job: Job<JobData, AttemptReport>, token?: string): Promise<AttemptReport> => {
		const slot = this.freeSlot();
		// Only right after a sender left: the worker had already fetched for it.
		if (slot === undefined) return this.handBack(job, token);
		slot.isBusy = true;
		const start = epochMs();
		try {
			const attemptsBefore = job.attemptsMade;
			const earlier = attemptsBefore > 0 ? earlierAttemptsOf(job.failedReason) : undefined;
			const pickedAt = earlier?.p ?? start;
			const waitMs = slot.sample(slot.rng);
			if (waitMs > 0 && !(await this.wait(slot, waitMs))) return await this.handBack(job, token);
			const end = epochMs();
			slot.attempts++;
			slot.waitSumMs += end - start;
			const attempts = attemptsBefore + 1;
			const trail = [...(earlier?.t ?? []), slot.id, round3(end - start)];
			if (slot.rng.next() < slot.spec.failureRate) {
				if (attempts < (job.opts.attempts ?? 1)) {
					// BullMQ reads lifo from this copy when it retries: back to the front of the
					// queue, taken by the next free sender (not behind thousands of others).
					job.opts.lifo = true;
					throw reportError({p: pickedAt, t: trail});
				}

				slot.failed++;
				this.failed++;
				throw reportError({s: slot.id, p: pickedAt, f: end, a: attempts, t: trail});
			}

			slot.sent++;
			this.sent++;
			return {s: slot.id, p: pickedAt, f: end, a: attempts, t: trail};
		} finally {
			slot.isBusy = false;
			slot.handBack = undefined;
			slot.freedAt = this.freeTick++;
			if (slot.isStopping) this.retire(slot);
		}
	};

	private freeSlot(): Slot | undefined {
		let best: Slot | undefined;
		for (const slot of this.slots.values()) {
			if (slot.isBusy || slot.isStopping) continue;
			if (best === undefined || slot.freedAt < best.freedAt) best = slot;
		}

		return best;
	}

	/** Waits in real time; false when the message was handed back instead. */
	private wait(slot: Slot, ms: number): Promise<boolean> {
		return new Promise(resolve => {
			const timer = setTimeout(() => resolve(true), ms);
			slot.handBack = () => {
				clearTimeout(timer);
				resolve(false);
			};
		});
	}

	/** The message goes back to the front of the queue, unfinished and uncounted. */
	private async handBack(job: Job<JobData, AttemptReport>, token: string | undefined): Promise<never> {
		this.handedBack++;
		try {
			await job.moveToWait(token);
		} catch {
			// Redis is away: the lock expires and the stalled check brings the message back.
		}

		throw new WaitingError();
	}

	private retire(slot: Slot): void {
		if (!this.slots.delete(slot.id)) return;
		if (!this.isClosing && this.client.status === 'ready') {
			this.client
				.pipeline()
				.del(this.keys.alive(slot.id), this.keys.control(slot.id))
				.srem(this.keys.senders, slot.id)
				.exec()
				.catch(() => undefined);
		}

		this.syncWorker();
		if (this.slots.size === 0 && !this.isClosing) this.options.onEmpty?.();
	}

	// ---- heartbeats and remote control ----

	private record(slot: Slot): AliveRecord {
		return {
			id: slot.id,
			spec: slot.spec,
			state: slot.isBusy ? 'sending' : 'idle',
			isStopping: slot.isStopping,
			host: hostname(),
			pid: process.pid,
			isLocal: this.options.isLocal === true,
			cv: slot.cv,
		};
	}

	/** Announces every sender (a key that expires) and reads its control record. */
	private async beat(): Promise<void> {
		if (this.isBeating || this.slots.size === 0 || this.client.status !== 'ready') return;
		this.isBeating = true;
		try {
			const slots = [...this.slots.values()];
			const pipe = this.client.pipeline();
			for (const slot of slots) {
				pipe.set(this.keys.alive(slot.id), JSON.stringify(this.record(slot)), 'PX', aliveTtlMs);
				pipe.get(this.keys.control(slot.id));
			}

			pipe.sadd(this.keys.senders, ...slots.map(s => s.id));
			pipe.eval(raiseSeqScript, 1, this.keys.senderSeq, Math.max(...slots.map(s => s.id)));
			const results = (await pipe.exec()) ?? [];
			slots.forEach((slot, i) => {
				const [error, value] = results[2 * i + 1] ?? [];
				if (error === null && typeof value === 'string') this.applyControl(slot, value);
			});
		} catch {
			// The connection dropped mid-beat: the next beat tells again.
		} finally {
			this.isBeating = false;
		}
	}

	private applyControl(slot: Slot, text: string): void {
		let control: ControlRecord;
		try {
			control = JSON.parse(text) as ControlRecord;
		} catch {
			return;
		}

		if (typeof control.v !== 'number' || control.v <= slot.cv) return;
		slot.cv = control.v;
		if (control.remove === true) {
			if (slot.isStopping) return;
			this.options.onControl?.(slot.id, 'removed', slot.spec);
			this.removeSender(slot.id);
		} else if (control.spec !== undefined && this.tuneSender(slot.id, control.spec)) {
			this.options.onControl?.(slot.id, 'tuned', slot.spec);
		}
	}

	private connectionLost(): void {
		if (!this.isConnected || this.isClosing) return;
		this.isConnected = false;
		this.lostAt = performance.now();
		this.options.onNotice?.(`lost the connection to Redis at ${this.options.target.display}; retrying`);
	}

	private connectionBack(): void {
		if (this.isConnected) return;
		this.isConnected = true;
		this.options.onNotice?.(`Redis is back after ${((performance.now() - this.lostAt) / 1000).toFixed(1)} s`);
		void this.beat();
	}
}

/**
 * Closes a worker whose senders hold nothing any more. Politely while Redis answers:
 * close() waits until BullMQ has recorded the last outcomes (on its own connections). That
 * wait never ends once Redis is gone, and BullMQ's lock timer would then keep the process
 * alive: so by force when Redis is away, and when a polite close stalls, its lock timer is
 * stopped and its connections dropped. A message whose outcome is lost so comes back as a
 * stalled job and is finished elsewhere, counted once.
 */
async function closeWorker(worker: Worker<JobData, AttemptReport>, isRedisUp: boolean): Promise<void> {
	if (await within(worker.close(!isRedisUp), isRedisUp ? 3000 : 1000)) return;
	const {lockManager} = worker as unknown as {lockManager?: {close(): Promise<void>}};
	await within(lockManager?.close() ?? Promise.resolve(), 500);
	await within(worker.disconnect(), 500);
}

/** An error whose message is a report, without a stack (BullMQ stores both per job). */
function reportError(report: AttemptReport | RetryReport): Error {
	const error = new Error(JSON.stringify(report));
	error.stack = error.message;
	return error;
}

function round3(ms: number): number {
	return Math.round(ms * 1000) / 1000;
}
