// --threshold rules: "p95<250ms" to a Threshold, and the final (or live) figures judged against them.
// Also owns suggest(), the "did you mean" helper config/ shares. Pure: no I/O, no flag names.
import {showValue} from './config/error.js';
import {parseDuration, ValueError} from './duration.js';
import type {Snapshot} from './engine/types.js';
import {formatCost, formatCount, formatMs, formatRate, none} from './format.js';
import type {Threshold} from './settings.js';

/** Every metric a rule can name, in the order help and errors list them. */
export const metrics = [
	'avg',
	'e2e',
	'p50',
	'p95',
	'p99',
	'failed',
	'sent',
	'throughput',
	'elapsed',
	'reach50',
	'reach95',
	'reach99',
	'delivered',
	'throttled',
	'cost',
] as const satisfies ReadonlyArray<Threshold['metric']>;

type Metric = (typeof metrics)[number];
type Op = Threshold['op'];

const durationMetrics = new Set<Metric>(['avg', 'e2e', 'p50', 'p95', 'p99', 'elapsed', 'reach50', 'reach95', 'reach99']);
/** Reach percentiles: null at the end means never reached (a message never delivered counts as never). */
const reachMetrics = new Set<Metric>(['reach50', 'reach95', 'reach99']);
const exprPattern = /^(?<metric>[A-Za-z0-9_]+)\s*(?<op><=|>=|==|=<|=>|<|>|=|!=)\s*(?<value>.*)$/;
const countPattern = /^\d+$/;
const percentPattern = /^(?<amount>\d+(?:\.\d*)?|\.\d+)\s*%$/;
const ratePattern = /^(?<amount>\d+(?:\.\d*)?|\.\d+)\s*(?:\/\s*s)?$/;
const amountPattern = /^(?:\d+(?:\.\d*)?|\.\d+)$/;

/** The figures rules are judged on; undefined where no message has finished yet. */
export interface Figures {
	avgTimeMs?: number | undefined;
	avgE2eMs?: number | undefined;
	p50Ms?: number | undefined;
	p95Ms?: number | undefined;
	p99Ms?: number | undefined;
	sent: number;
	failed: number;
	produced: number;
	/** Messages finished per simulated second. */
	throughput: number;
	simElapsedMs: number;
	/** Reach percentiles; undefined while (or if ever) not reached. */
	reachP50Ms?: number | undefined;
	reachP95Ms?: number | undefined;
	reachP99Ms?: number | undefined;
	/** Receipts come (of sent), throttled submits, and the price of the accepted segments; 0 when absent. */
	delivered?: number;
	throttled?: number;
	cost?: number;
}

/** One rule's verdict, as the summary's `thresholds` array carries it. */
export interface ThresholdResult {
	expr: string;
	ok: boolean;
	/** ms for durations, a percentage for `%` rules, a count, or per second; null when there is no figure yet. */
	actual: number | null;
}

/**
 * Reads one rule such as `p95<250ms`, `failed<=5%`, `sent>=990`, `throughput>400/s` or `elapsed<10m`.
 * @throws {ValueError} naming what is wrong, with a "did you mean" for a misspelt metric.
 */
export function parseThreshold(expr: string): Threshold {
	const trimmed = expr.trim();
	// Shown only when short, printable and not like a secret: a rule may come from any file.
	const quoted = showValue(trimmed);
	const groups = exprPattern.exec(trimmed)?.groups;
	if (groups === undefined) {
		throw new ValueError(`must be <metric><operator><value> such as "p95<250ms" or "failed<5%", got ${quoted}`);
	}

	const name = groups['metric']!.toLowerCase();
	const op = groups['op']!;
	const valueText = groups['value']!.trim();
	const metric = metrics.find(m => m === name);
	if (metric === undefined) {
		const guess = suggest(name, metrics);
		const hint = guess === undefined ? `metrics are ${metrics.join(', ')}` : `did you mean ${guess}?`;
		throw new ValueError(`has an unknown metric ${showValue(groups['metric']!)} in ${quoted} (${hint})`);
	}

	if (op !== '<' && op !== '<=' && op !== '>' && op !== '>=') {
		throw new ValueError(`must compare with <, <=, > or >=, got "${op}" in ${quoted}`);
	}

	if (valueText === '') {
		throw new ValueError(`has no value after "${op}" in ${quoted}`);
	}

	return {expr: trimmed, metric, op, ...readValue(metric, valueText, quoted)};
}

function readValue(metric: Metric, text: string, quoted: string): Pick<Threshold, 'value' | 'isPercent'> {
	if (durationMetrics.has(metric)) {
		try {
			return {value: parseDuration(text, {allowBareSeconds: false}), isPercent: false};
		} catch (error) {
			if (error instanceof ValueError) {
				throw new ValueError(`has a bad duration for ${metric} in ${quoted}: it ${error.message}`);
			}

			throw error;
		}
	}

	if (metric === 'throughput') {
		const amount = ratePattern.exec(text)?.groups?.['amount'];
		if (amount === undefined) {
			throw new ValueError(`needs a rate such as 400 or 400/s for throughput, got ${showValue(text)} in ${quoted}`);
		}

		return {value: Number(amount), isPercent: false};
	}

	if (metric === 'cost') {
		if (!amountPattern.test(text)) {
			throw new ValueError(`needs an amount such as 500 or 12.50 for cost, got ${showValue(text)} in ${quoted}`);
		}

		return {value: Number(text), isPercent: false};
	}

	// `failed`, `sent`, `delivered` and `throttled`: a whole count, or a percentage of produced.
	const percent = percentPattern.exec(text)?.groups?.['amount'];
	if (percent !== undefined) {
		const value = Number(percent);
		if (value > 100) {
			throw new ValueError(`has a percentage above 100% in ${quoted}`);
		}

		return {value, isPercent: true};
	}

	if (!countPattern.test(text)) {
		throw new ValueError(`needs a whole count or a percentage such as 40 or 5% for ${metric}, got ${showValue(text)} in ${quoted}`);
	}

	return {value: Number(text), isPercent: false};
}

/**
 * Judges each rule on the figures. A rule whose figure does not exist yet (no message
 * finished, or a percentage of nothing produced) is not ok and its actual is null.
 */
export function evaluateThresholds(thresholds: readonly Threshold[], figures: Figures): ThresholdResult[] {
	return thresholds.map(threshold => {
		const actual = actualOf(threshold, figures);
		return {expr: threshold.expr, ok: actual !== null && compare(actual, threshold.op, threshold.value), actual};
	});
}

function actualOf({metric, isPercent}: Threshold, figures: Figures): number | null {
	switch (metric) {
		case 'avg': {
			return figures.avgTimeMs ?? null;
		}

		case 'e2e': {
			return figures.avgE2eMs ?? null;
		}

		case 'p50': {
			return figures.p50Ms ?? null;
		}

		case 'p95': {
			return figures.p95Ms ?? null;
		}

		case 'p99': {
			return figures.p99Ms ?? null;
		}

		case 'throughput': {
			return figures.throughput;
		}

		case 'elapsed': {
			return figures.simElapsedMs;
		}

		case 'reach50': {
			return figures.reachP50Ms ?? null;
		}

		case 'reach95': {
			return figures.reachP95Ms ?? null;
		}

		case 'reach99': {
			return figures.reachP99Ms ?? null;
		}

		case 'cost': {
			return figures.cost ?? 0;
		}

		case 'failed':
		case 'sent':
		case 'delivered':
		case 'throttled': {
			const count = figures[metric] ?? 0;
			if (!isPercent) {
				return count;
			}

			// Multiply first: 7 * 100 / 100 is 7, while 7 / 100 * 100 is 7.000000000000001.
			return figures.produced > 0 ? (count * 100) / figures.produced : null;
		}
	}
}

function compare(actual: number, op: Op, value: number): boolean {
	switch (op) {
		case '<': {
			return actual < value;
		}

		case '<=': {
			return actual <= value;
		}

		case '>': {
			return actual > value;
		}

		case '>=': {
			return actual >= value;
		}
	}
}

/**
 * The candidate closest to a misspelt word, or undefined. Edit distance (a swap of neighbours
 * counts as one edit) at most 2, or 1 for words of up to 3 letters, so "foo" suggests nothing.
 * Ties go to a candidate with the same letters ("p59" -> p95, not p50), then to one that
 * extends or shortens the word ("ad" -> add, not at), then to the earlier one.
 */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
	const lower = word.toLowerCase();
	const letters = [...lower].sort().join('');
	const limit = lower.length <= 1 ? 0 : lower.length <= 3 ? 1 : 2;
	let best: string | undefined;
	let bestScore = Number.POSITIVE_INFINITY;
	for (const candidate of candidates) {
		const other = candidate.toLowerCase();
		const distance = editDistance(lower, other);
		const isAnagram = [...other].sort().join('') === letters;
		const isPrefix = other.startsWith(lower) || lower.startsWith(other);
		const score = distance - (isAnagram ? 0.5 : 0) - (isPrefix ? 0.25 : 0);
		if (distance <= limit && score < bestScore) {
			best = candidate;
			bestScore = score;
		}
	}

	return best;
}

/** Levenshtein distance plus transpositions of neighbours (optimal string alignment). */
function editDistance(a: string, b: string): number {
	const rows = Array.from({length: a.length + 1}, (_, i) => Array.from({length: b.length + 1}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
	for (let i = 1; i <= a.length; i++) {
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			let distance = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
				distance = Math.min(distance, rows[i - 2]![j - 2]! + 1);
			}

			rows[i]![j] = distance;
		}
	}

	return rows[a.length]![b.length]!;
}

/** The figures rules are judged on, from a snapshot: live in the dashboard, final in the summary. */
export function figuresOf(snap: Snapshot): Figures {
	const finished = snap.sent + snap.failed;
	return {
		avgTimeMs: snap.avgTimeMs,
		avgE2eMs: snap.avgE2eMs,
		p50Ms: snap.p50Ms,
		p95Ms: snap.p95Ms,
		p99Ms: snap.p99Ms,
		sent: snap.sent,
		failed: snap.failed,
		produced: snap.produced,
		throughput: snap.lastOutcomeMs > 0 ? (finished * 1000) / snap.lastOutcomeMs : 0,
		simElapsedMs: snap.lastOutcomeMs,
		reachP50Ms: snap.reachP50Ms,
		reachP95Ms: snap.reachP95Ms,
		reachP99Ms: snap.reachP99Ms,
		delivered: snap.delivered,
		throttled: snap.throttled,
		cost: snap.cost,
	};
}

/**
 * The figures a rule is judged on, live and in the summary: until every message produced has
 * finished, a share of `failed` or `sent` is of the messages finished (the share the totals
 * show); a share of produced would count queued messages as neither, and an interrupted run
 * at 17.5 % failed would pass `failed<10%`. Once done, produced and finished are the same.
 */
export function judgedFiguresOf(snap: Snapshot): Figures {
	const figures = figuresOf(snap);
	return snap.isDone ? figures : {...figures, produced: snap.sent + snap.failed};
}

/**
 * A rule's actual figure in its own unit: 212.4ms, 7.3%, 40, 412.5/s, 3,950.00; "–" for none,
 * and "never" for a reach percentile not reached by the end (`isDone`; live it is "–").
 */
export function formatActual(threshold: Pick<Threshold, 'metric' | 'isPercent'>, actual: number | null, isDone = true): string {
	if (actual === null) return isDone && reachMetrics.has(threshold.metric) ? 'never' : none;
	switch (threshold.metric) {
		case 'failed':
		case 'sent':
		case 'delivered':
		case 'throttled': {
			return threshold.isPercent ? `${actual.toFixed(1)}%` : formatCount(actual);
		}

		case 'throughput': {
			return formatRate(actual);
		}

		case 'cost': {
			return formatCost(actual);
		}

		default: {
			return formatMs(actual);
		}
	}
}

/** What a run knows mid-way, enough to tell a rule that can no longer pass. */
export interface LiveFigures {
	simMs: number;
	sent: number;
	failed: number;
	produced: number;
	/** Asked for, not made yet. */
	pending: number;
	avgTimeMs: number | undefined;
	avgE2eMs: number | undefined;
	isDone: boolean;
	/** Counts that only grow; absent (a reading without them) decides nothing. */
	delivered?: number;
	throttled?: number;
	cost?: number;
}

/**
 * The first rule that can no longer pass whatever happens next (--abort-on-fail), or undefined.
 * Only a figure that can only grow decides early: a count or % above its ceiling
 * (`failed<=40` once 41 failed; delivered, throttled, cost alike), an average whose sum alone already tops it, `elapsed`
 * once the clock passes it with messages unfinished. Percentiles, throughput and lower
 * bounds wait for the end. A % counts the messages asked for so far.
 */
export function lostRule(thresholds: readonly Threshold[], live: LiveFigures): Threshold | undefined {
	if (live.isDone) return undefined;
	const asked = live.produced + live.pending;
	const finished = live.sent + live.failed;
	return thresholds.find(({metric, op, value, isPercent}) => {
		if (op !== '<' && op !== '<=') return false;
		const isOver = (floor: number) => (op === '<' ? floor >= value : floor > value);
		switch (metric) {
			case 'failed':
			case 'sent':
			case 'delivered':
			case 'throttled': {
				const count = live[metric];
				if (count === undefined) return false;
				return isPercent ? asked > 0 && isOver((count * 100) / asked) : isOver(count);
			}

			case 'cost': {
				return live.cost !== undefined && isOver(live.cost);
			}

			case 'avg':
			case 'e2e': {
				// Times are never negative: the final mean is at least the sum so far over every message.
				const average = metric === 'avg' ? live.avgTimeMs : live.avgE2eMs;
				return average !== undefined && asked > 0 && isOver((average * finished) / asked);
			}

			case 'elapsed': {
				// Unfinished messages finish at this moment or later.
				return finished < asked && isOver(live.simMs);
			}

			default: {
				return false;
			}
		}
	});
}
