import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {formatCount} from '../source/format.js';

describe('formatCount', () => {
	it("groups digits as toLocaleString('en-US') does", () => {
		expect(formatCount(0)).toBe('0');
		expect(formatCount(999)).toBe('999');
		expect(formatCount(1000)).toBe('1,000');
		expect(formatCount(1_234_567.6)).toBe('1,234,568');
		expect(formatCount(-1234)).toBe('-1,234');
		expect(formatCount(1e21)).toBe('1,000,000,000,000,000,000,000');
		expect(formatCount(Infinity)).toBe('∞');
		fc.assert(
			fc.property(fc.oneof(fc.integer(), fc.double({min: -1e22, max: 1e22, noNaN: true}), fc.maxSafeInteger()), n => {
				// toLocaleString writes -0 as "-0"; a count is never negative.
				if (Object.is(Math.round(n), -0)) return;
				expect(formatCount(n)).toBe(Math.round(n).toLocaleString('en-US'));
			}),
			{numRuns: 5000},
		);
	});
});
