// Headless mode: the store's monitor readings as one text line (or JSON object) per
// interval, then the summary last. Never imports Ink or React.
import type {Progress} from './engine/monitor.js';
import {formatClock, formatCount, formatMs, formatRate, round1} from './format.js';
import {summaryText, verdictOf, type Summary} from './report.js';
import type {Io, Run} from './lifecycle.js';
import type {StoreRun} from './runs/in-process.js';
import type {DashStore} from './store.js';

/** A progress reading as DESIGN.md's JSON line (null where there is no figure yet). */
export function progressJson(p: Progress): string {
	return JSON.stringify({
		type: 'progress',
		simMs: round1(p.simMs),
		produced: p.produced,
		pending: p.pending,
		queued: p.queued,
		inFlight: p.inFlight,
		resting: p.resting,
		sent: p.sent,
		failed: p.failed,
		attempts: p.attempts,
		avgTimeMs: round1(p.avgTimeMs),
		avgE2eMs: round1(p.avgE2eMs),
		throughput: round1(p.throughput),
		recentThroughput: round1(p.recentThroughput),
		etaMs: round1(p.etaMs),
	});
}

/** A progress reading as one line for people. */
export function progressText(p: Progress): string {
	const parts = [
		`[${formatClock(p.simMs).padStart(7)}]`,
		`produced ${formatCount(p.produced)}`,
		`queued ${formatCount(p.queued)}`,
		`in flight ${formatCount(p.inFlight)}`,
		`sent ${formatCount(p.sent)}`,
		`failed ${formatCount(p.failed)}`,
		`avg ${formatMs(p.avgTimeMs)}`,
		formatRate(p.recentThroughput ?? p.throughput),
		`eta ${p.isDone ? 'done' : formatMs(p.etaMs)}`,
	];
	if (p.resting > 0) parts.splice(4, 0, `resting ${formatCount(p.resting)}`);
	return parts.join('  ');
}

export function noteJson(text: string): string {
	return JSON.stringify({type: 'note', text});
}

/** The simulated ms a note names first (`"40.000s: skipped ..."`), if it names one. */
function noteAtMs(text: string): number | undefined {
	const seconds = /^(\d+(?:\.\d+)?)s: /.exec(text)?.[1];
	return seconds === undefined ? undefined : Number(seconds) * 1000;
}

/**
 * Prints every reading the store publishes, in order, through `write` (one call per
 * batch), with each note just before the first reading at or after its simulated time, so
 * the lines are the same at every speed, however the readings were batched. Returns a
 * function that prints what is left and stops listening.
 */
export function attachHeadless(store: DashStore, isJson: boolean, write: (text: string) => void): () => void {
	let notesShown = 0;
	let printed: Progress[] | undefined;
	const print = () => {
		const {ticks, notes} = store.getState();
		let out = '';
		const printNotes = (beforeMs: number) => {
			for (; notesShown < notes.length; notesShown++) {
				const text = notes[notesShown]!;
				if ((noteAtMs(text) ?? Infinity) >= beforeMs) return;
				out += (isJson ? noteJson(text) : `note: ${text}`) + '\n';
			}
		};

		// Each batch once: other state changes (a pause) keep the same array.
		if (ticks !== printed) {
			for (const tick of ticks) {
				printNotes(tick.simMs);
				out += (isJson ? progressJson(tick) : progressText(tick)) + '\n';
			}
		}

		printNotes(Infinity);
		printed = ticks;
		if (out !== '') write(out);
	};

	const unsubscribe = store.subscribe(print);
	return () => {
		unsubscribe();
		store.getState().publish();
		print();
	};
}

/**
 * A headless run for the lifecycle: `run`'s readings as they come (attachHeadless); at the
 * end the last readings, then the summary, then a line per failed --log or --report write
 * (and why a stalled run stopped). The exit code is the lifecycle's, from the verdict.
 */
export function headlessRun(run: StoreRun, isJson: boolean, io: Io): Run {
	let detach: (() => void) | undefined;
	return {
		start() {
			detach = attachHeadless(run.store, isJson, text => io.out(text));
			run.store.getState().actions.start();
		},
		async finish(ending) {
			detach?.();
			const isStalled = ending === 'stall';
			const summary = run.finish({isStalled});
			io.out(summaryOutput(summary, isJson));
			for (const error of run.writeErrors) io.err(`sms-dash: ${error}\n`);
			if (isStalled) io.err(`sms-dash: stopped: ${summary.queued + summary.pending} messages wait and no sender is left to send them\n`);
			await run.close?.();
			return verdictOf(summary, run.writeErrors);
		},
	};
}

export function summaryOutput(summary: Summary, isJson: boolean): string {
	return (isJson ? JSON.stringify(summary) : summaryText(summary)) + '\n';
}
