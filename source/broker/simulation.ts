// Broker mode's Simulation (used as the in-process Engine is): producer and monitor of a run
// whose senders are BullMQ workers. Its clock is wall time; runUntil(t) folds the outcomes read
// so far (outcomes.ts) and moves to t. Senders: roster.ts; lost messages: recovery.ts.
import {randomBytes} from 'node:crypto';
import {Queue} from 'bullmq';
import type {Histogram} from '../engine/histogram.js';
import type {Redis} from 'ioredis';
import type {Spread} from '../engine/figures.js';
import {segmentCount} from '../engine/segments.js';
import type {Simulation, Totals} from '../engine/simulation.js';
import type {Outcome, RunSettings, SenderSpec, Snapshot, TimedAction} from '../engine/types.js';
import {
	BrokerError,
	checkQueueName,
	checkReachable,
	closeClient,
	defaultQueueName,
	describeError,
	openClient,
	parseBrokerUrl,
	sayOnce,
	within,
	type BrokerTarget,
} from './connection.js';
import {EventReader, lastStreamId} from './events.js';
import {Outcomes} from './outcomes.js';
import {Producer, defaultCapacity} from './producer.js';
import {aliveTtlMs, epochMs, eventsMaxLen, jobIdOf, keysFor, type AttemptReport, type JobData, jobModelOf} from './protocol.js';
import {earliest, foldInTimeOrder, ReceiptQueue} from './receipts.js';
import {SilenceWatch} from './silence.js';
import {Recovery} from './recovery.js';
import {Roster, type SenderPlace} from './roster.js';
import {WorkerWatch} from './worker-watch.js';

export type {SenderPlace} from './roster.js';

/** Where the broker is: --broker and --queue. */
export interface BrokerOptions {
	url: string;
	/** @default 'sms-dash' */
	queue?: string | undefined;
}

/** Knobs for tests and benchmarks; the defaults are what the CLI uses. */
export interface BrokerSimulationOptions {
	/** Most messages waiting in the queue. @default 10000 */
	capacity?: number;
	/** Called for each notice (connection lost or back, messages sent again, waiting for workers). */
	onNotice?: (text: string) => void;
	/** How long the run may go without a sender before onNoWorkers; undefined: for ever. */
	waitForWorkersMs?: number;
	/** How often "waiting for workers" is said again. @default waitingNoticeMs */
	waitingNoticeMs?: number;
	/** No sender came within waitForWorkersMs: the one line that ends the run (exit 1). */
	onNoWorkers?: (line: string) => void;
}

/** How often the driver is asked to look for new outcomes. */
export const pollMs = 50;
/** How often the monitor reads queue counts and tops the queue up. */
const stepMs = 100;
/** How often it reads the registry of senders. */
const registryMs = 250;
/** How often it checks that Redis still holds the run (lost on a restart without persistence). */
const runCheckMs = 500;
/** While no sender is on the queue, the producer says so again this often (DESIGN.md "Beyond one machine"). */
export const waitingNoticeMs = 5000;
/** A driver this far behind the wall clock was paused: outcomes are placed on its clock. */
const reanchorMs = 1500;

export class BrokerSimulation implements Simulation {
	simMs = 0;
	readonly actions: TimedAction[] = [];
	/** Things a person should know, oldest first ("12.3s: lost the connection to Redis…"). */
	readonly notices: string[] = [];
	/** The connection to Redis as last seen. */
	isConnected = true;
	/** The queue is paused for every worker (setPaused). */
	isPaused = false;
	readonly runId = randomBytes(4).toString('hex');
	readonly display: string;

	private readonly producer: Producer;
	private readonly queue: Queue<JobData, AttemptReport>;
	private readonly reader: EventReader;
	private readonly roster: Roster;
	private readonly outcomes: Outcomes;
	private readonly recovery: Recovery;
	private readonly receipts: ReceiptQueue;

	get timeHistogram(): Histogram {
		return this.outcomes.tally.histogram;
	}

	get reachHistogram(): Histogram {
		return this.outcomes.tally.reachHistogram;
	}

	private epochWall = epochMs();
	private shiftMs = 0;
	private active = 0;
	private waiting = 0;
	private isClosed = false;
	private hasClaimed = false;
	private silence: SilenceWatch | undefined;
	/** Outcomes the workers lost with a job's lock, as they counted them in Redis. */
	private lostOutcomes = 0;
	/** A step's error, said once however many steps it fails. */
	private readonly sayError = sayOnce(text => this.notice(text));
	private lastRegistryAt = -Infinity;
	private lastRunCheckAt = -Infinity;
	private lostAt = 0;
	private backAt = -Infinity;
	private loop: Promise<void> | undefined;
	private wake: (() => void) | undefined;
	private readonly workerWatch: WorkerWatch;

	/** Use {@link createBrokerSimulation}. */
	constructor(
		readonly settings: RunSettings,
		readonly target: BrokerTarget,
		readonly queueName: string,
		private readonly client: Redis,
		private readonly eventsClient: Redis,
		private readonly options: BrokerSimulationOptions = {},
	) {
		this.display = `${target.display} queue "${queueName}"`;
		const runPrefix = jobIdOf(this.runId, 0).slice(0, -1);
		this.queue = new Queue<JobData, AttemptReport>(queueName, {
			connection: client,
			streams: {events: {maxLen: eventsMaxLen}},
			defaultJobOptions: {
				// How the workers learn the retries (see JobData).
				attempts: settings.retries + 1,
				removeOnComplete: true,
				removeOnFail: true,
				stackTraceLimit: 0,
			},
		});
		this.queue.on('error', () => undefined);
		const segments = segmentCount(settings.text);
		this.producer = new Producer(this.queue, this.runId, settings.seed, settings.messages, options.capacity ?? defaultCapacity, jobModelOf(settings, segments), settings.text);
		const notice = (text: string) => this.notice(text);
		this.roster = new Roster(target, queueName, client, settings.seed, notice);
		this.outcomes = new Outcomes(this.producer, this.roster, runPrefix, at => at - this.epochWall - this.shiftMs, segments, (outcome, atMs) =>
			this.receipts.accepted(outcome, atMs),
		);
		this.receipts = new ReceiptQueue(this.outcomes.tally, settings, outcome => this.outcomes.tell(outcome));
		this.workerWatch = new WorkerWatch(queueName, text => this.notice(text), {...options, waitingNoticeMs: options.waitingNoticeMs ?? waitingNoticeMs});
		this.reader = new EventReader(eventsClient, this.queue.toKey('events'), runPrefix, '0-0', events => this.outcomes.receive(events));
		this.recovery = new Recovery(client, this.queue, this.producer, this.reader, this.runId, notice);
		client.on('close', () => this.connectionLost());
		client.on('ready', () => this.connectionBack());
	}

	/** Takes the queue for this run, reads the senders, starts reading outcomes and producing. */
	async start(): Promise<void> {
		await this.queue.waitUntilReady();
		// Its waiting messages are another run's, which goes on: never take them from it.
		if ((await this.recovery.otherLiveRun()) !== undefined) {
			throw new BrokerError(`queue "${this.queueName}" is in use by another sms-dash run still going: give another --queue, or start when it ends`);
		}

		const leftovers = await this.queue.getWaitingCount();
		if (leftovers > 0) {
			await this.queue.drain();
			this.notice(`removed ${leftovers} waiting ${leftovers === 1 ? 'message' : 'messages'} an earlier run left in the queue`);
		}

		// An earlier run may have left the queue paused.
		await this.queue.resume();
		await this.recovery.claim();
		this.hasClaimed = true;
		// Outcomes count from here: nothing of this run can finish before it.
		this.reader.position = await lastStreamId(this.client, this.queue.toKey('events'));
		await this.readRegistry();
		this.epochWall = epochMs();
		this.reader.start();
		for (const spec of this.settings.senders) this.roster.startLocal(spec);
		this.silence = new SilenceWatch(text => this.notice(`Redis at ${this.target.display} ${text}`), () => this.isConnected && !this.isClosed);
		this.loop = this.run();
	}

	// ---- Simulation ----

	get onFinish(): ((outcome: Outcome) => void) | undefined {
		return this.outcomes.onFinish;
	}

	set onFinish(onFinish: ((outcome: Outcome) => void) | undefined) {
		this.outcomes.onFinish = onFinish;
	}

	get isDone(): boolean {
		const p = this.producer;
		const {sent, failed} = this.outcomes.tally;
		return p.produced === p.total && !p.hasWork && sent + failed === p.total && this.receipts.awaiting === this.receipts.expiring;
	}

	runUntil(untilMs: number, maxEvents = Infinity): number {
		// Done, only expiries are left: they are run out now (the summary's "run out the clock").
		if (untilMs === Number.POSITIVE_INFINITY && this.isDone) {
			while (this.receipts.awaiting > 0) this.receipts.foldNext();
		}

		const wallSim = epochMs() - this.epochWall - this.shiftMs;
		const target = Number.isFinite(untilMs) ? untilMs : wallSim;
		// The driver was paused (or the process stalled): go on from its clock.
		if (wallSim - target > reanchorMs) this.shiftMs += wallSim - target;
		const done = this.settings.delivery === undefined ? this.outcomes.fold(target, maxEvents) : foldInTimeOrder(this.outcomes, this.receipts, target, maxEvents);
		const next = earliest(this.outcomes.nextAt(), this.receipts.nextAt());
		const isCut = done === maxEvents && next !== undefined && next <= target;
		if (!isCut && target > this.simMs) this.simMs = target;
		return done;
	}

	nextEventAt(): number | undefined {
		if (this.isDone) return undefined;
		const head = earliest(this.outcomes.nextAt(), this.receipts.nextAt());
		const next = this.simMs + pollMs;
		return head === undefined ? next : Math.min(next, Math.max(this.simMs, head));
	}

	/** Starts a sender in this process (a BullMQ worker); its id is provisional (negative) until Redis gives one. */
	addSender(spec: SenderSpec): number {
		this.actions.push({simMs: this.simMs, add: {...spec}});
		return this.roster.startLocal(spec);
	}

	/** Stops a sender wherever it runs; its message in flight is finished first. */
	removeSender(id: number): boolean {
		// Recorded even when it finds no sender, as in-process (a replay skips it too).
		this.actions.push({simMs: this.simMs, remove: id});
		return this.roster.remove(id);
	}

	/** Re-tunes a sender wherever it runs (remotely at its next heartbeat, ~¼ s). */
	tuneSender(id: number, patch: Partial<SenderSpec>): boolean {
		this.actions.push({simMs: this.simMs, tune: {sender: id, ...patch}});
		return this.roster.tune(id, patch);
	}

	produceMore(count: number): void {
		if (count <= 0) return;
		this.actions.push({simMs: this.simMs, more: count});
		this.receipts.askMore(this.producer.total + 1, this.simMs);
		this.producer.total += count;
		this.wake?.();
	}

	totals(): Totals {
		const p = this.producer;
		const {sent, failed} = this.outcomes.tally;
		const open = Math.max(0, p.produced - sent - failed);
		const inFlight = Math.min(this.active, open);
		return this.outcomes.tally.totals({
			simMs: this.simMs,
			total: p.total,
			produced: p.produced,
			pending: p.total - p.produced,
			queued: open - inFlight,
			inFlight,
			resting: this.roster.resting(),
			isDone: this.isDone,
		});
	}

	snapshot(): Snapshot {
		const totals = this.totals();
		return this.outcomes.tally.snapshot(totals, this.roster.snapshots(totals.inFlight > 0));
	}

	spread(): Spread {
		return this.outcomes.tally.spread();
	}

	forEachSender(visit: (id: number, sent: number) => void): void {
		this.roster.forEachSender(visit);
	}

	// ---- beyond Simulation ----

	/**
	 * Pauses or resumes the queue for every worker (BullMQ's global pause): messages in
	 * flight finish, no new ones start. The driver's pause alone would only stop the clock.
	 */
	async setPaused(isPaused: boolean): Promise<void> {
		this.isPaused = isPaused;
		if (isPaused) await this.queue.pause();
		else await this.queue.resume();
	}

	/** Where each sender runs, in the order they were seen. */
	places(): SenderPlace[] {
		return this.roster.places();
	}

	/**
	 * Messages handled more than once (at-least-once delivery), each counted once in the
	 * figures: outcomes read twice, and outcomes a worker lost with its job's lock (Redis froze
	 * or was away past it), the message then sent again.
	 */
	get duplicates(): number {
		return this.outcomes.duplicates + this.lostOutcomes;
	}

	/** Messages enqueued again because Redis lost them. */
	get resent(): number {
		return this.recovery.resent;
	}

	/**
	 * Stops producing and reading; an unfinished run's waiting messages are removed from the
	 * queue, senders here finish or hand back what they hold. Bounded when Redis is gone.
	 */
	async close(): Promise<void> {
		if (this.isClosed) return;
		this.isClosed = true;
		this.silence?.stop();
		this.wake?.();
		if (this.loop !== undefined) await within(this.loop, 1000);
		await this.reader.stop();
		if (this.client.status === 'ready') {
			// A run refused at start has taken nothing: what waits is another run's.
			if (this.hasClaimed && !this.isDone) await within(this.queue.drain(), 1000);
			if (this.isPaused) await within(this.queue.resume(), 1000);
			await within(this.recovery.release(), 1000);
		}

		await within(this.roster.close(), 4000);
		await within(this.queue.close(), 1000);
		await closeClient(this.client);
		this.eventsClient.disconnect();
	}

	// ---- the monitor's loop: counts, production, senders, lost messages ----

	private async run(): Promise<void> {
		while (!this.isClosed) {
			try {
				await this.step();
				this.silence?.answered();
			} catch (error) {
				if (!this.isClosed && this.isConnected) this.sayError(`broker: ${describeError(error, this.target)}`);
			}

			if (this.isClosed) return;
			await new Promise<void>(resolve => {
				const timer = setTimeout(resolve, stepMs);
				this.wake = () => {
					clearTimeout(timer);
					resolve();
				};
			});
			this.wake = undefined;
		}
	}

	private async step(): Promise<void> {
		const now = performance.now();
		if (now - this.lastRunCheckAt >= runCheckMs) {
			this.lastRunCheckAt = now;
			await this.recovery.checkRun();
		}

		const counts = await this.queue.getJobCounts('waiting', 'active');
		this.waiting = counts['waiting'] ?? 0;
		this.active = counts['active'] ?? 0;
		if (this.producer.hasWork) this.waiting += await this.producer.topUp(this.waiting);
		if (now - this.lastRegistryAt >= registryMs) {
			this.lastRegistryAt = now;
			await this.readRegistry();
			this.workerWatch.check(now, !this.isDone && this.roster.alive() === 0 && this.isConnected);
			this.lostOutcomes = Number((await this.client.hget(keysFor(this.queueName).duplicates, this.runId)) ?? 0);
		}

		await this.recovery.findLost(now, this.waiting === 0 && this.active === 0);
	}

	private async readRegistry(): Promise<void> {
		// Right after Redis comes back the heartbeats have not been written again yet.
		await this.roster.read(this.isConnected && performance.now() - this.backAt > aliveTtlMs);
	}

	private notice(text: string): void {
		const line = `${(Math.max(this.simMs, 0) / 1000).toFixed(1)}s: ${text}`;
		this.notices.push(line);
		if (this.notices.length > 100) this.notices.splice(0, this.notices.length - 100);
		this.options.onNotice?.(line);
	}

	private connectionLost(): void {
		if (!this.isConnected || this.isClosed) return;
		this.isConnected = false;
		this.lostAt = performance.now();
		this.notice(`lost the connection to Redis at ${this.target.display}; retrying (senders keep what they hold)`);
	}

	private connectionBack(): void {
		if (this.isConnected || this.isClosed) return;
		this.isConnected = true;
		this.backAt = performance.now();
		this.silence?.reset();
		this.notice(`Redis is back after ${((performance.now() - this.lostAt) / 1000).toFixed(1)} s`);
		this.lastRunCheckAt = -Infinity;
		this.wake?.();
	}
}

/**
 * Connects to the broker and starts a run on it: the producer enqueues, the monitor reads
 * outcomes; `settings.senders` start in this process. Fails within ~3 s, with one line,
 * when Redis does not answer.
 * @throws {BrokerError} a bad URL or queue name, --speed other than 1, an unreachable Redis
 */
export async function createBrokerSimulation(
	settings: RunSettings & {speed?: number},
	broker: BrokerOptions,
	options: BrokerSimulationOptions = {},
): Promise<BrokerSimulation> {
	if (settings.speed !== undefined && settings.speed !== 1) {
		throw new BrokerError('--speed other than 1 is refused with --broker: broker mode runs in real time');
	}

	const target = parseBrokerUrl(broker.url);
	const queue = checkQueueName(broker.queue ?? defaultQueueName);
	await checkReachable(target);
	const client = openClient(target, 'sms-dash:monitor');
	const eventsClient = openClient(target, 'sms-dash:events');
	const simulation = new BrokerSimulation(settings, target, queue, client, eventsClient, options);
	try {
		await simulation.start();
	} catch (error) {
		await simulation.close();
		if (error instanceof BrokerError) throw error;
		throw new BrokerError(`cannot start a run on ${target.display}: ${describeError(error, target)}`);
	}

	return simulation;
}
