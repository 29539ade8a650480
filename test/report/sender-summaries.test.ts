import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import type {SenderSnapshot, SenderSpec, SenderState} from '../../source/engine/types.js';
import {round1} from '../../source/format.js';
import type {SenderSummary} from '../../source/report.js';
import {SenderSummaries} from '../../source/report/sender-summaries.js';

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

const time = fc.option(fc.double({min: 0, max: 1e6, noNaN: true}), {nil: undefined});
const count = fc.nat({max: 1e6});

describe('SenderSummaries', () => {
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
					{maxLength: 30},
				),
				(specs, senders) => {
					const summaries = new SenderSummaries();
					const expected: SenderSummary[] = [];
					// One object reused for every sender, as the engine visits them.
					const figures = {} as SenderSnapshot;
					for (const [index, sender] of senders.entries()) {
						Object.assign(figures, sender, {id: index + 1, spec: specs[sender.spec % specs.length], restLeftMs: 0, inFlight: 0, windowUsed: 0});
						expected.push(reference({...figures}));
						summaries.add(figures);
					}

					expect(summaries.list).toStrictEqual(expected);
					expect(JSON.stringify(summaries.list)).toBe(JSON.stringify(expected));
				},
			),
		);
	});
});
