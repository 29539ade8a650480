import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {blankFigures} from '../../source/engine/figures.js';
import type {SenderSnapshot, SenderSpec, SenderState} from '../../source/engine/types.js';
import {round1} from '../../source/format.js';
import type {SenderSummary, Summary} from '../../source/report.js';
import {senderRows, SenderTable, setSenders, settleSenders, someSpec} from '../../source/report/sender-summaries.js';
import {bindLines, senderLines} from '../../source/report/sender-table.js';

/** A sender's summary as it was first written: the reference for keys, their order and values. */
function reference(s: SenderSnapshot): SenderSummary {
	const {spec} = s;
	return {
		id: s.id,
		meanMs: spec.meanMs,
		failureRate: spec.failureRate,
		distribution: spec.distribution,
		...(spec.spreadMs === undefined ? {} : {spreadMs: spec.spreadMs}),
		...(spec.maxWaitMs === undefined ? {} : {maxWaitMs: spec.maxWaitMs}),
		...(spec.failoverMs === undefined ? {} : {failoverMs: spec.failoverMs}),
		sent: s.sent,
		failed: s.failed,
		attempts: s.attempts,
		avgTimeMs: round1(s.avgTimeMs),
		observedMeanMs: round1(s.observedMeanMs),
		p95Ms: round1(s.p95Ms),
		rests: s.rests,
		restedMs: round1(s.restedMs) ?? 0,
		window: spec.window ?? 1,
		rate: spec.rate ?? null,
		price: spec.price ?? 0,
		segments: s.segments,
		throttled: s.throttled,
		...(s.state === 'removed' ? {removed: true as const} : {}),
	};
}

const optional = {spreadMs: [5, 12.5], maxWaitMs: [50, 150], failoverMs: [30, 500], window: [1, 4], rate: [5, 0.5], price: [0, 0.02]} as const;

/** A spec with each optional key or without it, as often (keys in a spec's order). */
const specArb: fc.Arbitrary<SenderSpec> = fc
	.tuple(
		fc.double({min: 0, max: 1e4, noNaN: true}),
		fc.constantFrom(0, 0.1, 1),
		fc.constantFrom('gamma' as const, 'constant' as const),
		fc.subarray(Object.keys(optional) as Array<keyof typeof optional>),
		fc.nat({max: 1}),
	)
	.map(([meanMs, failureRate, distribution, keys, pick]) => ({
		meanMs,
		failureRate,
		distribution,
		...Object.fromEntries(keys.map(key => [key, optional[key][pick]])),
	}));

/** Times of any size (1e21 and up are written with an exponent), and none. */
const time = fc.option(fc.oneof(fc.double({min: 0, max: 1e6, noNaN: true}), fc.double({min: 0, noNaN: true}), fc.constantFrom(-0, 0, 1e21, 5e-324)), {nil: undefined});
const count = fc.oneof(fc.nat({max: 1e6}), fc.constantFrom(2 ** 32, 1e11 + 7));

describe('SenderTable', () => {
	it('makes what the spread-built summary made: the same keys in the same order, the same values', () => {
		fc.assert(
			fc.property(
				fc.array(specArb, {minLength: 1, maxLength: 3}),
				fc.array(
					fc.record({
						spec: fc.nat({max: 2}),
						state: fc.constantFrom<SenderState>('idle', 'sending', 'resting', 'removed'),
						sent: count,
						failed: count,
						attempts: count,
						segments: count,
						throttled: count,
						rests: count,
						restedMs: fc.double({min: 0, max: 1e6, noNaN: true}),
						avgTimeMs: time,
						observedMeanMs: time,
						p95Ms: time,
					}),
					{maxLength: 40},
				),
				(specs, senders) => {
					const table = new SenderTable();
					const expected: SenderSummary[] = [];
					// One object reused for every sender, as the engine visits them.
					const figures = {} as SenderSnapshot;
					for (const [index, sender] of senders.entries()) {
						Object.assign(figures, sender, {id: index + 1, spec: specs[sender.spec % specs.length], restLeftMs: 0, inFlight: 0, windowUsed: 0});
						expected.push(reference({...figures}));
						table.add(figures);
					}

					expect(table.toArray()).toStrictEqual(expected);
					expect(JSON.stringify(table.toArray())).toBe(JSON.stringify(expected));
					for (const [i, summary] of expected.entries()) expect(table.jsonAt(i)).toBe(JSON.stringify(summary));
					// Read in any order, from either end, as an array is.
					for (let i = expected.length - 1; i >= 0; i--) expect(JSON.stringify(table.at(i))).toBe(JSON.stringify(expected[i]));
					for (const i of [-1, -expected.length, expected.length, -expected.length - 1]) expect(table.at(i)).toStrictEqual(expected.at(i));
					// What the text reads of a table, without making every summary, is what it reads of the list.
					expect(senderLines(table)).toStrictEqual(senderLines(expected));
					expect(bindLines('smpp://x', table)).toStrictEqual(bindLines('smpp://x', expected));
					const priced = (s: SenderSummary) => s.price > 0 || s.rate !== null;
					expect(someSpec(table, priced)).toBe(expected.some(priced));
				},
			),
		);
	});
});

describe('a summary\'s senders, made when first read', () => {
	const figures = (id: number): SenderSnapshot => ({
		...blankFigures({meanMs: 10, failureRate: 0, distribution: 'constant'}),
		id,
		sent: id,
		attempts: id,
		segments: id,
		avgTimeMs: 10,
		observedMeanMs: 10,
		p95Ms: 10,
	});
	const built = () => {
		const table = new SenderTable();
		// More than the table first has room for.
		for (let id = 1; id <= 3000; id++) table.add(figures(id));
		const summary = {type: 'summary', produced: 1, senders: [], notes: []} as unknown as Summary;
		setSenders(summary, table);
		return {summary, table};
	};

	it('is read through the table until somebody reads the list, in its place among the keys', () => {
		const {summary, table} = built();
		expect(senderRows(summary)).toBe(table);
		expect(Object.keys(summary)).toStrictEqual(['type', 'produced', 'senders', 'notes']);
		const text = JSON.stringify(summary);
		expect(text).toBe(JSON.stringify({type: 'summary', produced: 1, senders: table.toArray(), notes: []}));
		// Read once: plain data from then on, the same list every time.
		expect(Object.getOwnPropertyDescriptor(summary, 'senders')).toMatchObject({writable: true, enumerable: true});
		expect(summary.senders).toBe(summary.senders);
		expect(senderRows(summary)).toBe(summary.senders);
		expect(Object.keys(summary)).toStrictEqual(['type', 'produced', 'senders', 'notes']);
	});

	it('can be replaced before it is read, and settled for the library', () => {
		const {summary} = built();
		summary.senders = [];
		expect(senderRows(summary)).toStrictEqual([]);
		const other = built();
		settleSenders(other.summary);
		expect(Object.getOwnPropertyDescriptor(other.summary, 'senders')?.value).toHaveLength(3000);
		expect(other.summary.senders[2999]!.id).toBe(3000);
	});
});
