// Senders in this process, fed by one BullMQ Worker: each message goes to the sender idle
// longest, which attempts it in real time with the engine's attempt model, as in-process. Sends
// heartbeats, applies remote tune/remove records; never counts outcomes (the monitor does).
import {hostname} from 'node:os';
import {randomInt} from 'node:crypto';
import {UnrecoverableError, WaitingError, type Job} from 'bullmq';
import type {Redis} from 'ioredis';
import {restMsOf} from '../engine/attempt.js';
import {defaultBackoffMs} from '../engine/engine.js';
import {isInvalidNumber} from '../engine/message.js';
import type {SenderSpec} from '../engine/types.js';
import {BullWorker} from './bull-worker.js';
import {GatewayBucket} from './gateway-bucket.js';
import {Hold, Slot} from './slot.js';
import {checkReachable, closeClient, describeError, openClient, sayOnce, within, type BrokerTarget} from './connection.js';
import {aliveTtlMs, epochMs, heartbeatMs, keysFor, runIdOf, type AliveRecord, type AttemptReport, type ControlRecord, type EarlierAttempts, type JobData} from './protocol.js';

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
	readonly id: number;
	readonly spec: SenderSpec;
	readonly isBusy: boolean;
	/** Resting after a failed attempt (failover). */
	readonly isResting: boolean;
	readonly isStopping: boolean;
	readonly sent: number;
	readonly failed: number;
	readonly attempts: number;
	readonly waitSumMs: number;
	readonly throttled: number;
	readonly rests: number;
	readonly restedMs: number;
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
	private readonly worker: BullWorker;
	private readonly gateway: GatewayBucket;
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
		this.gateway = new GatewayBucket(this.client, this.keys.gateway);
		const sayError = sayOnce(text => this.options.onNotice?.(text));
		this.worker = new BullWorker(
			options.queue,
			this.client,
			this.process,
			error => sayError(`worker: ${describeError(error, this.options.target)}`),
			jobId => void this.client.pipeline().hincrby(this.keys.duplicates, runIdOf(jobId), 1).pexpire(this.keys.duplicates, 86_400_000).exec().catch(() => undefined),
		);
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
		this.slots.set(id, new Slot(id, spec, this.seed, this.freeTick++));
		await this.beat();
		void this.syncWorker();
		return id;
	}

	/** Stops a sender: it takes no more messages and finishes the one it has. */
	removeSender(id: number): boolean {
		const slot = this.slots.get(id);
		if (slot === undefined || slot.isStopping) return false;
		slot.isStopping = true;
		void this.syncWorker();
		if (!slot.isBusy) this.retire(slot);
		return true;
	}

	/** Changes a sender's settings; the attempt under way keeps its drawn time. */
	tuneSender(id: number, patch: Partial<SenderSpec>): boolean {
		const slot = this.slots.get(id);
		if (slot === undefined || slot.isStopping) return false;
		slot.tune(patch);
		// A wider window takes more at once.
		slot.admit();
		void this.syncWorker();
		return true;
	}

	/** The senders here, in the order they were added (live views: they change as they work). */
	senders(): readonly LocalSender[] {
		return [...this.slots.values()];
	}

	get inFlight(): number {
		let held = 0;
		for (const slot of this.slots.values()) held += slot.holds.size;
		return held;
	}

	/** Every message in flight goes back to the front of the queue now. */
	handBackAll(): void {
		for (const slot of this.slots.values()) for (const hold of slot.holds) hold.abandon();
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

		for (const slot of this.slots.values()) clearTimeout(slot.restTimer);
		// Closing, no sender counts as live: the worker closes after the changes before.
		await within(this.syncWorker(), 5000);
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

	/** The worker takes messages for the senders that may hold one (busy or idle, not resting). */
	private syncWorker(): Promise<void> {
		let live = 0;
		let ready = 0;
		for (const slot of this.slots.values()) {
			if (slot.isStopping || this.isClosing) continue;
			live++;
			if (!slot.isResting) ready += slot.window;
		}

		return this.worker.follow(ready, live);
	}

	/** BullMQ's processor: one message, by the sender free longest, to its outcome or back to the queue. */
	private readonly process = async (job: Job<JobData, AttemptReport>, token?: string): Promise<AttemptReport> => {
		const slot = this.freeSlot();
		// Only right after a sender left or began to rest: the worker had already fetched for it.
		if (slot === undefined) return this.handBack(job, token, undefined);
		const hold = new Hold();
		slot.holds.add(hold);
		// A message back from another sender's failover (or a removal) carries what it went through.
		const data = job.data;
		const pickedAt = data.p ?? epochMs();
		const trail = [...(data.t ?? [])];
		const throttles = [...(data.h ?? [])];
		const earlier = (): EarlierAttempts => (throttles.length > 0 ? {p: pickedAt, t: trail, h: throttles} : {p: pickedAt, t: trail});
		const retries = Math.max(0, (job.opts.attempts ?? 1) - 1);
		const segments = Math.max(1, data.sg ?? 1);
		const rate = data.gr;
		const gateway = rate === undefined ? undefined : () => this.gateway.take(rate);
		const backoffMs = data.bo ?? defaultBackoffMs;
		const onThrottled = () => countThrottle(throttles, slot.id);
		const isInvalid = data.iv !== undefined && isInvalidNumber(Number(data.ph), data.iv);
		try {
			for (;;) {
				const start = epochMs();
				// Each segment is its own submit, through the window; the attempt ends with the last answer.
				const submits = [];
				for (let i = 0; i < segments; i++) submits.push(slot.submit(hold, gateway, backoffMs, onThrottled));
				const answered = segments === 1 ? [await submits[0]!] : await Promise.all(submits);
				if (answered.includes(false)) return await this.handBack(job, token, earlier());
				const end = epochMs();
				slot.attempts++;
				slot.waitSumMs += end - start;
				trail.push(slot.id, round3(end - start));
				const attempts = trail.length / 2;
				const report: AttemptReport = {s: slot.id, p: pickedAt, f: end, a: attempts, t: trail};
				if (throttles.length > 0) report.h = throttles;
				if (isInvalid) {
					// The number cannot receive: failed at once, never retried nor failed over.
					report.r = 'invalid';
					slot.failed++;
					this.failed++;
					throw finalFailure(report);
				}

				const verdict = slot.judge(attempts, retries);
				if (verdict === 'retry') continue;
				if (verdict === 'requeue' || verdict === 'failed-rest') await this.rest(slot);
				if (verdict === 'requeue') return await this.handBack(job, token, earlier(), false);
				if (verdict === 'sent') {
					slot.sent++;
					this.sent++;
					return report;
				}

				slot.failed++;
				this.failed++;
				throw finalFailure(report);
			}
		} finally {
			slot.holds.delete(hold);
			slot.freedAt = this.freeTick++;
			if (slot.isStopping && !slot.isBusy) this.retire(slot);
		}
	};

	/** The sender rests for its failover; the worker takes nothing for it meanwhile. */
	private async rest(slot: Slot): Promise<void> {
		const restMs = restMsOf(slot.spec);
		slot.isResting = true;
		slot.rests++;
		slot.restStart = performance.now();
		slot.restEnd = slot.restStart + restMs;
		slot.restTimer = setTimeout(() => this.endRest(slot), restMs);
		// Before this message's end is told to BullMQ, which may then fetch the next one at once.
		await within(this.syncWorker(), 1000);
	}

	private endRest(slot: Slot): void {
		if (!slot.isResting) return;
		clearTimeout(slot.restTimer);
		slot.isResting = false;
		slot.restTimer = undefined;
		slot.restedMs += performance.now() - slot.restStart;
		slot.freedAt = this.freeTick++;
		void this.syncWorker();
	}

	/** The sender with room holding fewest messages, free longest among those. */
	private freeSlot(): Slot | undefined {
		let best: Slot | undefined;
		for (const slot of this.slots.values()) {
			if (!slot.hasRoom) continue;
			if (best === undefined || slot.holds.size < best.holds.size || (slot.holds.size === best.holds.size && slot.freedAt < best.freedAt)) best = slot;
		}

		return best;
	}

	/**
	 * The message goes back to the front of the queue, unfinished and uncounted, with its first
	 * pickup and the attempts made so far (a failover's, or a removal's). Counted as handed
	 * back unless it is a failover.
	 */
	private async handBack(job: Job<JobData, AttemptReport>, token: string | undefined, earlier: EarlierAttempts | undefined, isHandBack = true): Promise<never> {
		if (isHandBack) this.handedBack++;
		try {
			if (earlier !== undefined) await job.updateData({...job.data, ...earlier});
			// Pushed at the head of the waiting list: the next message any worker takes.
			await job.moveToWait(token);
		} catch {
			// Redis is away: the lock expires and the stalled check brings the message back.
		}

		throw new WaitingError();
	}

	private retire(slot: Slot): void {
		if (!this.slots.delete(slot.id)) return;
		clearTimeout(slot.restTimer);
		if (slot.isResting) slot.restedMs += performance.now() - slot.restStart;
		if (!this.isClosing && this.client.status === 'ready') {
			this.client
				.pipeline()
				.del(this.keys.alive(slot.id), this.keys.control(slot.id))
				.srem(this.keys.senders, slot.id)
				.exec()
				.catch(() => undefined);
		}

		void this.syncWorker();
		if (this.slots.size === 0 && !this.isClosing) this.options.onEmpty?.();
	}

	// ---- heartbeats and remote control ----

	private record(slot: Slot): AliveRecord {
		const now = performance.now();
		return {
			id: slot.id,
			spec: slot.spec,
			state: slot.isBusy ? 'sending' : slot.isResting ? 'resting' : 'idle',
			restLeftMs: slot.isResting ? Math.max(0, round3(slot.restEnd - now)) : 0,
			rests: slot.rests,
			restedMs: round3(slot.restedMs + (slot.isResting ? now - slot.restStart : 0)),
			isStopping: slot.isStopping,
			host: hostname(),
			pid: process.pid,
			isLocal: this.options.isLocal === true,
			cv: slot.cv,
			held: slot.holds.size,
			windowUsed: slot.windowUsed,
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
 * A final failure, whose message is the report, without a stack (BullMQ stores both per job).
 * Unrecoverable: BullMQ must not retry it itself, the attempt model has decided.
 */
function finalFailure(report: AttemptReport): Error {
	const error = new UnrecoverableError(JSON.stringify(report));
	error.stack = error.message;
	return error;
}

/** One more throttled submit by `sender` in a flat [sender, count, …] list. */
function countThrottle(throttles: number[], sender: number): void {
	for (let i = 0; i + 1 < throttles.length; i += 2) {
		if (throttles[i] === sender) {
			throttles[i + 1] = throttles[i + 1]! + 1;
			return;
		}
	}

	throttles.push(sender, 1);
}

function round3(ms: number): number {
	return Math.round(ms * 1000) / 1000;
}
