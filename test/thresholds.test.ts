import {describe, expect, test} from 'vitest';
import {ValueError} from '../source/duration.js';
import type {Threshold} from '../source/settings.js';
import {evaluateThresholds, type Figures, figuresOf, formatActual, type LiveFigures, lostRule, metrics, parseThreshold, suggest} from '../source/thresholds.js';

/** The one rule's verdict on `on`. */
const judge = (expr: string, on: Figures) => evaluateThresholds([parseThreshold(expr)], on)[0];

/** A test a row: each rule, judged on `on`, is ok or not, with that actual. */
function eachJudged(on: Figures, rows: ReadonlyArray<readonly [expr: string, ok: boolean, actual: number | null]>): void {
	test.each(rows)('%s -> ok %s, actual %s', (expr, ok, actual) => {
		expect(judge(expr, on)).toEqual({expr, ok, actual});
	});
}

/** Live figures: 1,000 messages asked for, 500 finished at 100ms each, 60s into the run. */
const live = (more: Partial<LiveFigures> = {}): LiveFigures => ({
	simMs: 60_000,
	sent: 460,
	failed: 40,
	produced: 1000,
	pending: 0,
	avgTimeMs: 100,
	avgE2eMs: 2000,
	isDone: false,
	...more,
});

/** The one rule, if it is lost on `live(more)`. */
const lost = (expr: string, more: Partial<LiveFigures> = {}) => lostRule([parseThreshold(expr)], live(more))?.expr;

const rule = (metric: Threshold['metric'], op: Threshold['op'], value: number, isPercent = false) => ({metric, op, value, isPercent});

describe('parseThreshold', () => {
	test.each([
		['p95<250ms', rule('p95', '<', 250)],
		['avg<=120ms', rule('avg', '<=', 120)],
		['e2e<2s', rule('e2e', '<', 2000)],
		['p50>=1.5s', rule('p50', '>=', 1500)],
		['p99>10ms', rule('p99', '>', 10)],
		['elapsed<10m', rule('elapsed', '<', 600_000)],
		['elapsed<=1h', rule('elapsed', '<=', 3_600_000)],
		['failed<5%', rule('failed', '<', 5, true)],
		['failed<=2.5%', rule('failed', '<=', 2.5, true)],
		['failed<=40', rule('failed', '<=', 40)],
		['sent>=990', rule('sent', '>=', 990)],
		['sent>95%', rule('sent', '>', 95, true)],
		['sent>=100%', rule('sent', '>=', 100, true)],
		['throughput>400/s', rule('throughput', '>', 400)],
		['throughput>=12.5', rule('throughput', '>=', 12.5)],
		[' p95 < 250ms ', rule('p95', '<', 250)],
		['P95<250ms', rule('p95', '<', 250)],
		['failed < 5 %', rule('failed', '<', 5, true)],
	] as const)('%j', (expr, expected) => {
		expect(parseThreshold(expr)).toEqual({expr: expr.trim(), ...expected});
	});

	test.each([
		['p59<250ms', 'did you mean p95?'],
		['avgs<100ms', 'did you mean avg?'],
		['faild<5%', 'did you mean failed?'],
		['througput>4', 'did you mean throughput?'],
		['latency<1s', 'metrics are avg, e2e'],
		['p95<250', 'needs a unit'],
		['elapsed<10', 'needs a unit'],
		['p95<fast', 'bad duration for p95'],
		['p95<-5ms', 'negative'],
		['p95=250ms', 'must compare with <, <=, > or >='],
		['p95==250ms', '"=="'],
		['p95=<250ms', '"=<"'],
		['p95', 'such as "p95<250ms"'],
		['', 'such as "p95<250ms"'],
		['<250ms', 'such as "p95<250ms"'],
		['p95<', 'no value'],
		['failed<4.5', 'whole count or a percentage'],
		['failed<-1', 'whole count or a percentage'],
		['sent>lots', 'whole count or a percentage'],
		['failed<150%', 'above 100%'],
		['throughput>fast', 'rate such as 400'],
		['throughput>400/m', 'rate such as 400'],
	] as const)('%j is refused, naming %j', (expr, words) => {
		expect(() => parseThreshold(expr)).toThrow(ValueError);
		expect(() => parseThreshold(expr)).toThrow(words);
	});

	test('every metric the settings type allows is accepted', () => {
		for (const metric of metrics) {
			const value = ['failed', 'sent', 'throughput', 'delivered', 'throttled', 'cost'].includes(metric) ? '1' : '1s';
			expect(parseThreshold(`${metric}<${value}`).metric).toBe(metric);
		}
	});
});

describe('evaluateThresholds', () => {
	const figures: Figures = {
		avgTimeMs: 101.5,
		avgE2eMs: 900,
		p50Ms: 95,
		p95Ms: 250,
		p99Ms: 400,
		sent: 133,
		failed: 7,
		produced: 140,
		throughput: 400,
		simElapsedMs: 600_000,
	};

	eachJudged(figures, [
		// Boundaries: 7 of 140 is exactly 5 %.
		['failed<5%', false, 5],
		['failed<=5%', true, 5],
		['failed>5%', false, 5],
		['failed>=5%', true, 5],
		['failed<=6', false, 7],
		['failed<=7', true, 7],
		['failed<8', true, 7],
		['sent>=95%', true, 95],
		['sent>95%', false, 95],
		['sent>=134', false, 133],
		['p95<250ms', false, 250],
		['p95<=250ms', true, 250],
		['p95<0.25s', false, 250],
		['p50<100ms', true, 95],
		['p99>399ms', true, 400],
		['avg<=101.5ms', true, 101.5],
		['avg<101ms', false, 101.5],
		['e2e<1s', true, 900],
		['throughput>400/s', false, 400],
		['throughput>=400/s', true, 400],
		['elapsed<10m', false, 600_000],
		['elapsed<=10m', true, 600_000],
	]);

	test('a rule on a figure that does not exist yet is not ok and has no actual', () => {
		const none: Figures = {sent: 0, failed: 0, produced: 0, throughput: 0, simElapsedMs: 0};
		for (const expr of ['avg<1s', 'e2e<1s', 'p50<1s', 'p95>0ms', 'p99<1h', 'failed<=100%', 'sent>=0%']) {
			expect(judge(expr, none)).toEqual({expr, ok: false, actual: null});
		}

		expect(judge('failed<=0', none)).toEqual({expr: 'failed<=0', ok: true, actual: 0});
		expect(judge('elapsed<1s', none)).toEqual({expr: 'elapsed<1s', ok: true, actual: 0});
	});

	test('a percentage on the boundary is exact (7 of 100 is 7 %, not 7.000000000000001 %)', () => {
		const seven = {...figures, failed: 7, sent: 93, produced: 100};
		expect(judge('failed<=7%', seven)).toEqual({expr: 'failed<=7%', ok: true, actual: 7});
		expect(judge('sent>=93%', seven)).toEqual({expr: 'sent>=93%', ok: true, actual: 93});
	});

	test('keeps the order and the written form of the rules', () => {
		const results = evaluateThresholds([parseThreshold(' p95 < 1s '), parseThreshold('failed<1')], figures);
		expect(results.map(r => [r.expr, r.ok])).toEqual([
			['p95 < 1s', true],
			['failed<1', false],
		]);
	});
});

describe('lostRule (--abort-on-fail)', () => {
	test.each<[string, Partial<LiveFigures>, boolean]>([
		// A count can only grow: lost once it is past the ceiling, not before.
		['failed<=40', {}, false],
		['failed<=40', {failed: 41}, true],
		['failed<40', {}, true],
		['failed<41', {}, false],
		['sent<=460', {sent: 461}, true],
		['sent<=460', {}, false],
		// A % of the messages asked for so far: 40 of 1,000 is 4 % at least, whatever comes.
		['failed<4%', {}, true],
		['failed<=4%', {}, false],
		['failed<=4%', {failed: 41}, true],
		['failed<5%', {produced: 600, pending: 400, failed: 49}, false],
		['failed<5%', {produced: 600, pending: 400, failed: 50}, true],
		// An average: the sum so far over every message is a floor (times are never negative).
		['avg<50ms', {}, true],
		['avg<50.1ms', {}, false],
		['avg<=50ms', {}, false],
		['e2e<1s', {}, true],
		['e2e<1.1s', {}, false],
		['avg<50ms', {avgTimeMs: undefined, sent: 0, failed: 0}, false],
		// Elapsed: unfinished messages finish now or later.
		['elapsed<1m', {}, true],
		['elapsed<=1m', {}, false],
		['elapsed<=1m', {simMs: 60_001}, true],
		['elapsed<10m', {}, false],
		['elapsed<1m', {sent: 960}, false],
		// Percentiles, throughput and lower bounds are only judged at the end.
		['p95<1ms', {}, false],
		['p50<=1ms', {}, false],
		['throughput>1000/s', {}, false],
		['sent>=100%', {}, false],
		['failed>900', {}, false],
		['elapsed>1h', {}, false],
		// A finished run is judged by its summary, not here.
		['failed<=40', {failed: 41, isDone: true}, false],
	])('%s with %j: lost %s', (expr, more, isLost) => {
		expect(lost(expr, more)).toBe(isLost ? expr : undefined);
	});

	test('the first lost rule in the order given', () => {
		const rules = ['p95<1ms', 'failed<=10', 'avg<1ms'].map(expr => parseThreshold(expr));
		expect(lostRule(rules, live())?.expr).toBe('failed<=10');
	});
});

describe('suggest', () => {
	test.each([
		['p59', ['p50', 'p95'], 'p95'],
		['avgs', metrics, 'avg'],
		['mesages', ['messages', 'senders'], 'messages'],
		['FailureRate', ['failureRate'], 'failureRate'],
		['gama', ['gamma', 'normal'], 'gamma'],
		['zzzzzz', ['messages', 'senders'], undefined],
		['ab', ['avg'], undefined],
		['x', ['s', 'm'], undefined],
		['foo', ['log', 'json'], undefined],
		['ad', ['at', 'add'], 'add'],
		['p5', ['p50', 'p95'], 'p50'],
		['abcdef', ['badcfe'], undefined],
	] as const)('%s among %j -> %s', (word, candidates, expected) => {
		expect(suggest(word, candidates)).toBe(expected);
	});
});

describe('the delivery model\'s rules', () => {
	test.each([
		['reach50<10s', rule('reach50', '<', 10_000)],
		['reach95<=2m', rule('reach95', '<=', 120_000)],
		['reach99<1h', rule('reach99', '<', 3_600_000)],
		['delivered>=99%', rule('delivered', '>=', 99, true)],
		['delivered>490000', rule('delivered', '>', 490_000)],
		['throttled<=5%', rule('throttled', '<=', 5, true)],
		['throttled<100', rule('throttled', '<', 100)],
		['cost<=4000', rule('cost', '<=', 4000)],
		['cost<12.50', rule('cost', '<', 12.5)],
		['cost<.5', rule('cost', '<', 0.5)],
	] as const)('%j', (expr, expected) => {
		expect(parseThreshold(expr)).toEqual({expr, ...expected});
	});

	test.each([
		['reach95<10', 'needs a unit'],
		['reach95<soon', 'bad duration for reach95'],
		['rech95<1m', 'did you mean reach95?'],
		['delivered<1.5', 'whole count or a percentage'],
		['throttled<200%', 'above 100%'],
		['cost<$5', 'needs an amount such as 500 or 12.50 for cost, got "$5"'],
		['cost<-1', 'needs an amount'],
		['cost<5%', 'needs an amount'],
		['cst<5', 'did you mean cost?'],
	] as const)('%j is refused, naming %j', (expr, words) => {
		expect(() => parseThreshold(expr)).toThrow(words);
	});

	const figures: Figures = {
		sent: 180,
		failed: 20,
		produced: 200,
		throughput: 10,
		simElapsedMs: 20_000,
		reachP50Ms: 9000,
		reachP95Ms: undefined,
		reachP99Ms: undefined,
		delivered: 150,
		throttled: 30,
		cost: 2.37,
	};

	eachJudged(figures, [
		['reach50<9s', false, 9000],
		['reach50<=9s', true, 9000],
		// Never reached: the rule fails, whichever way it points.
		['reach95<1h', false, null],
		['reach99>1s', false, null],
		['delivered>=150', true, 150],
		['delivered>=75%', true, 75],
		['delivered>75%', false, 75],
		['throttled<30', false, 30],
		['throttled<=15%', true, 15],
		['cost<=2.37', true, 2.37],
		['cost<2.37', false, 2.37],
	]);

	test('figures without the model\'s counts judge them as 0', () => {
		const plain: Figures = {sent: 1, failed: 0, produced: 1, throughput: 1, simElapsedMs: 1000};
		expect(judge('throttled<=0', plain)).toEqual({expr: 'throttled<=0', ok: true, actual: 0});
		expect(judge('cost<=0', plain)).toEqual({expr: 'cost<=0', ok: true, actual: 0});
		expect(judge('reach95<1s', plain)).toEqual({expr: 'reach95<1s', ok: false, actual: null});
	});

	test.each<[string, number | null, boolean, string]>([
		['reach95<1m', 61_500, true, '1m01s'],
		['reach95<1m', null, true, 'never'],
		['reach95<1m', null, false, '–'],
		['delivered>=99%', 98.75, true, '98.8%'],
		['delivered>=1000', 1234, true, '1,234'],
		['throttled<5%', 0, true, '0.0%'],
		['cost<5000', 3950, true, '3,950.00'],
		['cost<5000', 1234.5, true, '1,234.50'],
		['cost<1', 0.0237, true, '0.0237'],
		['cost<1', 0, true, '0'],
	])('%s with %s (done %s) reads %j', (expr, actual, isDone, text) => {
		expect(formatActual(parseThreshold(expr), actual, isDone)).toBe(text);
	});

	test('figuresOf takes the snapshot\'s reach, receipts, throttled and cost', () => {
		const snap = {sent: 10, failed: 0, produced: 10, lastOutcomeMs: 1000, reachP50Ms: 5, reachP95Ms: 9, reachP99Ms: undefined, delivered: 8, throttled: 3, cost: 1.5} as Parameters<typeof figuresOf>[0];
		expect(figuresOf(snap)).toMatchObject({reachP50Ms: 5, reachP95Ms: 9, reachP99Ms: undefined, delivered: 8, throttled: 3, cost: 1.5});
	});

	test.each<[string, Partial<LiveFigures>, boolean]>([
		['throttled<=40', {throttled: 41}, true],
		['throttled<=40', {throttled: 40}, false],
		['throttled<4%', {throttled: 40}, true],
		['delivered<=100', {delivered: 101}, true],
		['cost<=10', {cost: 10.01}, true],
		['cost<=10', {cost: 10}, false],
		// A reading without the counts decides nothing; nor do reach and lower bounds.
		['throttled<=0', {}, false],
		['cost<1', {}, false],
		['reach95<1ms', {simMs: 1e9}, false],
		['delivered>=1000', {delivered: 0}, false],
	])('%s lost with %j: %s', (expr, more, isLost) => {
		expect(lost(expr, more)).toBe(isLost ? expr : undefined);
	});
});
