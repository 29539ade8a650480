// SMPP mode's Simulation (driven as the in-process Engine is): the producer, and senders that are
// SMPP binds in this process, each a Slot (window, rate cap, backoff) whose submits the SMSC
// answers instead of a draw. Real time: runUntil(t) folds what happened up to t (ledger.ts).
import {Hold, Slot, throttledAnswer} from '../broker/slot.js';
import {defaultBackoffMs} from '../engine/engine.js';
import {noCounts, senderSnapshot, type SnapshotSource, type Spread} from '../engine/figures.js';
import type {Histogram} from '../engine/histogram.js';
import {messageText, phoneText} from '../engine/message.js';
import {defaultValidityMs} from '../engine/receipts.js';
import {segmentCount} from '../engine/segments.js';
import {TimesArena} from '../engine/sender-times.js';
import type {Simulation, Totals} from '../engine/simulation.js';
import type {BindView, Outcome, RunSettings, SenderSnapshot, SenderSpec, TimedAction} from '../engine/types.js';
import {Bind, type BindOptions, type BindState} from './bind.js';
import {Ledger, type LedgerSender} from './ledger.js';
import {MessageQueue, type Message} from './queue.js';
import {answerText, encodeSegments, sourceAddress, submitFields, type EncodedText, type SubmitAnswer} from './submit.js';
import type {SmppTarget} from './url.js';
import type {PduFields} from './wire.js';

/** What SMPP mode adds to a run's settings: where the SMSC is and how to speak to it. */
export interface SmppOptions {
	target: SmppTarget;
	/** The source address (--from). */
	from: string;
	/** A submit unanswered this long is a temporary failure (--submit-timeout). */
	submitTimeoutMs: number;
	/** Knobs for tests; the defaults are what the CLI uses. */
	bind?: Pick<BindOptions, 'enquireLinkMs' | 'reconnectMs' | 'maxReconnectMs'>;
	/** Something a person should know (a bind dropped, bound again). */
	onNotice?: (text: string) => void;
}

interface Sender extends SnapshotSource, LedgerSender {
	slot: Slot;
	/** Its connection to the SMSC. */
	link: Bind;
	bind: BindView;
	isStopping: boolean;
	isRemoved: boolean;
	freedAt: number;
}

/** How often the driver looks for what happened. */
const pollMs = 50;
/** A driver this far behind the wall clock was held up: what happens is placed on its clock. */
const reanchorMs = 1500;
/** Said once when accepted messages have had no receipt for this long. */
const noReceiptNoticeMs = 15_000;

export class SmppSimulation implements Simulation {
	simMs = 0;
	readonly sendsFromSmsc = true;
	readonly actions: TimedAction[] = [];
	readonly notices: string[] = [];
	private readonly ledger: Ledger;
	private readonly senders: Sender[] = [];
	/** The few times per message of every bind, in one arena. */
	private readonly times = new TimesArena();
	private readonly queue: MessageQueue;
	private readonly segments: number;
	private readonly encoded: EncodedText | undefined;
	private readonly source: ReturnType<typeof sourceAddress>;
	private held = 0;
	private nextId = 1;
	private freeTick = 0;
	private epoch: number | undefined;
	private shiftMs = 0;
	private isTakingPaused = false;
	private isClosed = false;
	private firstAcceptAt: number | undefined;
	private isNoReceiptTold = false;
	private isTimeoutTold = false;

	constructor(
		readonly settings: RunSettings,
		readonly options: SmppOptions,
	) {
		this.ledger = new Ledger(settings.validityMs ?? defaultValidityMs);
		this.queue = new MessageQueue(settings.seed, settings.messages);
		this.segments = segmentCount(settings.text);
		// The alert is the same for everyone: split and encoded once.
		this.encoded = settings.text === undefined ? undefined : encodeSegments(settings.text);
		this.source = sourceAddress(options.from);
	}

	get timeHistogram(): Histogram {
		return this.ledger.tally.histogram;
	}

	get reachHistogram(): Histogram {
		return this.ledger.tally.reachHistogram;
	}

	get onFinish(): ((outcome: Outcome) => void) | undefined {
		return this.ledger.onFinish;
	}

	set onFinish(onFinish: ((outcome: Outcome) => void) | undefined) {
		this.ledger.onFinish = onFinish;
	}

	/** Binds the senders the settings ask for; the first refusal closes them all and is thrown. */
	async open(): Promise<void> {
		const senders = this.settings.senders.map(spec => this.start(spec));
		try {
			await Promise.all(senders.map(async sender => sender.link.open()));
		} catch (error) {
			await this.close();
			throw error;
		}
	}

	get isDone(): boolean {
		const {sent, failed} = this.ledger.tally;
		const {produced, total, length} = this.queue;
		return produced === total && length === 0 && this.held === 0 && sent + failed === total && this.ledger.awaiting === 0 && this.ledger.pending === 0;
	}

	runUntil(untilMs: number, maxEvents = Infinity): number {
		if (this.epoch === undefined) {
			this.epoch = performance.now() - (Number.isFinite(untilMs) ? untilMs : 0);
			queueMicrotask(() => this.dispatch());
		}

		const now = this.now();
		const target = Number.isFinite(untilMs) ? untilMs : now;
		if (now - target > reanchorMs) this.shiftMs += now - target;
		const done = this.ledger.fold(target, maxEvents);
		const next = this.ledger.nextAt();
		const isCut = done === maxEvents && next !== undefined && next <= target;
		if (!isCut && target > this.simMs) this.simMs = target;
		this.topUp();
		this.dispatch();
		this.watchReceipts(now);
		return done;
	}

	nextEventAt(): number | undefined {
		if (this.isDone) return undefined;
		const next = this.ledger.nextAt();
		const isAnyLive = this.senders.some(sender => !sender.isRemoved);
		if (!isAnyLive && this.held === 0 && next === undefined && this.ledger.awaiting === 0) return undefined;
		return next === undefined ? this.simMs + pollMs : Math.min(this.simMs + pollMs, Math.max(this.simMs, next));
	}

	/** Opens one more bind; it takes messages once bound (a refusal is a notice, and it tries again). */
	addSender(spec: SenderSpec): number {
		this.actions.push({simMs: this.simMs, add: {...spec}});
		const sender = this.start(spec);
		sender.link.open({isRetried: true}).catch((error: unknown) => this.notice(`bind #${sender.id}: ${error instanceof Error ? error.message : String(error)}; trying again`));
		return sender.id;
	}

	/** Closes a bind: it takes no more messages, its submits in flight are answered, then it unbinds. */
	removeSender(id: number): boolean {
		this.actions.push({simMs: this.simMs, remove: id});
		const sender = this.senders.find(s => s.id === id);
		if (sender === undefined || sender.isStopping) return false;
		sender.isStopping = true;
		sender.slot.isStopping = true;
		sender.version++;
		if (!sender.slot.isBusy) this.retire(sender);
		return true;
	}

	/** Re-tunes a bind's window and rate cap (the SMSC decides the rest). */
	tuneSender(id: number, patch: Partial<SenderSpec>): boolean {
		this.actions.push({simMs: this.simMs, tune: {sender: id, ...patch}});
		const sender = this.senders.find(s => s.id === id);
		if (sender === undefined || sender.isStopping) return false;
		sender.slot.tune(patch);
		sender.spec = sender.slot.spec;
		sender.slot.admit();
		sender.version++;
		this.dispatch();
		return true;
	}

	produceMore(count: number): void {
		if (count <= 0) return;
		this.actions.push({simMs: this.simMs, more: count});
		this.ledger.askMore(this.queue.total + 1, this.simMs);
		this.queue.total += count;
		this.topUp();
		this.dispatch();
	}

	totals(): Totals {
		const tally = this.ledger.tally;
		const {produced, total} = this.queue;
		const open = Math.max(0, produced - tally.sent - tally.failed);
		const inFlight = Math.min(this.held, open);
		return tally.totals({
			simMs: this.simMs,
			total,
			produced,
			pending: total - produced,
			queued: open - inFlight,
			inFlight,
			resting: 0,
			isDone: this.isDone,
		});
	}

	snapshot() {
		return this.ledger.tally.snapshot(this.totals(), this.senders.map(sender => this.snapshotOf(sender)));
	}

	spread(): Spread {
		return this.ledger.tally.spread();
	}

	forEachSender(visit: (id: number, finished: number) => void): void {
		for (const sender of this.senders) if (!sender.isRemoved) visit(sender.id, sender.sent + sender.failed);
	}

	/** Pauses or resumes the taking of messages; submits in flight are answered. */
	async setPaused(isPaused: boolean): Promise<void> {
		this.isTakingPaused = isPaused;
		if (!isPaused) this.dispatch();
	}

	/** Stops taking, hands back what is in flight and unbinds every bind cleanly (bounded). Idempotent. */
	async close(): Promise<void> {
		if (this.isClosed) return;
		this.isClosed = true;
		for (const sender of this.senders) for (const hold of sender.slot.holds) hold.abandon();
		await Promise.all(this.senders.map(async sender => sender.link.close()));
	}

	// ---- the senders ----

	private start(spec: SenderSpec): Sender {
		const id = this.nextId++;
		const slot = new Slot(id, spec, this.settings.seed, this.freeTick++);
		const sender: Sender = {
			id,
			spec: slot.spec,
			slot,
			link: undefined as unknown as Bind,
			bind: {state: 'binding', receiptsPending: 0},
			isStopping: false,
			isRemoved: false,
			freedAt: this.freeTick++,
			...noCounts(this.times),
			rests: 0,
			restedMs: 0,
			holding: 0,
			windowUsed: 0,
			receiptsPending: 0,
			version: 0,
			cached: undefined,
			cachedVersion: -1,
		};
		sender.link = new Bind({
			target: this.options.target,
			submitTimeoutMs: this.options.submitTimeoutMs,
			...this.options.bind,
			onReceipt: receipt => this.ledger.receipt(receipt, this.now()),
			onState: state => this.bindChanged(sender, state),
			onDropped: why => {
				const back = sender.slot.holds.size;
				for (const hold of sender.slot.holds) hold.abandon();
				this.notice(`bind #${id} dropped (${why})${back > 0 ? `: ${back} message${back === 1 ? '' : 's'} back in the queue` : ''}; binding again`);
			},
			onRebindFailed: why => this.notice(`bind #${id} cannot bind again (${why}); trying with backoff`),
		});
		this.senders.push(sender);
		return sender;
	}

	private bindChanged(sender: Sender, state: BindState): void {
		sender.version++;
		if (state === 'bound' && sender.link.reconnects > 0) this.notice(`bind #${sender.id} bound again`);
		if (state === 'bound') this.dispatch();
	}

	private retire(sender: Sender): void {
		if (sender.isRemoved) return;
		sender.isRemoved = true;
		sender.version++;
		void sender.link.close();
	}

	/** Gives messages to the bound senders with room, the least busy and longest free first. */
	private dispatch(): void {
		if (this.epoch === undefined || this.isTakingPaused || this.isClosed) return;
		for (;;) {
			let best: Sender | undefined;
			for (const sender of this.senders) {
				if (sender.isStopping || sender.link.state !== 'bound' || !sender.slot.hasRoom) continue;
				const holds = sender.slot.holds.size;
				if (best === undefined || holds < best.slot.holds.size || (holds === best.slot.holds.size && sender.freedAt < best.freedAt)) best = sender;
			}

			if (best === undefined) return;
			const message = this.queue.take(this.now());
			if (message === undefined) return;
			void this.carry(best, message);
		}
	}

	/** One message on one bind, to its outcome or back to the front of the queue. */
	private async carry(sender: Sender, message: Message): Promise<void> {
		const {slot} = sender;
		const hold = new Hold();
		slot.holds.add(hold);
		this.held++;
		sender.version++;
		message.pickedAt ??= this.now();
		const parts = this.partsOf(message);
		message.ids ??= Array.from({length: parts.length});
		const ids = message.ids;
		const backoffMs = this.settings.backoffMs ?? defaultBackoffMs;
		const onThrottled = () => this.ledger.throttle(sender, this.now());
		try {
			for (;;) {
				const start = performance.now();
				const todo = parts.map((_, index) => index).filter(index => ids[index] === undefined);
				const answers = await Promise.all(todo.map(async index => slot.through(hold, async () => this.send(sender, parts[index]!), backoffMs, onThrottled)));
				for (const [k, answer] of answers.entries()) if (answer?.kind === 'accepted') ids[todo[k]!] = answer.messageId;
				if (answers.includes(undefined)) {
					this.queue.handBack(message);
					return;
				}

				message.attempts++;
				const at = this.now();
				this.ledger.attempt(sender, performance.now() - start, at);
				const isInvalid = answers.some(answer => answer!.kind === 'invalid');
				const isSent = ids.every(id => id !== undefined);
				if (!isSent && !isInvalid && message.attempts <= this.settings.retries) continue;
				if (isSent) this.firstAcceptAt ??= at;
				this.ledger.finish(
					sender,
					{
						id: message.id,
						phone: phoneText(message.phone),
						isSent,
						isInvalid: !isSent && isInvalid,
						attempts: message.attempts,
						pickedAt: message.pickedAt,
						producedAt: message.producedAt,
						segments: this.segments,
						ids: isSent ? (ids as string[]) : [],
					},
					at,
				);
				return;
			}
		} finally {
			slot.holds.delete(hold);
			this.held--;
			sender.freedAt = this.freeTick++;
			sender.version++;
			if (sender.isStopping && !slot.isBusy) this.retire(sender);
			this.dispatch();
		}
	}

	/** One submit on the bind: the SMSC's answer, throttled, or undefined when the bind dropped. */
	private async send(sender: Sender, fields: PduFields): Promise<SubmitAnswer | typeof throttledAnswer | undefined> {
		const answer = await sender.link.submit(fields);
		if (answer.kind === 'dropped') return undefined;
		if (answer.kind === 'throttled') return throttledAnswer;
		if (answer.kind === 'error' && answer.status === undefined && !this.isTimeoutTold) {
			this.isTimeoutTold = true;
			this.notice(`bind #${sender.id}: a submit had ${answerText(answer)} within ${this.options.submitTimeoutMs / 1000} s (--submit-timeout): a temporary failure`);
		}

		return answer;
	}

	private partsOf(message: Message): PduFields[] {
		const text = this.encoded ?? encodeSegments(messageText(message.textSeed, message.textLength), true);
		return submitFields(text, phoneText(message.phone), this.source, message.id);
	}

	/** Messages put back in the queue because their bind dropped. */
	get resent(): number {
		return this.queue.handedBack;
	}

	private topUp(): void {
		if (this.epoch !== undefined) this.queue.topUp(this.now());
	}

	// ---- the clock and notices ----

	private now(): number {
		return this.epoch === undefined ? 0 : performance.now() - this.epoch - this.shiftMs;
	}

	private watchReceipts(now: number): void {
		if (this.isNoReceiptTold || this.firstAcceptAt === undefined || this.ledger.receiptsRead > 0) return;
		if (now - this.firstAcceptAt < noReceiptNoticeMs) return;
		this.isNoReceiptTold = true;
		const validity = this.settings.validityMs ?? defaultValidityMs;
		this.notice(`no delivery receipt in ${noReceiptNoticeMs / 1000} s: the SMSC may not send them; accepted messages count as undelivered after --validity (${Math.round(validity / 60_000)} min)`);
	}

	private snapshotOf(sender: Sender): SenderSnapshot {
		const state = sender.isRemoved ? 'removed' : sender.slot.isBusy ? 'sending' : 'idle';
		const holding = sender.slot.holds.size;
		const windowUsed = sender.slot.windowUsed;
		if (holding !== sender.holding || windowUsed !== sender.windowUsed) sender.version++;
		sender.holding = holding;
		sender.windowUsed = windowUsed;
		const bindState = sender.link.state;
		if (bindState !== sender.bind.state || sender.receiptsPending !== sender.bind.receiptsPending) {
			sender.bind = {state: bindState, receiptsPending: sender.receiptsPending};
			sender.version++;
		}

		return senderSnapshot(sender, state, 0);
	}

	private notice(text: string): void {
		const line = `${(Math.max(this.simMs, 0) / 1000).toFixed(1)}s: ${text}`;
		this.notices.push(line);
		if (this.notices.length > 100) this.notices.splice(0, this.notices.length - 100);
		this.options.onNotice?.(line);
	}
}
