import {afterEach, describe, expect, it, vi} from 'vitest';
import {createEngine} from '../source/engine/engine.js';
import {headlessRun} from '../source/headless.js';
import type {Io} from '../source/lifecycle.js';
import {buildSummary, type Summary} from '../source/report.js';
import type {StoreRun} from '../source/runs/in-process.js';
import type {Settings} from '../source/settings.js';

/** A finished run of 20,000 senders: its JSON line is some 4.7 MB, in 20 batches. */
function summaryOf(): Summary {
	const settings = {messages: 1000, senders: Array.from({length: 20_000}, () => ({meanMs: 50, failureRate: 0.1, distribution: 'gamma' as const})), retries: 0, seed: 2, intervalMs: 1000, thresholds: []} as unknown as Settings;
	const engine = createEngine(settings);
	engine.runUntil(Infinity);
	return buildSummary({engine, settings, wallElapsedMs: 5, speed: Infinity, notes: []});
}

/** A stdout whose reader takes what it is given only when told to. */
class SlowOut implements Io {
	taken = '';
	pending: string[] = [];
	isOutGone = false;
	private drained: Array<() => void> = [];
	get outBacklog(): number {
		return this.pending.reduce((sum, text) => sum + text.length, 0);
	}

	out(text: string | Uint8Array): void {
		this.pending.push(String(text));
	}

	err(): void {}
	onOutDrained(callback: () => void): void {
		if (this.outBacklog === 0) queueMicrotask(callback);
		else this.drained.push(callback);
	}

	/** The reader takes everything given so far. */
	take(): void {
		this.taken += this.pending.splice(0).join('');
		for (const callback of this.drained.splice(0)) callback();
	}
}

describe('the headless summary and a reader that is behind', () => {
	afterEach(() => {
		vi.useRealTimers();
	});

	const summary = summaryOf();
	const whole = JSON.stringify(summary) + '\n';
	const runOf = (): StoreRun => ({store: undefined as never, finish: () => summary, writeErrors: []});

	it('hands over a piece at a time while the reader keeps up, and the line is whole', async () => {
		const io = new SlowOut();
		let isDone = false;
		const finishing = Promise.resolve(headlessRun(runOf(), true, io).finish('done')).then(() => (isDone = true));
		let most = 0;
		while (!isDone) {
			await new Promise(resolve => setImmediate(resolve));
			most = Math.max(most, io.outBacklog);
			io.take();
		}

		await finishing;
		io.take();
		expect(io.taken).toBe(whole);
		expect(most).toBeLessThan(whole.length / 2);
	});

	it('waits for a reader that stopped reading once, briefly, then hands over the rest', async () => {
		vi.useFakeTimers();
		const io = new SlowOut();
		let isDone = false;
		const finishing = Promise.resolve(headlessRun(runOf(), true, io).finish('done')).then(() => (isDone = true));
		await vi.advanceTimersByTimeAsync(999);
		expect(isDone).toBe(false);
		await vi.advanceTimersByTimeAsync(1);
		await finishing;
		io.take();
		expect(io.taken).toBe(whole);
	});

	it('a stdout that went away (the reader closed the pipe) is not waited for', async () => {
		vi.useFakeTimers();
		const io = new SlowOut();
		let isDone = false;
		const finishing = Promise.resolve(headlessRun(runOf(), true, io).finish('done')).then(() => (isDone = true));
		await vi.advanceTimersByTimeAsync(10);
		io.isOutGone = true;
		await vi.advanceTimersByTimeAsync(50);
		expect(isDone).toBe(true);
		await finishing;
	});

	it('a second signal (hurry) stops the waiting at once', async () => {
		vi.useFakeTimers();
		const io = new SlowOut();
		const run = headlessRun(runOf(), true, io);
		let isDone = false;
		const finishing = Promise.resolve(run.finish('signal')).then(() => (isDone = true));
		await vi.advanceTimersByTimeAsync(10);
		expect(isDone).toBe(false);
		run.hurry!();
		await vi.advanceTimersByTimeAsync(0);
		expect(isDone).toBe(true);
		await finishing;
		io.take();
		expect(io.taken).toBe(whole);
	});
});
