// What `size` prints of its estimate: the estimate and bottleneck lines, the answer beside
// it, the JSON fields, and the refusal at once (exit 3) when no count can.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {answerText, headerText, impossibleText, runSize, sizeObject, trialLine} from '../../source/size/cli.js';
import {estimate} from '../../source/size/estimate.js';
import type {SizeQuery} from '../../source/size/search.js';
import {tempDir} from '../helpers/run-cli.js';
import {baseQuery as base} from '../helpers/size-query.js';

/** runSize, its output gathered; a query no count can meet never starts a thread. */
async function refused(query: SizeQuery, isJson: boolean) {
	let out = '';
	let err = '';
	const code = await runSize(query, {isJson, isTTY: false, write: text => (out += text), status: text => (err += text)});
	return {code, out, err};
}

const within80 = (text: string) => {
	for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
};

describe('size output with the estimate', () => {
	it('names the bottleneck: the window, the rate cap, or the gateway the senders would pass', () => {
		expect(headerText(base)).toContain('  estimate 17 senders: the goal needs 166.7 segments/s, 10.0 a sender\n  bottleneck: the window (1 ÷ 100ms send time)\n');
		expect(headerText({...base, spec: {...base.spec, rate: 2.5}})).toContain(
			'  estimate 67 senders: the goal needs 166.7 segments/s, 2.5 a sender\n  bottleneck: the rate cap of each sender\n',
		);
		const gateway = {...base, withinMs: 10_000, spec: {...base.spec, window: 3}, delivery: {gatewayRate: 110}};
		expect(headerText(gateway)).toContain('  estimate 4 senders: the goal needs 100.0 segments/s, 30.0 a sender\n  bottleneck: the gateway (110.0 segments/s for all)\n');
	});

	it('says what a reach goal counts', () => {
		const header = headerText({...base, reachGoal: 0.95, delivery: {invalid: 0.02}});
		expect(header).toContain('  in time: 950 of 1,000 recipients reached (--reach 95%);\n  about 20 of the messages (2.0%) are expected to fail\n');
		expect(header).not.toContain('--within counts finished');
	});

	it('keeps 80 columns with large figures', () => {
		const big: SizeQuery = {...base, messages: 1e9, withinMs: 600_000, spec: {...base.spec, meanMs: 12.345, window: 1000}, maxSenders: 1_000_000};
		const longCodes = {...big, spec: {...big.spec, rate: 0.25}};
		expect(headerText(longCodes)).toContain('  estimate 6,666,667 senders: the goal needs 1,666,667 segments/s, 0.25 a sender\n');
		within80(headerText(big));
		within80(headerText(longCodes));
		within80(headerText({...big, reachGoal: 0.955, delivery: {gatewayRate: 1e12}}));
		within80(impossibleText(big, estimate({...big, delivery: {gatewayRate: 12_345.6, text: 'x'}})));
		within80(impossibleText({...big, reachGoal: 0.999_999}, estimate({...big, reachGoal: 0.999_999, delivery: {invalid: 0.5}})));
	});

	it('prints the answer beside the estimate', () => {
		const answer = {senders: 17, tried: [{senders: 17, p50Ms: 5900, p95Ms: 5900, okRuns: 4, runs: 4, ok: true, neededMs: 5900}]};
		expect(answerText(base, answer)).toContain('Answer: 17 senders (estimate 17)\n');
	});

	it('a reach run that is late (or never reaches its goal) reads "late"', () => {
		expect(trialLine({senders: 8, p50Ms: 5600, p95Ms: Infinity, okRuns: 3, runs: 4, ok: false, neededMs: Infinity})).toBe(
			'       8 senders  3/4 runs in time  p50 5.6s  p95 late  too few',
		);
	});

	it('--json adds estimate, perSenderRate and bottleneck', () => {
		const object = sizeObject({...base, spec: {...base.spec, meanMs: 30}}, {senders: undefined, tried: []});
		expect(object).toMatchObject({estimate: 5, perSenderRate: 33.333, bottleneck: 'window', senders: null});
	});

	it('refuses at once when the gateway cannot carry the goal: the cap, the rate needed, exit 3', async () => {
		const query = {...base, delivery: {gatewayRate: 150}};
		const {code, out, err} = await refused(query, false);
		expect(code).toBe(3);
		expect(err).toBe('');
		expect(out).toContain('Sizing 1,000 messages within 6.0s');
		expect(out).toContain(
			'No answer: no count of senders can. The goal needs 166.7 segments/s\n  (1,000 messages × 1 segment × 1.00 attempts in 6.0s),\n  and the gateway takes at most 150.0 (--gateway-rate).\n',
		);
		expect(out).not.toContain('estimate');
		within80(out);
	});

	it('and says so in JSON with "senders": null', async () => {
		const {code, out} = await refused({...base, delivery: {gatewayRate: 150}}, true);
		expect(code).toBe(3);
		expect(JSON.parse(out)).toEqual({
			type: 'size',
			senders: null,
			confidence: 0.95,
			runs: 4,
			messages: 1000,
			withinMs: 6000,
			marginMs: null,
			estimate: null,
			perSenderRate: 10,
			bottleneck: 'gateway',
			cost: 0,
			tried: [],
		});
	});

	it('refuses a reach goal beyond the recipients that can be reached', async () => {
		const {code, out} = await refused({...base, reachGoal: 0.99, delivery: {invalid: 0.02}}, false);
		expect(code).toBe(3);
		expect(out).toContain(
			'No answer: no count of senders can. --reach 99% asks for 990 of\n  1,000 recipients, but only 98% can ever be reached:\n  2% of the numbers are invalid (--invalid).\n',
		);
		within80(out);
	});

	it('refuses a reach goal beyond the messages that do not fail every attempt, naming each cause', async () => {
		// 20 % fail with no retry: 80 % at most, and no count of senders changes that.
		const failing = await refused({...base, reachGoal: 0.95, spec: {...base.spec, failureRate: 0.2}}, false);
		expect(failing.code).toBe(3);
		expect(failing.out).toContain(
			'No answer: no count of senders can. --reach 95% asks for 950 of\n  1,000 recipients, but only 80% can ever be reached:\n  20% of the messages fail their one attempt (--failure-rate, --retries).\n',
		);
		// Every cause at once, each on a line: 0.9 × (1 − 0.5²) × 0.5 = 33.75 %.
		const all = await refused(
			{
				...base,
				reachGoal: 0.5,
				retries: 1,
				spec: {...base.spec, failureRate: 0.5},
				delivery: {invalid: 0.1, delivery: {meanMs: 8000, distribution: 'constant', undelivered: 0.5}},
			},
			false,
		);
		expect(all.code).toBe(3);
		expect(all.out).toContain(
			'but only 33.75% can ever be reached:\n  10% of the numbers are invalid (--invalid);\n  25% of the messages fail all 2 attempts (--failure-rate, --retries);\n  50% of those sent are never delivered (--delivery).\n',
		);
		within80(all.out);
		// The --html page says the same, not that the most senders tried fell short (none was).
		const path = join(tempDir(), 'size.html');
		expect(await runSize({...base, reachGoal: 0.95, spec: {...base.spec, failureRate: 0.2}}, {isJson: true, isTTY: false, htmlPath: path, write() {}, status() {}})).toBe(3);
		expect(/id="outcome">(.*?)<\/p>/.exec(readFileSync(path, 'utf8'))![1]).toBe(
			'No answer: no count of senders can. --reach 95% asks for 950 of 1,000 recipients, but only 80% can ever be reached: 20% of the messages fail their one attempt (--failure-rate, --retries).',
		);
		// A cause worth less than one recipient is not named: 1 % failing all of 4 attempts.
		const small = await refused({...base, reachGoal: 0.99, retries: 3, spec: {...base.spec, failureRate: 0.01}, delivery: {invalid: 0.05}}, false);
		expect(small.code).toBe(3);
		expect(small.out).toContain('can ever be reached:\n  5% of the numbers are invalid (--invalid).\n');
		expect(small.out).not.toContain('--failure-rate');
		// Causes that cost under one recipient each but a whole one together are all named.
		const tiny = await refused(
			{...base, reachGoal: 1, spec: {...base.spec, failureRate: 0.0004}, delivery: {invalid: 0.0004, delivery: {meanMs: 8000, distribution: 'constant', undelivered: 0.0004}}},
			false,
		);
		expect(tiny.code).toBe(3);
		expect(tiny.out).toContain(
			'  0.04% of the numbers are invalid (--invalid);\n  0.04% of the messages fail their one attempt (--failure-rate, --retries);\n  0.04% of those sent are never delivered (--delivery).\n',
		);
		// Retries bring the share back: 0.2³ = 0.8 % fail every attempt, 95 % can be reached.
		expect(estimate({...base, reachGoal: 0.95, retries: 2, spec: {...base.spec, failureRate: 0.2}}).impossible).toBeUndefined();
	});
});
