// A Redis that is connected but does not answer (frozen, overloaded): said once when the
// silence passes a few seconds, and again when answers come back, so frozen figures are explained.

export class SilenceWatch {
	private lastAnswerAt = performance.now();
	private silentSince: number | undefined;
	private readonly timer: ReturnType<typeof setInterval>;

	constructor(
		private readonly say: (text: string) => void,
		/** Whether an answer is due now (connected and running). */
		private readonly isExpecting: () => boolean,
		private readonly silenceMs = 3000,
	) {
		this.timer = setInterval(() => this.check(), Math.min(500, silenceMs / 2));
		this.timer.unref();
	}

	/** Redis answered (again, after a silence that was said). */
	answered(): void {
		const now = performance.now();
		if (this.silentSince !== undefined) this.say(`answers again after ${((now - this.silentSince) / 1000).toFixed(1)} s`);
		this.silentSince = undefined;
		this.lastAnswerAt = now;
	}

	/** A new connection: the silence starts over, unsaid. */
	reset(): void {
		this.silentSince = undefined;
		this.lastAnswerAt = performance.now();
	}

	stop(): void {
		clearInterval(this.timer);
	}

	private check(): void {
		const now = performance.now();
		if (this.silentSince !== undefined || !this.isExpecting() || now - this.lastAnswerAt < this.silenceMs) return;
		this.silentSince = this.lastAnswerAt;
		this.say(`has not answered for ${(this.silenceMs / 1000).toFixed(0)} s; the figures wait for it`);
	}
}
