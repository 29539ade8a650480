import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {createEngine} from '../../source/engine/engine.js';
import type {SenderSnapshot, SenderSpec} from '../../source/engine/types.js';

const specArb: fc.Arbitrary<SenderSpec> = fc.record(
	{
		meanMs: fc.constantFrom(20, 100),
		failureRate: fc.constantFrom(0, 0.3),
		distribution: fc.constantFrom('gamma' as const, 'constant' as const),
		maxWaitMs: fc.constantFrom(50, 150),
		failoverMs: fc.constantFrom(30, 500),
		window: fc.constantFrom(1, 4),
		rate: fc.constantFrom(5, 50),
	},
	{requiredKeys: ['meanMs', 'failureRate', 'distribution']},
);

describe('eachSenderFigures', () => {
	it('visits every sender with the figures snapshot() shows, removed and resting ones too', () => {
		fc.assert(
			fc.property(
				fc.array(specArb, {minLength: 1, maxLength: 6}),
				fc.integer({min: 0, max: 400}),
				fc.integer({min: 0, max: 3000}),
				fc.option(fc.integer({min: 1, max: 6}), {nil: undefined}),
				(senders, messages, stopMs, removed) => {
					const engine = createEngine({messages, senders, retries: 1, seed: 3, intervalMs: 1000});
					engine.runUntil(stopMs / 2);
					if (removed !== undefined) engine.removeSender(removed);
					engine.runUntil(stopMs);
					const visited: SenderSnapshot[] = [];
					engine.eachSenderFigures(figures => visited.push({...figures}));
					expect(visited).toStrictEqual(engine.snapshot().senders.map(s => ({...s})));
				},
			),
			{numRuns: 60},
		);
	});
});
