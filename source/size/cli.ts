// `sms-dash size …`: its flags, their validation (the sender flags and the shared rules of
// config/, so messages match the main command), and its output: a line per count tried, a
// progress bar on a TTY, or one JSON object; with --html, a page drawn from that object.
import type {AnyFlags} from 'meow';
import {ConfigError} from '../config/error.js';
import {deliveryFlagDraft, finishDelivery, reachPercent} from '../config/delivery.js';
import type {ReadFile} from '../config/file.js';
import {deliveryFlags, refuseOtherFlags, senderFlags, type Command, type FlagsOf} from '../config/flags.js';
import {defaults, fileName, flagValue, limits, positiveDuration, share, typed, whole, wholeFromTo} from '../config/rules.js';
import {senderFromFlags} from '../config/sender-spec.js';
import {formatDuration} from '../duration.js';
import {formatClock, formatCost, formatCount, formatPercent} from '../format.js';
import {inputCap, readInput} from '../input-files.js';
import type {Io, Run} from '../lifecycle.js';
import {writeWhole} from '../report.js';
import {describeWriteError} from '../write-error.js';
import {estimate, failedShare, type Estimate} from './estimate.js';
import {createPool} from './pool.js';
import {findSize, neededRuns, type SizeAnswer, type SizeQuery, type Trial} from './search.js';

export const sizeFlags = {
	messages: {type: 'string', shortFlag: 'm'},
	within: {type: 'string'},
	...senderFlags,
	retries: {type: 'string'},
	...deliveryFlags,
	reach: {type: 'string'},
	seed: {type: 'string'},
	confidence: {type: 'string'},
	runs: {type: 'string'},
	maxSenders: {type: 'string'},
	json: {type: 'boolean'},
	html: {type: 'string'},
} as const satisfies AnyFlags;

export type SizeFlags = FlagsOf<typeof sizeFlags>;

export const sizeHelp = `
	How many senders of one kind deliver <n> messages within <duration>
	(simulated)? The smallest count whose seeded runs finish every message (sent
	or failed) in time in at least --confidence of --runs runs:
	10 runs at 0.95 means 10 of 10. It prints the closed-form estimate and its
	bottleneck first.

	Usage
	  $ sms-dash size -m <n> --within <duration> [options]

	Options
	  -m, --messages <n>          messages to deliver (default 1000)
	      --within <duration>     the deadline, e.g. 10m, 90s (required)
	      --reach <p>%            the goal is p % of recipients reached within the
	                              deadline, e.g. 95%, instead of every message
	                              finished
	      --mean <duration>       a sender's mean send time (default 100ms)
	  -f, --failure-rate <p>      failure probability per attempt (default 0.1)
	      --distribution <name>   gamma | exponential | normal | lognormal |
	                              uniform | constant
	      --spread <duration>     spread around the mean
	      --max-wait <duration>   the longest one attempt may take
	      --retries <n>           extra attempts after a failed one (default 0)
	      --failover <duration>   rest after a failed attempt (default off)
	      --window <n>            a sender's window: submits unanswered at once
	                              (default 1)
	      --rate <n|none>         a sender's cap in submits/s (default none)
	      --price <n>             the price of one segment (default 0)
	      --preset <kind>         short-code | toll-free | long-code | smpp: a
	                              kind of sender's rate and window
	      --text, --gateway-rate, --backoff, --invalid, --delivery, --validity
	                              the delivery model, as for a run (see sms-dash
	                              --help)
	      --seed <n>              seed of the first run (default 1)
	      --confidence <p>        share of runs to finish in time (default 0.95)
	      --runs <n>              runs per count tried (default 10)
	      --max-senders <n>       the most senders to consider (default 100000)
	      --json                  one JSON object instead of lines
	      --html <file>           the answer as a page with a chart (one offline
	                              HTML file)

	Exit codes
	  0 an answer, 2 bad input, 3 even --max-senders cannot (or no count can)

	Example
	  $ sms-dash size -m 500000 --within 10m --mean 100ms -f 0.05 --retries 2
	  $ sms-dash size -m 500000 --within 10m --preset short-code --reach 95% \\
	      --gateway-rate 1000 --text @alert.txt --delivery "mean=8s"
`;

export const sizeCommand: Command<typeof sizeFlags> = {name: 'size', help: sizeHelp, flags: sizeFlags, hasOwnDescription: true};

/** `--html <file>`, validated as the main command's; undefined without it. */
export function sizeHtmlPath(flags: SizeFlags): string | undefined {
	return flagValue(flags, 'html', fileName)?.value;
}

/** Flags -> a validated query; throws ConfigError naming the flag. `--text @file` is read with `readFile`. */
export function resolveSizeQuery(flags: SizeFlags, readFile: ReadFile = path => readInput(path, inputCap)): SizeQuery {
	refuseOtherFlags(sizeCommand, flags);
	const spec = senderFromFlags(flags);
	if (flags.within === undefined) throw new ConfigError('--within is required: the deadline, e.g. --within 10m');
	const reachGoal = flagValue(flags, 'reach', reachPercent);
	return {
		messages: flagValue(flags, 'messages', whole(0, limits.messages))?.value ?? defaults.messages,
		spec,
		retries: flagValue(flags, 'retries', whole(0, limits.retries))?.value ?? defaults.retries,
		withinMs: flagValue(flags, 'within', typed(positiveDuration))!.value,
		confidence: flagValue(flags, 'confidence', share)?.value ?? 0.95,
		runs: flagValue(flags, 'runs', wholeFromTo(1, 1000))?.value ?? 10,
		maxSenders: flagValue(flags, 'maxSenders', wholeFromTo(1, 1_000_000))?.value ?? 100_000,
		seed: flagValue(flags, 'seed', whole(0, limits.seed))?.value ?? 1,
		delivery: finishDelivery(deliveryFlagDraft(flags, readFile)),
		reachGoal: reachGoal?.value,
	};
}

export function trialLine(trial: Trial): string {
	return `${formatCount(trial.senders).padStart(8)} senders  ${trial.okRuns}/${trial.runs} runs in time  p50 ${clock(trial.p50Ms)}  p95 ${clock(trial.p95Ms)}  ${trial.ok ? 'enough' : 'too few'}`;
}

/** A run's time; a reach run stopped past the deadline (or never reaching its goal) is late. */
function clock(ms: number): string {
	return Number.isFinite(ms) ? formatClock(ms) : 'late';
}

/** What is asked, in words: the runs the confidence means, what "in time" counts, the estimate. */
export function headerText(query: SizeQuery, guess: Estimate = estimate(query)): string {
	const need = neededRuns(query.confidence, query.runs);
	const {failureRate} = query.spec;
	const invalid = query.delivery.invalid ?? 0;
	const failing = query.messages * (invalid + (1 - invalid) * failedShare(failureRate, query.retries));
	const share = query.messages === 0 ? 0 : (failing * 100) / query.messages;
	const failShare = share < 0.1 && failing > 0 ? 'under 0.1%' : formatPercent(failing, query.messages);
	const inTime =
		query.reachGoal === undefined
			? [
					'  --within counts finished messages (sent or failed), not delivered ones;',
					`  about ${formatCount(failing)} of them (${failShare}) are expected to fail`,
				]
			: [
					`  in time: ${formatCount(guess.goalMessages)} of ${formatCount(query.messages)} recipients reached (--reach ${percent(query.reachGoal)});`,
					`  about ${formatCount(failing)} of the messages (${failShare}) are expected to fail`,
				];
	return [
		`Sizing ${formatCount(query.messages)} messages within ${formatClock(query.withinMs)}, ${query.runs} runs a count`,
		`  confidence ${query.confidence} of ${query.runs} runs: ${need} of ${query.runs} must finish in time`,
		...inTime,
		...(guess.impossible === undefined ? estimateLines(query, guess) : []),
		'',
	].join('\n');
}

/** The closed-form estimate and its bottleneck, two lines. */
function estimateLines(query: SizeQuery, guess: Estimate): string[] {
	const {spec} = query;
	const because = {
		window: `the window (${spec.window ?? 1} ÷ ${formatDuration(spec.meanMs)} send time)`,
		rate: 'the rate cap of each sender',
		gateway: `the gateway (${perSecond(query.delivery.gatewayRate ?? Infinity)} segments/s for all)`,
	}[guess.bottleneck];
	return [
		`  estimate ${formatCount(guess.senders ?? 0)} senders: the goal needs ${perSecond(guess.neededRate)} segments/s, ${perSecond(guess.perSenderRate)} a sender`,
		`  bottleneck: ${because}`,
		...(guess.cost > 0 ? [`  cost: about ${formatCost(guess.cost)} (${guess.segments} segment${guess.segments === 1 ? '' : 's'} a message at ${spec.price ?? 0} each)`] : []),
	];
}

/** Why no count can: the cap and the rate the goal needs, or the recipients that can be reached. */
export function impossibleText(query: SizeQuery, guess: Estimate): string {
	const {impossible} = guess;
	if (impossible === undefined) return '';
	if (impossible.by === 'never-sent') {
		const cause = impossible.why === 'failure-rate' ? 'every attempt fails (--failure-rate 1)' : 'every number is invalid (--invalid 100%)';
		return `No answer: ${cause}, so no message is ever sent, whatever the count of senders.\n`;
	}

	if (impossible.by === 'gateway') {
		const segments = guess.segments === 1 ? 'segment' : 'segments';
		return [
			`No answer: no count of senders can. The goal needs ${perSecond(guess.neededRate)} segments/s`,
			`  (${formatCount(guess.goalMessages)} messages × ${guess.segments} ${segments} × ${guess.attempts.toFixed(2)} attempts in ${formatClock(query.withinMs)}),`,
			`  and the gateway takes at most ${perSecond(impossible.gatewayRate)} (--gateway-rate).`,
			'',
		].join('\n');
	}

	const failed = failedShare(query.spec.failureRate, query.retries);
	const attempts = query.retries === 0 ? 'their one attempt' : `all ${query.retries + 1} attempts`;
	const causes: Array<[share: number, text: string]> = [
		[query.delivery.invalid ?? 0, 'of the numbers are invalid (--invalid)'],
		[failed, `of the messages fail ${attempts} (--failure-rate, --retries)`],
		[query.delivery.delivery?.undelivered ?? 0, 'of those sent are never delivered (--delivery)'],
	];
	// Those that cost about one recipient or more are named; if none does alone, every one there is.
	const named = causes.filter(([share]) => share * query.messages >= 0.5);
	const lines = (named.length > 0 ? named : causes.filter(([share]) => share > 0)).map(([share, text]) => `  ${percent(share)} ${text}`);
	return [
		`No answer: no count of senders can. --reach ${percent(query.reachGoal ?? 1)} asks for ${formatCount(guess.goalMessages)} of`,
		`  ${formatCount(query.messages)} recipients, but only ${percent(impossible.reachableShare)} can ever be reached:`,
		`${lines.join(';\n')}.`,
		'',
	].join('\n');
}

/** 1,667, 166.7, 0.25: a rate without its unit; no cap at all is "unlimited". */
function perSecond(value: number): string {
	if (!Number.isFinite(value)) return 'unlimited';
	if (value >= 1000) return formatCount(value);
	return value >= 1 || value === 0 ? value.toFixed(1) : String(Number(value.toPrecision(2)));
}

/** 0.95 -> 95%, 0.075 -> 7.5% (a share read from a percentage, its float hair dropped). */
function percent(share: number): string {
	return `${Number((share * 100).toFixed(6))}%`;
}

/** The counts tried in order of senders, then the answer beside the estimate, with its margin to the deadline. */
export function answerText(query: SizeQuery, answer: SizeAnswer, guess: Estimate = estimate(query)): string {
	const lines = answer.tried.map(trial => trialLine(trial));
	const found = answer.tried.find(trial => trial.senders === answer.senders);
	if (answer.senders === undefined || found === undefined) {
		lines.push(`No answer: even ${formatCount(query.maxSenders)} senders are not enough.`);
	} else {
		const need = neededRuns(query.confidence, query.runs);
		lines.push(
			`Answer: ${formatCount(answer.senders)} senders (estimate ${formatCount(guess.senders ?? 0)})`,
			`  ${need} of ${query.runs} runs finish by ${formatClock(found.neededMs)}: ${formatClock(query.withinMs - found.neededMs)} inside the ${formatClock(query.withinMs)} deadline`,
		);
	}

	return lines.join('\n') + '\n';
}

export function sizeJson(query: SizeQuery, answer: SizeAnswer, guess: Estimate = estimate(query)): string {
	return JSON.stringify(sizeObject(query, answer, guess));
}

/** What `size --json` prints, and what `size --html` draws. */
export function sizeObject(query: SizeQuery, answer: SizeAnswer, guess: Estimate = estimate(query)) {
	return {
		type: 'size' as const,
		senders: answer.senders ?? null,
		confidence: query.confidence,
		runs: query.runs,
		messages: query.messages,
		withinMs: query.withinMs,
		marginMs: marginOf(query, answer),
		estimate: guess.senders ?? null,
		perSenderRate: Number.isFinite(guess.perSenderRate) ? Math.round(guess.perSenderRate * 1000) / 1000 : null,
		bottleneck: guess.bottleneck,
		cost: Math.round(guess.cost * 100) / 100,
		tried: answer.tried.map(t => ({senders: t.senders, p50Ms: round1(t.p50Ms), p95Ms: round1(t.p95Ms), okRuns: t.okRuns})),
	};
}

/** How long before the deadline the runs the confidence asks for had finished, at the answer. */
function marginOf(query: SizeQuery, answer: SizeAnswer): number | null {
	const found = answer.tried.find(trial => trial.senders === answer.senders);
	return found === undefined ? null : round1(query.withinMs - found.neededMs);
}

function round1(value: number): number {
	return Math.round(value * 10) / 10;
}

/** `size` for the lifecycle: a signal or a closed pipe stops the search (the worker threads end). */
export function sizeRun(query: SizeQuery, options: {isJson: boolean; isTTY: boolean; htmlPath?: string}, io: Io): Run {
	const stop = new AbortController();
	let code = 0;
	return {
		async start(end) {
			code = await runSize(query, {...options, write: text => io.out(text), status: text => io.err(text), abort: stop.signal});
			end('done');
		},
		finish(ending) {
			if (ending !== 'done') stop.abort();
			// A status line in progress is cleared, so the shell's prompt starts clean.
			if (ending !== 'done' && options.isTTY && !options.isJson) io.err('\r\u001B[K');
			return {code};
		},
	};
}

/** Runs the search on every core and prints as it goes; returns the exit code. */
export async function runSize(
	query: SizeQuery,
	options: {isJson: boolean; isTTY: boolean; htmlPath?: string; write: (text: string) => void; status: (text: string) => void; abort?: AbortSignal},
): Promise<number> {
	const guess = estimate(query);
	if (guess.impossible !== undefined) return refuse(query, guess, options);
	const pool = createPool(query);
	options.abort?.addEventListener('abort', () => void pool.close());
	let runsDone = 0;
	const bar = (done: number) => {
		const width = 20;
		const filled = Math.round((done / query.runs) * width);
		return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${query.runs} runs`;
	};

	const run = async (senders: number, runIndex: number) => {
		const completion = await pool.run(senders, runIndex);
		runsDone++;
		if (options.isTTY && !options.isJson) options.status(`\r  trying ${formatCount(senders)} senders ${bar(runsDone % query.runs || query.runs)}\u001B[K`);
		return completion;
	};

	if (!options.isJson) options.write(headerText(query, guess));

	try {
		// The counts are printed once, in order of senders; meanwhile a TTY shows each as judged.
		const answer = await findSize(query, run, trial => {
			if (options.isJson || !options.isTTY) return;
			options.status(`\r\u001B[K  ${trialLine(trial).trim()}\n`);
		});
		if (options.isJson) options.write(sizeJson(query, answer, guess) + '\n');
		else options.write(answerText(query, answer, guess));
		if (options.htmlPath !== undefined && !(await writeSizeHtml(options.htmlPath, sizeObject(query, answer, guess), options.status))) return 1;
		return answer.senders === undefined ? 3 : 0;
	} finally {
		await pool.close();
	}
}

/** No count can: said at once, with no run (exit 3, or 1 when the page cannot be written). */
async function refuse(query: SizeQuery, guess: Estimate, options: {isJson: boolean; htmlPath?: string; write: (text: string) => void; status: (text: string) => void}): Promise<number> {
	const none: SizeAnswer = {senders: undefined, tried: []};
	const why = impossibleText(query, guess);
	if (options.isJson) options.write(sizeJson(query, none, guess) + '\n');
	else options.write(headerText(query, guess) + why);
	if (options.htmlPath !== undefined && !(await writeSizeHtml(options.htmlPath, {...sizeObject(query, none, guess), why}, options.status))) return 1;
	return 3;
}

/** `size --html`: the page, or one line on stderr (`status` writes there) and false. */
async function writeSizeHtml(path: string, size: ReturnType<typeof sizeObject> & {why?: string}, status: (text: string) => void): Promise<boolean> {
	const {renderHtml} = await import('../report/html.js');
	try {
		writeWhole(path, renderHtml({kind: 'size', size}));
		return true;
	} catch (error) {
		status(`sms-dash: --html ${path}: cannot write (${describeWriteError(error)})\n`);
		return false;
	}
}
