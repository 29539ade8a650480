// Broker mode's Simulation: the producer and monitor of a run whose senders are BullMQ
// workers, here or on other machines. The driver, store, headless output and dashboard use
// it as they use the in-process Engine. Its clock is wall time since the start; runUntil(t)
// folds in the outcomes read from Redis so far (each at its finish time) and moves to t.
// Outcomes are counted once per message, from BullMQ's event stream, never from workers' say-so.
import {randomBytes} from 'node:crypto';
import {hostname} from 'node:os';
import {Queue} from 'bullmq';
import type {Redis} from 'ioredis';
import {senderFigures, snapshotOf, totalsOf} from '../engine/figures.js';
import {Histogram} from '../engine/histogram.js';
import type {Simulation, Totals} from '../engine/simulation.js';
import type {Outcome, RunSettings, SenderSnapshot, SenderSpec, SenderState, Snapshot, TimedAction} from '../engine/types.js';
import {
	BrokerError,
	checkQueueName,
	checkReachable,
	closeClient,
	defaultQueueName,
	describeError,
	openClient,
	parseBrokerUrl,
	within,
	type BrokerTarget,
} from './connection.js';
import {EventReader, lastStreamId, type FinishEvent} from './events.js';
import {Producer, defaultCapacity, type OpenMessage} from './producer.js';
import {aliveTtlMs, compareStreamIds, epochMs, eventsMaxLen, idList, jobIdOf, keysFor, parseReport, type AliveRecord, type AttemptReport, type JobData} from './protocol.js';
import {Registry} from './registry.js';
import {SenderHost} from './sender-host.js';

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
	/** Called for each notice (connection lost or back, messages sent again). */
	onNotice?: (text: string) => void;
}

/** How often the driver is asked to look for new outcomes. */
export const pollMs = 50;
/** How often the monitor reads queue counts and tops the queue up. */
const stepMs = 100;
/** How often it reads the registry of senders. */
const registryMs = 250;
/** How often it checks that Redis still holds the run (lost on a restart without persistence). */
const runCheckMs = 500;
/** A driver this far behind the wall clock was paused: outcomes are placed on its clock. */
const reanchorMs = 1500;
/** Queue empty, nothing in flight, messages open this long: look for lost ones. */
const quietMs = 1000;

const placeholderSpec: SenderSpec = {meanMs: 0, failureRate: 0, distribution: 'constant'};

interface Watched {
	id: number;
	spec: SenderSpec;
	state: SenderState;
	host: string;
	pid: number;
	isLocal: boolean;
	/** Added here and waiting for its id from Redis. */
	isProvisional: boolean;
	isRemovedHere: boolean;
	/** Its heartbeat stopped (or it left); it may come back. */
	isGone: boolean;
	/** A heartbeat was read (an outcome may show a sender first). */
	hasRecord: boolean;
	sent: number;
	failed: number;
	timeSumMs: number;
	readonly histogram: Histogram;
	/** Attempts of finished messages it made, and their waits. */
	attempts: number;
	waitSumMs: number;
	/** The last control version its process applied, and the one sent. */
	appliedCv: number;
	sentCv: number;
	version: number;
	cached: SenderSnapshot | undefined;
	cachedVersion: number;
}

interface Received {
	n: number;
	message: OpenMessage;
	isSent: boolean;
	report: AttemptReport;
	/** Finish time, epoch ms, never later than when it was read (clock skew). */
	finishedAt: number;
}

/** What the monitor knows about one sender's process (for panels and tests). */
export interface SenderPlace {
	id: number;
	host: string;
	pid: number;
	isLocal: boolean;
}

export class BrokerSimulation implements Simulation {
	simMs = 0;
	onFinish: ((outcome: Outcome) => void) | undefined;
	readonly actions: TimedAction[] = [];
	/** Things a person should know, oldest first ("12.3s: lost the connection to Redis…"). */
	readonly notices: string[] = [];
	/** The connection to Redis as last seen. */
	isConnected = true;
	/** The queue is paused for every worker (setPaused). */
	isPaused = false;
	/** Outcomes read twice (at-least-once processing) and counted once. */
	duplicates = 0;
	/** Messages enqueued again because Redis lost them. */
	resent = 0;
	readonly runId = randomBytes(4).toString('hex');
	readonly display: string;

	private readonly producer: Producer;
	private readonly queue: Queue<JobData, AttemptReport>;
	private readonly registry: Registry;
	private readonly reader: EventReader;
	private readonly keys;
	private readonly runPrefix: string;
	private readonly watched = new Map<number, Watched>();
	private readonly order: Watched[] = [];
	private readonly histogram = new Histogram(0.01);

	get timeHistogram(): Histogram {
		return this.histogram;
	}
	private received: Received[] = [];
	private receivedHead = 0;
	private localHost: Promise<SenderHost> | undefined;
	private nextProvisional = -1;
	private epochWall = epochMs();
	private shiftMs = 0;
	private active = 0;
	private waiting = 0;
	private sent = 0;
	private failed = 0;
	private attempts = 0;
	private timeSumMs = 0;
	private e2eSumMs = 0;
	private lastOutcomeMs = 0;
	private isClosed = false;
	private lastRegistryAt = -Infinity;
	private lastRunCheckAt = -Infinity;
	private quietSince: number | undefined;
	private lostCheck: {ns: number[]; mark: string} | undefined;
	private mustCheckLost = false;
	private lostAt = 0;
	private backAt = -Infinity;
	private loop: Promise<void> | undefined;
	private wake: (() => void) | undefined;

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
		this.keys = keysFor(queueName);
		this.runPrefix = jobIdOf(this.runId, 0).slice(0, -1);
		this.queue = new Queue<JobData, AttemptReport>(queueName, {
			connection: client,
			streams: {events: {maxLen: eventsMaxLen}},
			defaultJobOptions: {
				attempts: settings.retries + 1,
				removeOnComplete: true,
				removeOnFail: true,
				stackTraceLimit: 0,
			},
		});
		this.queue.on('error', () => undefined);
		this.producer = new Producer(this.queue, this.runId, settings.seed, settings.messages, options.capacity ?? defaultCapacity);
		this.registry = new Registry(client, queueName);
		this.reader = new EventReader(eventsClient, this.queue.toKey('events'), this.runPrefix, '0-0', events => this.receive(events));
		client.on('close', () => this.connectionLost());
		client.on('ready', () => this.connectionBack());
	}

	/** Takes the queue for this run, reads the senders, starts reading outcomes and producing. */
	async start(): Promise<void> {
		await this.queue.waitUntilReady();
		const leftovers = await this.queue.getWaitingCount();
		if (leftovers > 0) {
			await this.queue.drain();
			this.notice(`removed ${leftovers} waiting messages an earlier run left in the queue`);
		}

		// An earlier run may have left the queue paused.
		await this.queue.resume();
		await this.claimRun();
		// Outcomes count from here: nothing of this run can finish before it.
		this.reader.position = await lastStreamId(this.client, this.queue.toKey('events'));
		await this.readRegistry();
		this.epochWall = epochMs();
		this.reader.start();
		for (const spec of this.settings.senders) this.startLocal(spec);
		this.loop = this.run();
	}

	// ---- Simulation ----

	get isDone(): boolean {
		const p = this.producer;
		return p.produced === p.total && !p.hasWork && this.sent + this.failed === p.total;
	}

	runUntil(untilMs: number, maxEvents = Infinity): number {
		const wallSim = epochMs() - this.epochWall - this.shiftMs;
		const target = Number.isFinite(untilMs) ? untilMs : wallSim;
		// The driver was paused (or the process stalled): go on from its clock.
		if (wallSim - target > reanchorMs) this.shiftMs += wallSim - target;
		let done = 0;
		const received = this.received;
		while (this.receivedHead < received.length && done < maxEvents) {
			const item = received[this.receivedHead]!;
			const atMs = this.simTimeOf(item);
			if (atMs > target) break;
			this.receivedHead++;
			this.fold(item, atMs);
			done++;
		}

		if (this.receivedHead > 1024 && this.receivedHead * 2 > received.length) {
			this.received = received.slice(this.receivedHead);
			this.receivedHead = 0;
		}

		const isCut = done === maxEvents && this.receivedHead < this.received.length && this.simTimeOf(this.received[this.receivedHead]!) <= target;
		if (!isCut && target > this.simMs) this.simMs = target;
		return done;
	}

	nextEventAt(): number | undefined {
		if (this.isDone) return undefined;
		const head = this.received[this.receivedHead];
		const next = this.simMs + pollMs;
		return head === undefined ? next : Math.min(next, Math.max(this.simMs, this.simTimeOf(head)));
	}

	/** Starts a sender in this process (a BullMQ worker); its id is provisional (negative) until Redis gives one. */
	addSender(spec: SenderSpec): number {
		this.actions.push({simMs: this.simMs, add: {...spec}});
		return this.startLocal(spec).id;
	}

	/** Stops a sender wherever it runs; its message in flight is finished first. */
	removeSender(id: number): boolean {
		const sender = this.watched.get(id);
		// Recorded even when it finds no sender, as in-process (a replay skips it too).
		this.actions.push({simMs: this.simMs, remove: id});
		if (sender === undefined || sender.state === 'removed') return false;
		sender.isRemovedHere = true;
		this.setState(sender, 'removed');
		if (sender.isProvisional) return true;
		if (sender.isLocal) void this.localHost?.then(host => host.removeSender(id));
		else this.sendControl(sender, {remove: true});
		return true;
	}

	/** Re-tunes a sender wherever it runs (remotely at its next heartbeat, ~¼ s). */
	tuneSender(id: number, patch: Partial<SenderSpec>): boolean {
		const sender = this.watched.get(id);
		this.actions.push({simMs: this.simMs, tune: {sender: id, ...patch}});
		if (sender === undefined || sender.state === 'removed') return false;
		sender.spec = {...sender.spec, ...patch};
		sender.version++;
		if (sender.isProvisional) return true;
		if (sender.isLocal) void this.localHost?.then(host => host.tuneSender(id, patch));
		else this.sendControl(sender, {spec: sender.spec});
		return true;
	}

	produceMore(count: number): void {
		if (count <= 0) return;
		this.actions.push({simMs: this.simMs, more: count});
		this.producer.total += count;
		this.wake?.();
	}

	totals(): Totals {
		const p = this.producer;
		const open = Math.max(0, p.produced - this.sent - this.failed);
		const inFlight = Math.min(this.active, open);
		return totalsOf({
			simMs: this.simMs,
			total: p.total,
			produced: p.produced,
			pending: p.total - p.produced,
			queued: open - inFlight,
			inFlight,
			resting: 0,
			sent: this.sent,
			failed: this.failed,
			attempts: this.attempts,
			timeSumMs: this.timeSumMs,
			e2eSumMs: this.e2eSumMs,
			lastOutcomeMs: this.lastOutcomeMs,
			isDone: this.isDone,
		});
	}

	snapshot(): Snapshot {
		const totals = this.totals();
		return snapshotOf(
			totals,
			this.histogram,
			this.order.map(sender => this.senderSnapshot(sender, totals.inFlight > 0)),
		);
	}

	forEachSender(visit: (id: number, finished: number) => void): void {
		for (const s of this.order) if (s.state !== 'removed') visit(s.id, s.sent + s.failed);
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
		return this.order.map(({id, host, pid, isLocal}) => ({id, host, pid, isLocal}));
	}

	/** Messages produced and not finished yet (bounded by the queue capacity plus those in flight). */
	get openCount(): number {
		return this.producer.open.size;
	}

	/**
	 * Stops producing and reading; an unfinished run's waiting messages are removed from the
	 * queue, senders here finish or hand back what they hold. Bounded when Redis is gone.
	 */
	async close(): Promise<void> {
		if (this.isClosed) return;
		this.isClosed = true;
		this.wake?.();
		if (this.loop !== undefined) await within(this.loop, 1000);
		await this.reader.stop();
		if (this.client.status === 'ready') {
			if (!this.isDone) await within(this.queue.drain(), 1000);
			if (this.isPaused) await within(this.queue.resume(), 1000);
		}

		if (this.localHost !== undefined) await within(this.localHost.then(host => host.close({graceMs: 1000})), 4000);
		await within(this.queue.close(), 1000);
		await closeClient(this.client);
		this.eventsClient.disconnect();
	}

	// ---- inside ----

	private simTimeOf(item: Received): number {
		return Math.max(this.lastOutcomeMs, item.finishedAt - this.epochWall - this.shiftMs);
	}

	private receive(events: FinishEvent[]): void {
		for (const event of events) {
			if (!event.jobId.startsWith(this.runPrefix)) continue;
			const n = Number(event.jobId.slice(this.runPrefix.length));
			const message = this.producer.take(n);
			if (message === undefined) {
				this.duplicates++;
				continue;
			}

			// A failure BullMQ made itself (not a sender's report) still finishes the message.
			const report = parseReport(event.payload) ?? {s: 0, p: event.receivedAt, f: event.receivedAt, a: 1, t: []};
			this.received.push({n, message, isSent: event.isSent, report, finishedAt: Math.min(report.f, event.receivedAt)});
		}
	}

	private fold(item: Received, atMs: number): void {
		const {report, message} = item;
		const timeMs = Math.max(0, report.f - report.p);
		const e2eMs = Math.max(timeMs, report.f - message.at);
		if (item.isSent) this.sent++;
		else this.failed++;
		this.attempts += report.a;
		this.timeSumMs += timeMs;
		this.e2eSumMs += e2eMs;
		this.histogram.record(timeMs);
		this.lastOutcomeMs = atMs;
		if (report.s > 0) {
			const sender = this.senderOf(report.s);
			if (item.isSent) sender.sent++;
			else sender.failed++;
			sender.timeSumMs += timeMs;
			sender.histogram.record(timeMs);
			sender.version++;
		}

		// Each attempt to the sender that made it (a retry may go to another one).
		const trail = report.t;
		for (let i = 0; i + 1 < trail.length; i += 2) {
			const sender = this.senderOf(trail[i]!);
			sender.attempts++;
			sender.waitSumMs += trail[i + 1]!;
			sender.version++;
		}

		this.onFinish?.({
			id: item.n,
			phone: Producer.phoneText(message),
			outcome: item.isSent ? 'sent' : 'failed',
			attempts: report.a,
			timeMs,
			e2eMs,
			sender: report.s,
			simMs: atMs,
		});
	}

	private senderOf(id: number): Watched {
		return this.watched.get(id) ?? this.watch(id, undefined);
	}

	private watch(id: number, record: AliveRecord | undefined): Watched {
		const sender: Watched = {
			id,
			spec: record?.spec ?? placeholderSpec,
			state: record === undefined ? 'idle' : record.isStopping ? 'removed' : record.state,
			host: record?.host ?? '?',
			pid: record?.pid ?? 0,
			isLocal: record?.isLocal ?? false,
			isProvisional: false,
			isRemovedHere: false,
			isGone: false,
			hasRecord: record !== undefined,
			sent: 0,
			failed: 0,
			timeSumMs: 0,
			histogram: new Histogram(0.05),
			attempts: 0,
			waitSumMs: 0,
			appliedCv: record?.cv ?? 0,
			sentCv: record?.cv ?? 0,
			version: 0,
			cached: undefined,
			cachedVersion: -1,
		};
		this.watched.set(id, sender);
		// In id order (one sender's outcome may come before the registry shows the others),
		// those still waiting for an id last.
		const at = id < 0 ? -1 : this.order.findIndex(other => other.id < 0 || other.id > id);
		if (at < 0) this.order.push(sender);
		else this.order.splice(at, 0, sender);
		return sender;
	}

	private setState(sender: Watched, state: SenderState): void {
		if (sender.state === state) return;
		sender.state = state;
		sender.version++;
	}

	private startLocal(spec: SenderSpec): Watched {
		const sender = this.watch(this.nextProvisional--, undefined);
		sender.spec = {...spec};
		sender.isProvisional = true;
		sender.isLocal = true;
		sender.host = hostname();
		sender.pid = process.pid;
		this.localHost ??= SenderHost.open({
			target: this.target,
			queue: this.queueName,
			isLocal: true,
			seed: this.settings.seed,
			onNotice: () => undefined,
		});
		const provisionalId = sender.id;
		void this.localHost
			.then(async host => {
				const id = await host.addSender(sender.spec);
				this.watched.delete(provisionalId);
				const known = this.watched.get(id);
				if (known !== undefined) {
					// The registry saw it first: keep that entry, drop this one.
					this.order.splice(this.order.indexOf(sender), 1);
					known.isLocal = true;
					if (sender.isRemovedHere) {
						known.isRemovedHere = true;
						this.setState(known, 'removed');
					}
				} else {
					sender.id = id;
					sender.isProvisional = false;
					sender.version++;
					this.watched.set(id, sender);
				}

				if (sender.isRemovedHere) host.removeSender(id);
				else host.tuneSender(id, sender.spec);
			})
			.catch((error: unknown) => {
				this.notice(`could not start a sender here: ${describeError(error, this.target)}`);
				this.setState(sender, 'removed');
			});
		return sender;
	}

	private sendControl(sender: Watched, change: {spec?: SenderSpec; remove?: true}): void {
		sender.sentCv = Math.max(sender.sentCv, sender.appliedCv) + 1;
		this.registry.control(sender.id, {v: sender.sentCv, ...change}).catch(() => undefined);
	}

	private senderSnapshot(sender: Watched, isAnyInFlight: boolean): SenderSnapshot {
		// Heartbeats lag by up to ¼ s: with nothing in flight in Redis, nobody is sending.
		const state = sender.state === 'sending' && !isAnyInFlight ? 'idle' : sender.state;
		if (sender.cached !== undefined && sender.cachedVersion === sender.version && sender.cached.state === state) return sender.cached;
		const snap: SenderSnapshot = {
			id: sender.id,
			spec: sender.spec,
			state,
			restLeftMs: 0,
			inFlight: state === 'sending' ? 1 : 0,
			rests: 0,
			restedMs: 0,
			...senderFigures(sender),
		};
		sender.cached = snap;
		sender.cachedVersion = sender.version;
		return snap;
	}

	// ---- the monitor's loop: counts, production, senders, lost messages ----

	private async run(): Promise<void> {
		while (!this.isClosed) {
			try {
				await this.step();
			} catch (error) {
				if (!this.isClosed && this.isConnected) this.notice(`broker: ${describeError(error, this.target)}`);
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
			await this.checkRun();
		}

		const counts = await this.queue.getJobCounts('waiting', 'active');
		this.waiting = counts['waiting'] ?? 0;
		this.active = counts['active'] ?? 0;
		if (this.producer.hasWork) this.waiting += await this.producer.topUp(this.waiting);
		if (now - this.lastRegistryAt >= registryMs) {
			this.lastRegistryAt = now;
			await this.readRegistry();
		}

		await this.findLost(now);
	}

	/** The run's key is gone when Redis restarted without its data: claim the queue again. */
	private async checkRun(): Promise<void> {
		const owner = await this.client.get(this.keys.run);
		if (owner === this.runId) return;
		await this.claimRun();
		if (owner === null) {
			this.notice(`Redis lost its data (restarted without persistence?): sending the ${this.producer.open.size} unfinished messages again`);
			this.mustCheckLost = true;
		} else {
			this.notice(`another sms-dash run used queue "${this.queueName}"; results may mix`);
		}
	}

	private async claimRun(): Promise<void> {
		await this.client
			.pipeline()
			.set(this.keys.run, this.runId)
			// What the Queue writes at start, in case Redis lost it: the events kept.
			.hset(this.queue.toKey('meta'), 'opts.maxLenEvents', eventsMaxLen)
			.exec();
	}

	/**
	 * A message whose job is gone from Redis without an outcome read (a restart lost it, or
	 * the event stream was trimmed past the reader) is enqueued again, once the reader has
	 * passed every event that could still report it.
	 */
	private async findLost(now: number): Promise<void> {
		const open = this.producer.open;
		if (this.lostCheck !== undefined) {
			if (compareStreamIds(this.reader.position, this.lostCheck.mark) < 0) return;
			const ns = this.lostCheck.ns.filter(n => open.has(n));
			this.lostCheck = undefined;
			if (ns.length === 0) return;
			this.resent += await this.producer.resend(ns);
			this.notice(`sent ${ns.length} messages again: Redis lost them before they finished`);
			return;
		}

		const isQuiet = open.size > 0 && this.waiting === 0 && this.active === 0;
		if (!isQuiet) this.quietSince = undefined;
		else this.quietSince ??= now;
		if (!this.mustCheckLost && (this.quietSince === undefined || now - this.quietSince < quietMs)) return;
		this.mustCheckLost = false;
		this.quietSince = undefined;
		const ns = [...open.keys()];
		if (ns.length === 0) return;
		const pipe = this.client.pipeline();
		for (const n of ns) pipe.exists(this.queue.toKey(jobIdOf(this.runId, n)));
		pipe.xrevrange(this.queue.toKey('events'), '+', '-', 'COUNT', 1);
		const results = (await pipe.exec()) ?? [];
		const missing = ns.filter((_, i) => results[i]?.[0] === null && results[i]?.[1] === 0);
		const last = results[ns.length]?.[1] as Array<[string, string[]]> | undefined;
		if (missing.length > 0) this.lostCheck = {ns: missing, mark: last?.[0]?.[0] ?? '0-0'};
	}

	private async readRegistry(): Promise<void> {
		const alive = await this.registry.read();
		const joined: Watched[] = [];
		for (const record of [...alive.values()].sort((a, b) => a.id - b.id)) {
			const sender = this.watched.get(record.id);
			const isOurs = record.isLocal && record.pid === process.pid;
			if (sender === undefined) {
				const added = this.watch(record.id, record);
				if (!isOurs) joined.push(added);
				continue;
			}

			if ((sender.isGone || !sender.hasRecord) && !sender.isRemovedHere && !isOurs) joined.push(sender);
			sender.isGone = false;
			sender.hasRecord = true;
			this.update(sender, record);
		}

		// Right after Redis comes back the heartbeats have not been written again yet.
		const isSettled = this.isConnected && performance.now() - this.backAt > aliveTtlMs;
		const gone: Watched[] = [];
		for (const sender of this.order) {
			if (sender.isProvisional || sender.isGone || alive.has(sender.id)) continue;
			if (!isSettled && !sender.isRemovedHere && sender.state !== 'removed') continue;
			sender.isGone = true;
			this.setState(sender, 'removed');
			if (!sender.isRemovedHere && !(sender.isLocal && sender.pid === process.pid)) gone.push(sender);
		}

		this.noticeSenders(joined, 'joined');
		this.noticeSenders(gone, 'left');
	}

	/** One line per process: "senders #1–#4 joined (host, pid 123)". */
	private noticeSenders(senders: readonly Watched[], what: string): void {
		const byPlace = new Map<string, number[]>();
		for (const sender of senders) {
			const place = sender.pid === 0 ? 'a process it never saw' : `${sender.host}, pid ${sender.pid}`;
			byPlace.set(place, [...(byPlace.get(place) ?? []), sender.id]);
		}

		for (const [place, ids] of byPlace) this.notice(`sender${ids.length === 1 ? '' : 's'} ${idList(ids)} ${what} (${place})`);
	}

	private update(sender: Watched, record: AliveRecord): void {
		sender.appliedCv = Math.max(sender.appliedCv, record.cv);
		const spec = sender.sentCv > record.cv ? sender.spec : record.spec;
		const state: SenderState = sender.isRemovedHere || record.isStopping ? 'removed' : record.state;
		if (state !== sender.state || JSON.stringify(spec) !== JSON.stringify(sender.spec)) {
			sender.state = state;
			sender.spec = spec;
			sender.version++;
		}

		sender.host = record.host;
		sender.pid = record.pid;
		sender.isLocal ||= record.isLocal;
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
		throw new BrokerError(`cannot start a run on ${target.display}: ${describeError(error, target)}`);
	}

	return simulation;
}
