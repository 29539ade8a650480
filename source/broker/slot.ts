// A sender in a worker process, in real time: the shared attempt model, its SMPP window
// (submits unanswered at once), its rate cap (submits spaced 1/rate apart) and the backoff
// after a throttled submit, as engine/sender.ts keeps them on the simulated clock.
import {AttemptModel, nextSubmitAt, senderRng} from '../engine/attempt.js';
import type {SenderSpec} from '../engine/types.js';

/** A message a sender holds: its waits, abandoned at once when it is handed back. */
export class Hold {
	isAbandoned = false;
	private readonly wakers = new Set<() => void>();

	/** Waits `ms` in real time; false when the message was handed back meanwhile. */
	sleep(ms: number): Promise<boolean> {
		if (this.isAbandoned) return Promise.resolve(false);
		return new Promise(resolve => {
			const wake = () => {
				clearTimeout(timer);
				this.wakers.delete(wake);
				resolve(!this.isAbandoned);
			};

			const timer = setTimeout(wake, ms);
			this.wakers.add(wake);
		});
	}

	/** Waits until `wait` gives way (or the message is handed back: false). */
	until(wait: (wake: () => void) => void): Promise<boolean> {
		if (this.isAbandoned) return Promise.resolve(false);
		return new Promise(resolve => {
			const wake = () => {
				this.wakers.delete(wake);
				resolve(!this.isAbandoned);
			};

			this.wakers.add(wake);
			wait(wake);
		});
	}

	/** Hands the message back: every wait ends now. */
	abandon(): void {
		this.isAbandoned = true;
		for (const wake of [...this.wakers]) wake();
	}
}

/** What `send` answers when the gateway throttled the submit (Slot.through). */
export const throttledAnswer = 'throttled';

export class Slot extends AttemptModel {
	isResting = false;
	isStopping = false;
	sent = 0;
	failed = 0;
	attempts = 0;
	waitSumMs = 0;
	throttled = 0;
	rests = 0;
	/** Time rested in finished rests. */
	restedMs = 0;
	/** The rest under way: when it started and ends (performance.now()), and its timer. */
	restStart = 0;
	restEnd = 0;
	restTimer: ReturnType<typeof setTimeout> | undefined;
	/** The last control version applied. */
	cv = 0;
	/** The messages it holds. */
	readonly holds = new Set<Hold>();
	/** Submits unanswered now, and those waiting for room in the window. */
	windowUsed = 0;
	private readonly windowQueue: Array<{hold: Hold; wake: () => void}> = [];
	/** When it last submitted, and before when it submits nothing (a backoff); performance.now(). */
	private lastSubmitAt = -Infinity;
	private holdUntil = 0;

	constructor(
		readonly id: number,
		spec: SenderSpec,
		seed: number,
		/** When it last became free; the sender free longest takes the next message. */
		public freedAt: number,
	) {
		super(spec, senderRng(seed, id));
	}

	get isBusy(): boolean {
		return this.holds.size > 0;
	}

	/** Messages it may hold at once: its window. */
	get window(): number {
		return Math.max(1, this.spec.window ?? 1);
	}

	/** It may take another message. */
	get hasRoom(): boolean {
		return !this.isResting && !this.isStopping && this.holds.size < this.window;
	}

	/**
	 * One submit: room in the window, its turn under the rate cap and any backoff, the
	 * gateway's word, then the drawn send time. A throttled submit waits the backoff and goes
	 * again; each throttle is told to `onThrottled`.
	 * @returns false when the message was handed back meanwhile
	 */
	async submit(hold: Hold, gateway: (() => Promise<boolean>) | undefined, backoffMs: number, onThrottled: () => void): Promise<boolean> {
		const answer = await this.through(
			hold,
			async () => {
				const isThrottled = gateway !== undefined && !(await gateway());
				const waitMs = this.drawWaitMs();
				if (waitMs > 0 && !(await hold.sleep(waitMs))) return undefined;
				return isThrottled ? throttledAnswer : true;
			},
			backoffMs,
			onThrottled,
		);
		return answer !== undefined;
	}

	/**
	 * One submit through the window, the rate cap and any backoff, made by `send`, which
	 * says the answer (a draw here, an SMSC's answer for an SMPP bind). A throttled answer
	 * waits the backoff and goes again, told to `onThrottled`.
	 * @returns the answer, or undefined when the message was handed back meanwhile
	 */
	async through<T>(hold: Hold, send: () => Promise<T | typeof throttledAnswer | undefined>, backoffMs: number, onThrottled: () => void): Promise<T | undefined> {
		for (;;) {
			if (!(await this.enterWindow(hold))) return undefined;
			try {
				if (!(await this.waitTurn(hold))) return undefined;
				const answer = await send();
				if (answer === undefined) return undefined;
				if (answer !== throttledAnswer) return answer as T;
				this.throttled++;
				onThrottled();
				this.holdUntil = Math.max(this.holdUntil, performance.now() + backoffMs);
			} finally {
				this.leaveWindow();
			}
		}
	}

	private enterWindow(hold: Hold): Promise<boolean> | boolean {
		if (this.windowUsed < this.window && this.windowQueue.length === 0) {
			this.windowUsed++;
			return true;
		}

		// One handed back while it waits is passed over (admit).
		return hold.until(wake => this.windowQueue.push({hold, wake}));
	}

	private leaveWindow(): void {
		this.windowUsed--;
		this.admit();
	}

	/** Lets waiting submits into the window while it has room (a wider window after a tune). */
	admit(): void {
		while (this.windowUsed < this.window && this.windowQueue.length > 0) {
			const next = this.windowQueue.shift()!;
			if (next.hold.isAbandoned) continue;
			this.windowUsed++;
			next.wake();
		}
	}

	/** Waits until the rate cap and any backoff let it submit; then the submit is made. */
	private async waitTurn(hold: Hold): Promise<boolean> {
		for (;;) {
			const rate = this.spec.rate;
			const next = nextSubmitAt(this.lastSubmitAt, this.holdUntil, rate);
			const now = performance.now();
			if (now >= next) {
				this.lastSubmitAt = now;
				return true;
			}

			if (!(await hold.sleep(next - now))) return false;
		}
	}
}
