// The summary's figures and words: min, p90, max and end-to-end percentiles beside the
// existing fields, a heading that says how the run ended, every line within 80 columns.
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {createEngine} from '../source/engine/engine.js';
import type {SenderSpec} from '../source/engine/types.js';
import {startOutput} from '../source/headless.js';
import {buildSummary, reportJson, summaryText, verdictOf, type SenderSummary, type Summary} from '../source/report.js';
import {expandSenders, groupSenders, senderCount} from '../source/report/sender-runs.js';
import {listedSenders, senderLines, shownEachEnd} from '../source/report/sender-table.js';
import type {Settings} from '../source/settings.js';
import {parseThreshold} from '../source/thresholds.js';
import {testSettings} from './helpers/settings.js';

const spec = (more: Partial<SenderSpec> = {}): SenderSpec => ({meanMs: 100, failureRate: 0.1, distribution: 'gamma', ...more});

function settingsOf(more: Partial<Settings> = {}): Settings {
	return testSettings({
		messages: 2000,
		senders: [spec(), spec(), spec({distribution: 'exponential', meanMs: 50, failoverMs: 1000})],
		seed: 7,
		json: false,
		exitOnDone: true,
		thresholds: ['p95<250ms', 'failed<=5%', 'throughput>10/s'].map(expr => parseThreshold(expr)),
		...more,
	});
}

/** A run to `untilMs` (to its end by default), summed up, with every message's two times. */
function summaryAfter(untilMs = Infinity, settings = settingsOf()): {summary: Summary; times: number[]; e2es: number[]} {
	const engine = createEngine(settings);
	const times: number[] = [];
	const e2es: number[] = [];
	engine.onFinish = outcome => {
		times.push(outcome.timeMs);
		e2es.push(outcome.e2eMs);
	};

	engine.runUntil(untilMs);
	return {summary: buildSummary({engine, settings, wallElapsedMs: 12, speed: Infinity, notes: []}), times, e2es};
}

const exactQuantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.ceil(q * values.length) - 1]!;

describe('the summary\'s spread of times', () => {
	test('min and max are exact; p90 and the end-to-end percentiles are within the histogram\'s 1 %', () => {
		const {summary, times, e2es} = summaryAfter();
		expect(summary.minMs).toBe(Math.round(Math.min(...times) * 10) / 10);
		expect(summary.maxMs).toBe(Math.round(Math.max(...times) * 10) / 10);
		expect(summary.e2eMinMs).toBe(Math.round(Math.min(...e2es) * 10) / 10);
		expect(summary.e2eMaxMs).toBe(Math.round(Math.max(...e2es) * 10) / 10);
		expect(summary.p90Ms! / exactQuantile(times, 0.9)).toBeCloseTo(1, 1);
		for (const [field, q] of [['e2eP50Ms', 0.5], ['e2eP90Ms', 0.9], ['e2eP95Ms', 0.95], ['e2eP99Ms', 0.99]] as const) {
			expect(Math.abs(summary[field]! / exactQuantile(e2es, q) - 1), field).toBeLessThan(0.011);
		}

		expect(summary.minMs!).toBeLessThanOrEqual(summary.p50Ms!);
		expect(summary.p50Ms!).toBeLessThanOrEqual(summary.p90Ms!);
		expect(summary.p90Ms!).toBeLessThanOrEqual(summary.p95Ms!);
		expect(summary.p99Ms!).toBeLessThanOrEqual(summary.maxMs!);
	});

	test('before the first outcome every one of them is null, and the text shows –', () => {
		const {summary} = summaryAfter(0);
		for (const field of ['minMs', 'p90Ms', 'maxMs', 'e2eMinMs', 'e2eP50Ms', 'e2eP90Ms', 'e2eP95Ms', 'e2eP99Ms', 'e2eMaxMs'] as const) {
			expect(summary[field], field).toBeNull();
		}

		expect(summaryText(summary)).toMatch(/^ {4}end to end(?: +–){7}$/m);
	});
});

describe('summaryText', () => {
	test('every line fits 80 columns; per-sender p95 and the whole-run throughput are named', () => {
		const {summary} = summaryAfter();
		const text = summaryText(summary);
		for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
		expect(text).toMatch(/^ {2}time +min +avg +p50 +p90 +p95 +p99 +max$/m);
		expect(text).toMatch(/^ {5}#  distribution +mean +fail +sent +failed +avg +p95$/m);
		expect(text).toMatch(/^ {5}3  exponential +50\.0ms +0\.1 .* [\d.]+m?s$/m);
		expect(text).toMatch(/^ {8}rested \d+× /m);
		expect(text).toMatch(/^ {2}throughput {2}[\d.]+\/s over the whole run/m);
	});

	test('a broker\'s or an SMPP run counts real time, not simulated', () => {
		const {summary} = summaryAfter();
		expect(summaryText(summary)).toMatch(/^ {2}elapsed {5}\S+ simulated · \S+ wall$/m);
		expect(summaryText(summary)).toContain('(finished per simulated second)');
		for (const change of [{smpp: 'smpp://alerts:****@host:2775'}, {duplicates: 0}]) {
			const text = summaryText({...summary, ...change});
			expect(text).toMatch(/^ {2}elapsed {5}\S+ \(real time\) · \S+ wall$/m);
			expect(text).toContain('(finished per second)');
			expect(text).not.toContain('simulated');
		}
	});

	test.each<[string, Partial<Summary>, {isQuit?: boolean}, string]>([
		['a finished run', {}, {}, 'Summary'],
		['a quit before the end', {interrupted: true}, {isQuit: true}, 'Summary (stopped by the user before every message finished)'],
		['a quit after the end is just finished', {}, {isQuit: true}, 'Summary'],
		['a signal', {interrupted: true}, {}, 'Summary (interrupted)'],
		['an abort', {abortedBy: 'failed<=5%'}, {}, 'Summary (aborted: failed<=5% can no longer pass)'],
	])('%s is headed %j', (_, change, options, heading) => {
		const {summary} = summaryAfter();
		expect(summaryText({...summary, ...change}, options).split('\n')[0]).toBe(heading);
	});
});

describe('the thresholds of a summary', () => {
	const rules = (...exprs: string[]) => exprs.map(expr => parseThreshold(expr));

	test('an unfinished run judges a share of failed on the messages finished, as live, not on those produced', () => {
		const settings = settingsOf({senders: [spec({failureRate: 0.3})], thresholds: rules('failed<10%', 'sent>50%')});
		const {summary} = summaryAfter(2000, settings);
		expect(summary.interrupted).toBe(true);
		expect(summary.queued).toBeGreaterThan(0);
		const finished = summary.sent + summary.failed;
		expect(summary.thresholds).toEqual([
			{expr: 'failed<10%', ok: false, actual: Math.round((summary.failed * 1000) / finished) / 10},
			{expr: 'sent>50%', ok: true, actual: Math.round((summary.sent * 1000) / finished) / 10},
		]);
		// Of the produced it would have passed (queued messages are neither sent nor failed).
		expect((summary.failed * 100) / summary.produced).toBeLessThan(10);
	});

	test('the exit code: 3 for a rule a finished run crossed; 0 for a run stopped before its end (q), whatever it crossed so far', () => {
		const settings = settingsOf({senders: [spec({failureRate: 0.3})], thresholds: rules('failed<10%')});
		const stopped = summaryAfter(2000, settings).summary;
		expect(stopped.thresholds[0]!.ok).toBe(false);
		expect(verdictOf(stopped, [])).toEqual({code: 0, hasWriteErrors: false});
		expect(verdictOf(summaryAfter(Infinity, settings).summary, ['x'])).toEqual({code: 3, hasWriteErrors: true});
		expect(verdictOf({...stopped, interrupted: false, abortedBy: 'failed<10%'}, []).code).toBe(3);
	});

	test('a finished run judges it on the messages produced, all finished', () => {
		const settings = settingsOf({senders: [spec({failureRate: 0.3})], thresholds: rules('failed<10%')});
		const {summary} = summaryAfter(Infinity, settings);
		expect(summary.thresholds).toEqual([{expr: 'failed<10%', ok: false, actual: Math.round((summary.failed * 1000) / summary.produced) / 10}]);
	});

	test('a cost keeps the summary\'s four decimals, so its actual agrees with its verdict', () => {
		const settings = settingsOf({senders: [spec({failureRate: 0, price: 0.0137})], messages: 3, thresholds: rules('cost>=0.05')});
		const {summary} = summaryAfter(Infinity, settings);
		expect(summary.cost).toBe(0.0411);
		expect(summary.thresholds).toEqual([{expr: 'cost>=0.05', ok: false, actual: 0.0411}]);
	});

	test('a reach percentile a finished run never reached is "never"; unfinished, no figure yet', () => {
		const settings = settingsOf({senders: [spec({failureRate: 0.5})], messages: 100, thresholds: rules('reach95<1m', 'p95<1ms')});
		const {summary} = summaryAfter(Infinity, settings);
		expect(summary.reachP95Ms).toBeNull();
		const text = summaryText(summary);
		expect(text).toMatch(/^ {4}reach95<1m {2}FAIL \(never\)$/m);
		expect(text).toMatch(/^ {4}p95<1ms +FAIL \(actual /m);
		expect(summaryText({...summary, interrupted: true})).toMatch(/^ {4}reach95<1m {2}FAIL \(no figure yet\)$/m);
	});
});

describe('a long note in the summary', () => {
	test('goes on under itself, word by word, within 80 columns', () => {
		const {summary} = summaryAfter();
		const note = `0.0s: senders ${Array.from({length: 30}, (_, index) => `#${index + 1}`).join(', ')} joined (build-host-7, pid 4242)`;
		const lines = summaryText({...summary, notes: [note]}).split('\n');
		const at = lines.findIndex(line => line.startsWith('  note        0.0s: senders #1, #2'));
		expect(at).toBeGreaterThan(0);
		const block = lines.slice(at);
		for (const line of block) expect(line.length, line).toBeLessThanOrEqual(80);
		expect(block.slice(1).every(line => line.startsWith(' '.repeat(14)) && line[14] !== ' ')).toBe(true);
		expect(block.join(' ').replaceAll(/ +/g, ' ').trim()).toBe(`note ${note}`);
	});
});

describe('the start line of a headless run', () => {
	test('text: the settings in a few lines within 80 columns, the same at every speed', () => {
		const text = startOutput(settingsOf(), false);
		expect(text).toBe(
			[
				'Run  2,000 messages · 3 senders · retries 0 · readings every 1.0s · seed 7',
				'  senders     2× gamma mean 100.0ms fail 0.1',
				'  senders     1× exponential mean 50.0ms fail 0.1 failover 1.00s',
				'  thresholds  p95<250ms · failed<=5% · throughput>10/s',
				'',
			].join('\n'),
		);
		expect(startOutput(settingsOf({speed: 1}), false)).toBe(text);
	});

	test('text: senders sharing a spec object count as their copies do, in any order', () => {
		const [a, b] = [spec(), spec({meanMs: 50})];
		const kinds = (senders: SenderSpec[]) => startOutput(settingsOf({senders}), false).split('\n').filter(line => line.startsWith('  senders'));
		expect(kinds([a, a, b, a, spec()])).toStrictEqual(['  senders     4× gamma mean 100.0ms fail 0.1', '  senders     1× gamma mean 50.0ms fail 0.1']);
		expect(kinds([a, a, b, a, spec()])).toStrictEqual(kinds([a, a, b, a, spec()].map(s => ({...s}))));
	});

	test('text: long settings and many rules go on under their heading, within 80 columns', () => {
		const many = ['p95<1s', 'failed<5%', 'reach95<10m', 'p99<2s', 'e2e<10s', 'throughput>100'].map(expr => parseThreshold(expr));
		const text = startOutput(settingsOf({messages: 2_000_000, seed: 4_294_967_295, intervalMs: 400_000, thresholds: many, abortOnFail: true}), false);
		expect(text.split('\n').slice(0, 1)).toEqual(['Run  2,000,000 messages · 3 senders · retries 0 · readings every 6m40.0s']);
		expect(text).toContain('\n     seed 4294967295\n');
		expect(text).toMatch(/\n {2}thresholds {2}p95<1s · .*\n {14}\S.*\(abort on fail\)\n/);
		for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
	});

	test('JSON: one line of type "start"', () => {
		expect(JSON.parse(startOutput(settingsOf({abortOnFail: true}), true))).toEqual({
			type: 'start',
			messages: 2000,
			senders: 3,
			retries: 0,
			seed: 7,
			intervalMs: 1000,
			thresholds: ['p95<250ms', 'failed<=5%', 'throughput>10/s'],
			abortOnFail: true,
		});
	});
});

describe('a report\'s settings.senders', () => {
	const specArb: fc.Arbitrary<SenderSpec> = fc.record(
		{
			meanMs: fc.constantFrom(50, 100),
			failureRate: fc.constantFrom(0, 0.1),
			distribution: fc.constantFrom('gamma' as const, 'constant' as const),
			failoverMs: fc.constantFrom(10, 20),
			window: fc.constantFrom(1, 10),
		},
		{requiredKeys: ['meanMs', 'failureRate', 'distribution']},
	).map(spec => ({...spec}));

	test('identical consecutive senders are written once with a count, and expand to the same list', () => {
		fc.assert(
			fc.property(fc.array(specArb, {maxLength: 40}), specs => {
				const runs = groupSenders(specs);
				expect(expandSenders(runs)).toStrictEqual(specs);
				expect(senderCount(runs)).toBe(specs.length);
				for (const [index, run] of runs.entries()) {
					const {count, ...spec} = run;
					// A count only where it saves something; never two equal runs side by side.
					if (count !== undefined) expect(count).toBeGreaterThan(1);
					if (index > 0) {
						const {count: _count, ...before} = runs[index - 1]!;
						expect(spec).not.toStrictEqual(before);
					}
				}
			}),
		);
	});

	test('a spec object standing for several senders groups as its copies would', () => {
		fc.assert(
			fc.property(fc.array(fc.tuple(specArb, fc.boolean()), {maxLength: 40}), picks => {
				// Each sender is a fresh spec, or the very object the sender before it has.
				const specs: SenderSpec[] = [];
				for (const [fresh, isSame] of picks) specs.push(isSame && specs.length > 0 ? specs.at(-1)! : fresh);
				expect(groupSenders(specs)).toStrictEqual(groupSenders(specs.map(s => ({...s}))));
			}),
		);
	});

	test('10,000 senders of 2 kinds are 2 entries, and the summary says how many there are', () => {
		const a = spec();
		const b = spec({meanMs: 50});
		const senders = [...Array.from({length: 6000}, () => ({...a})), ...Array.from({length: 4000}, () => ({...b}))];
		const {summary} = summaryAfter(0, settingsOf({messages: 10, senders}));
		expect(summary.settings.senders).toStrictEqual([{...a, count: 6000}, {...b, count: 4000}]);
		expect(summary.senders).toHaveLength(10_000);
	});

	test('the --report file is the summary, indented, with each of its senders on one line', () => {
		for (const senders of [[], [spec()], settingsOf().senders]) {
			const {summary} = summaryAfter(Infinity, settingsOf({senders}));
			const text = reportJson({...summary, notes: ['a note with "senders": [],\n in it']});
			expect(JSON.parse(text)).toStrictEqual({...summary, notes: ['a note with "senders": [],\n in it']});
			const lines = text.split('\n');
			expect(lines.filter(line => /^ {4}\{"id":\d+,.*\},?$/.test(line))).toHaveLength(summary.senders.length);
			expect(lines.at(-1)).toBe('');
		}
	});

	test('a run of distinct senders is written as before: no count', () => {
		const senders = [spec(), spec({meanMs: 50}), spec()];
		const {summary} = summaryAfter(0, settingsOf({senders}));
		expect(summary.settings.senders).toStrictEqual(senders);
	});
});

describe('the text summary\'s senders', () => {
	const sender = (id: number, sent: number, failed = 0): SenderSummary => ({
		id,
		meanMs: 100,
		failureRate: 0.1,
		distribution: 'gamma',
		sent,
		failed,
		attempts: sent + failed,
		avgTimeMs: 100,
		observedMeanMs: 100,
		p95Ms: 200,
		rests: 0,
		restedMs: 0,
		window: 1,
		rate: null,
		price: 0,
		segments: sent,
		throttled: 0,
	});
	const ids = (lines: string[]) => lines.map(line => /^ {2} *(\d+)  gamma/.exec(line)?.[1]).filter(id => id !== undefined).map(Number);

	test(`up to ${listedSenders} every sender is listed, in order`, () => {
		const senders = Array.from({length: listedSenders}, (_, index) => sender(index + 1, 100 - index));
		const lines = senderLines(senders);
		expect(lines[0]).toBe(`  senders     ${listedSenders}`);
		expect(ids(lines)).toEqual(senders.map(s => s.id));
	});

	test('beyond that, the most and the least sent, and one line for the rest', () => {
		// Sent: 1,000 senders, sender i sent (i * 7919) % 1000 (every figure once), failed i % 5.
		const senders = Array.from({length: 1000}, (_, index) => sender(index + 1, ((index + 1) * 7919) % 1000, (index + 1) % 5));
		const lines = senderLines(senders);
		const bySent = [...senders].sort((x, y) => y.sent - x.sent);
		expect(ids(lines)).toEqual([...bySent.slice(0, shownEachEnd), ...bySent.slice(-shownEachEnd)].map(s => s.id));
		expect(lines[0]).toBe('  senders     1,000 · the 5 that sent most and the 5 that sent least');
		expect(lines).toContain('    … 990 more: sent 5–994, failed 0–4 each (see --report)');
		for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
		expect(lines).toHaveLength(2 + 2 * shownEachEnd + 1);
	});

	test('the rest\'s line says a single figure once; equal senders keep the order of their ids', () => {
		const senders = Array.from({length: 20}, (_, index) => sender(index + 1, 7));
		const lines = senderLines(senders);
		expect(ids(lines)).toEqual([1, 2, 3, 4, 5, 16, 17, 18, 19, 20]);
		expect(lines).toContain('    … 10 more: sent 7, failed 0 each (see --report)');
	});
});
