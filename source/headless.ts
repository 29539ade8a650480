// Headless mode: the store's monitor readings as one text line (or JSON object) per
// interval, then the summary last. Never imports Ink or React.
import type {Progress} from './engine/monitor.js';
import type {SenderSpec} from './engine/types.js';
import {formatClock, formatCount, formatMs, formatRate, round1, wrapParts} from './format.js';
import {summaryText, verdictOf, type Summary} from './report.js';
import type {Io, Run} from './lifecycle.js';
import {summaryLinePieces} from './report/summary-json.js';
import type {StoreRun} from './runs/in-process.js';
import {hasReceipts, type Settings} from './settings.js';
import type {DashStore} from './store.js';

/**
 * A progress reading as DESIGN.md's JSON line (null where there is no figure yet);
 * `delivered` only when the run awaits receipts.
 */
export function progressJson(p: Progress, hasReceipts = false): string {
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
		segments: p.segments,
		throttled: p.throttled,
		...(hasReceipts ? {delivered: p.delivered} : {}),
	});
}

/**
 * A reading's simulated time: `1.0s`, `1m40.0s` on a tenth of a second, else to the
 * millisecond (`1.034s`), so the last reading of a short run never shares the stamp of the tick before it.
 */
export function stampOf(ms: number): string {
	if (ms % 100 === 0) return formatClock(ms);
	const s = Math.round(ms) / 1000;
	if (s < 60) return `${s.toFixed(3)}s`;
	const m = Math.floor(s / 60);
	return `${m}m${(s - m * 60).toFixed(3).padStart(6, '0')}s`;
}

/**
 * A progress reading for people: one line when it fits 80 columns (`now` is the recent
 * rate; the summary's throughput is the whole run's). When it does not (millions of
 * messages, receipts, resting senders), sent, failed, queued, now and eta come first and
 * the rest goes on a line under them without a stamp, so no two lines share one.
 * Produced and in flight are in the JSON lines and on the dashboard.
 */
export function progressText(p: Progress, hasReceipts = false): string {
	const stamp = `[${stampOf(p.simMs).padStart(7)}]`;
	const sent = `sent ${formatCount(p.sent)}`;
	const delivered = hasReceipts ? [`delivered ${formatCount(p.delivered)}`] : [];
	const failed = `failed ${formatCount(p.failed)}`;
	const queued = `queued ${formatCount(p.queued)}`;
	const resting = p.resting > 0 ? [`resting ${formatCount(p.resting)}`] : [];
	const avg = `avg ${formatMs(p.avgTimeMs)}`;
	const throttled = p.throttled > 0 ? [`throttled ${formatCount(p.throttled)}`] : [];
	const now = `now ${formatRate(p.recentThroughput ?? p.throughput)}`;
	const eta = `eta ${p.isDone ? 'done' : etaText(p.etaMs)}`;
	const line = [stamp, [sent, ...delivered, failed, queued, ...resting, avg, ...throttled, now, eta].join('  ')].join(' ');
	if (line.length <= 80) return line;
	return wrapParts(stamp, [sent, failed, queued, now, eta, ...delivered, ...resting, avg, ...throttled], '  ');
}

/** An estimate needs no milliseconds: 0.6s, 12.4s, 2m09s. */
function etaText(ms: number | undefined): string {
	return ms !== undefined && ms < 60_000 ? `${(ms / 1000).toFixed(1)}s` : formatMs(ms);
}

/** The settings a headless run starts with, as its first line(s): the same at every speed. */
export function startOutput(settings: Settings, isJson: boolean): string {
	const thresholds = settings.thresholds.map(t => t.expr);
	if (isJson) {
		return JSON.stringify({
			type: 'start',
			messages: settings.messages,
			senders: settings.senders.length,
			retries: settings.retries,
			seed: settings.seed,
			intervalMs: settings.intervalMs,
			thresholds,
			abortOnFail: settings.abortOnFail === true,
			...(settings.smpp === undefined ? {} : {smpp: settings.smpp}),
		}) + '\n';
	}

	const groups = new Map<string, number>();
	// The senders of one group share one spec object: its words are made once.
	let last: SenderSpec | undefined;
	let text = '';
	for (const spec of settings.senders) {
		if (spec !== last) {
			last = spec;
			text =
				settings.smpp === undefined
					? `${spec.distribution} mean ${formatMs(spec.meanMs)} fail ${spec.failureRate}${spec.failoverMs === undefined ? '' : ` failover ${formatMs(spec.failoverMs)}`}`
					: `SMPP bind, window ${spec.window ?? 1}, rate ${spec.rate ?? 'none'}`;
		}

		groups.set(text, (groups.get(text) ?? 0) + 1);
	}

	const kinds = [...groups].map(([text, count]) => `${count}× ${text}`);
	const run = [
		`${formatCount(settings.messages)} ${settings.messages === 1 ? 'message' : 'messages'}`,
		`${formatCount(settings.senders.length)} ${settings.senders.length === 1 ? 'sender' : 'senders'}`,
		`retries ${settings.retries}`,
		`readings every ${formatClock(settings.intervalMs)}`,
		`seed ${settings.seed}`,
	];
	const rules = thresholds.map((expr, index) => (index === thresholds.length - 1 && settings.abortOnFail === true ? `${expr}  (abort on fail)` : expr));
	const lines = [
		wrapParts('Run ', run, ' · '),
		...(settings.smpp === undefined ? [] : [`  smsc        ${settings.smpp}`]),
		...kinds.slice(0, 3).map(kind => `  senders     ${kind}`),
		...(kinds.length > 3 ? [`  senders     … ${kinds.length - 3} more ${kinds.length === 4 ? 'kind' : 'kinds'}`] : []),
		...(thresholds.length === 0 ? [] : [wrapParts('  thresholds ', rules, ' · ')]),
	];
	return lines.join('\n') + '\n';
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
export function attachHeadless(store: DashStore, isJson: boolean, write: (text: string) => void, hasReceipts = false): () => void {
	let notesShown = 0;
	let printed: Progress[] | undefined;
	const print = () => {
		const {ticks, notes} = store.getState();
		let out = '';
		const printNotes = (beforeMs: number) => {
			for (; notesShown < notes.length; notesShown++) {
				const text = notes[notesShown]!;
				if ((noteAtMs(text) ?? Infinity) >= beforeMs) return;
				out += (isJson ? noteJson(text) : wrapParts('note:', text.split(' '), ' ')) + '\n';
			}
		};

		// Each batch once: other state changes (a pause) keep the same array.
		if (ticks !== printed) {
			for (const tick of ticks) {
				printNotes(tick.simMs);
				out += (isJson ? progressJson(tick, hasReceipts) : progressText(tick, hasReceipts)) + '\n';
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

/** Bytes stdout's reader may leave untaken before the clock waits for it. */
const maxBacklog = 1024 * 1024;

/** How long the summary's pieces wait for a reader that is behind before the rest is handed over at once. */
const summaryWaitMs = 1000;

/**
 * A headless run for the lifecycle: `run`'s readings as they come (attachHeadless); at the
 * end the last readings, then the summary, then a line per failed --log or --report write
 * (and why a stalled run stopped). The exit code is the lifecycle's, from the verdict.
 */
export function headlessRun(run: StoreRun, isJson: boolean, io: Io, settings?: Settings): Run {
	let detach: (() => void) | undefined;
	let isHeld = false;
	/** The summary no longer waits for the reader (it did not take a piece in time, or a second signal came). */
	let isHurried = false;
	let wake: (() => void) | undefined;
	/**
	 * A reader that does not keep up (or stopped reading) would have the readings pile up in
	 * memory: the clock is held until it has taken them. Output is the same at every speed.
	 */
	const write = (text: string) => {
		io.out(text);
		if (isHeld || io.outBacklog <= maxBacklog || run.store.getState().run.isPaused) return;
		isHeld = true;
		const {actions} = run.store.getState();
		actions.togglePause();
		io.onOutDrained(() => {
			isHeld = false;
			if (run.store.getState().run.isPaused) actions.togglePause();
		});
	};

	return {
		start() {
			if (settings !== undefined) io.out(startOutput(settings, isJson));
			detach = attachHeadless(run.store, isJson, write, settings !== undefined && hasReceipts(settings));
			run.store.getState().actions.start();
		},
		async finish(ending) {
			detach?.();
			const isStalled = ending === 'stall';
			const summary = run.finish({isStalled});
			// A reader that is behind takes each piece before the next is made (a summary of
			// 100,000 senders is 24 MB); one that stopped reading is waited for once, briefly.
			// As bytes: a stream that gathers strings copies them into one more buffer to write.
			for (const piece of summaryPieces(summary, isJson)) {
				io.out(Buffer.from(piece));
				if (!isHurried && !io.isOutGone && io.outBacklog > maxBacklog) isHurried = !(await drained());
			}

			for (const error of run.writeErrors) io.err(`sms-dash: ${error}\n`);
			if (isStalled) io.err(`sms-dash: stopped: ${waitingText(summary.queued + summary.pending)} and no sender is left to send them\n`);
			await run.close?.();
			return verdictOf(summary, run.writeErrors);
		},
		hurry() {
			isHurried = true;
			wake?.();
		},
	};

	/** Whether stdout's reader took the backlog within summaryWaitMs (and stdout did not go, and no hurry came first). */
	function drained(): Promise<boolean> {
		return new Promise(resolve => {
			let waitedMs = 0;
			const end = (isTaken: boolean) => {
				clearInterval(timer);
				resolve(isTaken);
			};

			// A stdout that went away (EPIPE) is told by an event the run does not hear: looked at in steps.
			const timer = setInterval(() => {
				waitedMs += 50;
				if (io.isOutGone || waitedMs >= summaryWaitMs) end(false);
			}, 50);
			wake = () => end(false);
			io.onOutDrained(() => end(true));
		});
	}
}

/**
 * The summary as printed, in pieces written one after another: its JSON line is written a
 * batch of senders at a time rather than made whole first (24 MB at 100,000 senders).
 */
export function summaryPieces(summary: Summary, isJson: boolean): Iterable<string> {
	return isJson ? summaryLinePieces(summary) : [summaryText(summary) + '\n'];
}

/** "1 message waits", "3 messages wait". */
const waitingText = (count: number) => (count === 1 ? '1 message waits' : `${formatCount(count)} messages wait`);
