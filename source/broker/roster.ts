// The monitor's roster of senders in a broker run: those announced in the registry (here or
// in worker processes elsewhere), those started in this process (a SenderHost), their
// remote tune/remove records, their counts and their snapshots. Says who joined and who left.
import {hostname} from 'node:os';
import type {Redis} from 'ioredis';
import {noCounts, senderSnapshot, type SenderCounts} from '../engine/figures.js';
import {TimesArena} from '../engine/sender-times.js';
import type {SenderSnapshot, SenderSpec, SenderState, SenderWhere} from '../engine/types.js';
import {describeError, type BrokerTarget} from './connection.js';
import {idList, type AliveRecord} from './protocol.js';
import {Registry} from './registry.js';
import {SenderHost} from './sender-host.js';

/** What the monitor knows about one sender's process (for panels and tests). */
export interface SenderPlace {
	id: number;
	host: string;
	pid: number;
	isLocal: boolean;
}

interface Watched extends SenderPlace, SenderCounts {
	spec: SenderSpec;
	state: SenderState;
	/** Added here and waiting for its id from Redis. */
	isProvisional: boolean;
	isRemovedHere: boolean;
	/** Its heartbeat stopped (or it left); it may come back. */
	isGone: boolean;
	/** A heartbeat was read (an outcome may show a sender first). */
	hasRecord: boolean;
	/** Messages held and submits unanswered, as its state and last heartbeat say (set as its snapshot is read). */
	holding: number;
	windowUsed: number;
	/** What its last heartbeat told of them. */
	heldTold: number;
	windowTold: number;
	/** Rests as its process last told, the one under way: what was left when read (performance.now()). */
	rests: number;
	restedMs: number;
	restLeftMs: number;
	readAt: number;
	/** The last control version its process applied, and the one sent. */
	appliedCv: number;
	sentCv: number;
	version: number;
	cached: SenderSnapshot | undefined;
	cachedVersion: number;
	/** What its snapshot last said of where it runs, and whether it is gone. */
	where: SenderWhere | undefined;
	isGoneShown: boolean;
}

export type {Watched as RosterSender};

const placeholderSpec: SenderSpec = {meanMs: 0, failureRate: 0, distribution: 'constant'};

export class Roster {
	private readonly watched = new Map<number, Watched>();
	/** In id order, those still waiting for an id last. */
	private readonly order: Watched[] = [];
	/** The few times per message of every sender watched, in one arena. */
	private readonly times = new TimesArena();
	private readonly registry: Registry;
	private localHost: Promise<SenderHost> | undefined;
	private nextProvisional = -1;

	constructor(
		private readonly target: BrokerTarget,
		private readonly queueName: string,
		client: Redis,
		private readonly seed: number,
		private readonly notice: (text: string) => void,
	) {
		this.registry = new Registry(client, queueName);
	}

	/** The sender with this id; one not seen yet is added (an outcome may show it first). */
	senderOf(id: number): Watched {
		return this.watched.get(id) ?? this.watch(id, undefined);
	}

	/** Starts a sender in this process; its id is provisional (negative) until Redis gives one. */
	startLocal(spec: SenderSpec): number {
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
			seed: this.seed,
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
		return sender.id;
	}

	/** Stops a sender wherever it runs; false when no such sender runs. */
	remove(id: number): boolean {
		const sender = this.watched.get(id);
		if (sender === undefined || sender.state === 'removed') return false;
		sender.isRemovedHere = true;
		this.setState(sender, 'removed');
		if (sender.isProvisional) return true;
		if (sender.isLocal) void this.localHost?.then(host => host.removeSender(id));
		else this.sendControl(sender, {remove: true});
		return true;
	}

	/** Re-tunes a sender wherever it runs (remotely at its next heartbeat, ~¼ s). */
	tune(id: number, patch: Partial<SenderSpec>): boolean {
		const sender = this.watched.get(id);
		if (sender === undefined || sender.state === 'removed') return false;
		sender.spec = {...sender.spec, ...patch};
		sender.version++;
		if (sender.isProvisional) return true;
		if (sender.isLocal) void this.localHost?.then(host => host.tuneSender(id, patch));
		else this.sendControl(sender, {spec: sender.spec});
		return true;
	}

	/** Senders that can take a message: here or on a worker, not gone, not removed. */
	alive(): number {
		let count = 0;
		for (const sender of this.order) if (!sender.isGone && sender.state !== 'removed') count++;
		return count;
	}

	/** Senders resting after a failover now. */
	resting(): number {
		let count = 0;
		for (const sender of this.order) if (sender.state === 'resting') count++;
		return count;
	}

	/** Every sender seen, in order; `isAnyInFlight` false means none is sending now. */
	snapshots(isAnyInFlight: boolean): SenderSnapshot[] {
		const now = performance.now();
		return this.order.map(sender => this.snapshotOf(sender, isAnyInFlight, now));
	}

	forEachSender(visit: (id: number, sent: number) => void): void {
		for (const s of this.order) if (s.state !== 'removed') visit(s.id, s.sent);
	}

	/** Where each sender runs, in the order they were seen. */
	places(): SenderPlace[] {
		return this.order.map(({id, host, pid, isLocal}) => ({id, host, pid, isLocal}));
	}

	/**
	 * Reads who is alive and says who joined and who left.
	 * @param isSettled whether heartbeats had time to be written again since Redis came back
	 */
	async read(isSettled: boolean): Promise<void> {
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

	/** The senders here finish or hand back what they hold; bounded. */
	async close(): Promise<void> {
		if (this.localHost === undefined) return;
		await this.localHost.then(host => host.close({graceMs: 1000}));
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
			...noCounts(this.times),
			holding: 0,
			windowUsed: 0,
			heldTold: record?.held ?? 1,
			windowTold: record?.windowUsed ?? 1,
			rests: record?.rests ?? 0,
			restedMs: record?.restedMs ?? 0,
			restLeftMs: record?.restLeftMs ?? 0,
			readAt: performance.now(),
			appliedCv: record?.cv ?? 0,
			sentCv: record?.cv ?? 0,
			version: 0,
			cached: undefined,
			cachedVersion: -1,
			where: undefined,
			isGoneShown: false,
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

	private sendControl(sender: Watched, change: {spec?: SenderSpec; remove?: true}): void {
		sender.sentCv = Math.max(sender.sentCv, sender.appliedCv) + 1;
		this.registry.control(sender.id, {v: sender.sentCv, ...change}).catch(() => undefined);
	}

	private update(sender: Watched, record: AliveRecord): void {
		sender.appliedCv = Math.max(sender.appliedCv, record.cv);
		const spec = sender.sentCv > record.cv ? sender.spec : record.spec;
		const state: SenderState = sender.isRemovedHere || record.isStopping ? 'removed' : record.state;
		const rests = record.rests ?? 0;
		const restedMs = record.restedMs ?? 0;
		if (state !== sender.state || rests !== sender.rests || restedMs !== sender.restedMs || JSON.stringify(spec) !== JSON.stringify(sender.spec)) {
			sender.state = state;
			sender.spec = spec;
			sender.rests = rests;
			sender.restedMs = restedMs;
			sender.version++;
		}

		sender.restLeftMs = record.restLeftMs ?? 0;
		sender.heldTold = Math.max(1, record.held ?? 1);
		sender.windowTold = record.windowUsed ?? 1;
		sender.readAt = performance.now();
		sender.host = record.host;
		sender.pid = record.pid;
		sender.isLocal ||= record.isLocal;
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

	private snapshotOf(sender: Watched, isAnyInFlight: boolean, now: number): SenderSnapshot {
		// Heartbeats lag by up to ¼ s: with nothing in flight in Redis, nobody is sending.
		const state = sender.state === 'sending' && !isAnyInFlight ? 'idle' : sender.state;
		const restLeftMs = state === 'resting' ? Math.max(0, sender.restLeftMs - (now - sender.readAt)) : 0;
		const holding = state === 'sending' ? sender.heldTold : 0;
		const windowUsed = state === 'sending' ? sender.windowTold : 0;
		if (holding !== sender.holding || windowUsed !== sender.windowUsed) sender.version++;
		sender.holding = holding;
		sender.windowUsed = windowUsed;
		return senderSnapshot(sender, state, restLeftMs, {where: this.whereOf(sender), ...(this.isGoneShown(sender) ? {isGone: true} : {})});
	}

	/** Where it runs, as its snapshot says: the same object while host, pid and place stay. */
	private whereOf(sender: Watched): SenderWhere | undefined {
		if (sender.pid === 0) return undefined;
		const isHere = sender.isLocal && sender.pid === process.pid;
		const {where} = sender;
		if (where?.host === sender.host && where.pid === sender.pid && where.isHere === isHere) return where;
		sender.where = {host: sender.host, pid: sender.pid, isHere};
		sender.version++;
		return sender.where;
	}

	/** Its process stopped heartbeating without being asked to: its row stays, as gone (issue 20). */
	private isGoneShown(sender: Watched): boolean {
		const isGone = sender.isGone && !sender.isRemovedHere && !(sender.isLocal && sender.pid === process.pid);
		if (isGone !== sender.isGoneShown) {
			sender.isGoneShown = isGone;
			sender.version++;
		}

		return isGone;
	}
}
