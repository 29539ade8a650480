// The gateway all senders share (an SMSC or aggregator account): a token bucket of
// segments per second holding at most one second's worth. Pure.

export class Gateway {
	private tokens: number;
	private at = 0;

	/** @param rate segments per simulated second */
	constructor(readonly rate: number) {
		this.tokens = Math.max(1, rate);
	}

	/** Takes one segment's token at `nowMs`; false when the bucket is empty (throttled). */
	take(nowMs: number): boolean {
		const capacity = Math.max(1, this.rate);
		this.tokens = Math.min(capacity, this.tokens + ((nowMs - this.at) * this.rate) / 1000);
		this.at = nowMs;
		// Whole tokens, forgiving float dust (1/3 s at 3/s is one token, not 0.9999…).
		if (this.tokens < 1 - 1e-9) return false;
		this.tokens = Math.max(0, this.tokens - 1);
		return true;
	}
}
