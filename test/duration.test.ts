import {describe, expect, test} from 'vitest';
import fc from 'fast-check';
import {formatDuration, parseDuration, ValueError} from '../source/duration.js';

describe('parseDuration', () => {
	test.each([
		['250ms', 250],
		['1.5s', 1500],
		['2m', 120_000],
		['1h', 3_600_000],
		['0.2', 200],
		['0', 0],
		['.5s', 500],
		['3.', 3000],
		[' 10 ms ', 10],
		['1.1s', 1100],
		['0.1m', 6000],
		[0.1, 100],
		[2, 2000],
		[0, 0],
	] as const)('%j -> %d ms', (input, ms) => {
		expect(parseDuration(input)).toBe(ms);
	});

	test.each([
		['abc', 'must be a duration'],
		['', 'must be a duration'],
		['   ', 'must be a duration'],
		['-1s', 'negative'],
		['-250ms', 'negative'],
		['- 2', 'negative'],
		[-1, 'negative'],
		[Number.NaN, 'must be a duration'],
		[Number.POSITIVE_INFINITY, 'must be a duration'],
		['Infinity', 'must be a duration'],
		['1e3ms', 'must be a duration'],
		['10 seconds', 'must be a duration'],
		['5d', 'must be a duration'],
		['1.2.3s', 'must be a duration'],
		['ms', 'must be a duration'],
		[`${'9'.repeat(400)}h`, 'too long'],
	] as const)('%j is refused, naming %j', (input, words) => {
		expect(() => parseDuration(input)).toThrow(ValueError);
		expect(() => parseDuration(input)).toThrow(words);
	});

	test('the message quotes what was given', () => {
		expect(() => parseDuration('abc')).toThrow('must be a duration such as 250ms, 1.5s or 0.2 (seconds), got "abc"');
	});

	test.each([
		['250', 'needs a unit'],
		[250, 'needs a unit'],
		['0.2', 'needs a unit'],
		['abc', 'with a unit'],
	] as const)('without bare seconds, %j is refused naming %j', (input, words) => {
		expect(() => parseDuration(input, {allowBareSeconds: false})).toThrow(words);
	});

	test('without bare seconds, a unit still reads', () => {
		expect(parseDuration('250ms', {allowBareSeconds: false})).toBe(250);
		expect(parseDuration('10m', {allowBareSeconds: false})).toBe(600_000);
	});
});

describe('formatDuration', () => {
	test.each([
		[250, '250ms'],
		[0, '0ms'],
		[1500, '1.5s'],
		[1000, '1s'],
		[120_000, '2m'],
		[90_000, '90s'],
		[3_600_000, '1h'],
		[5_400_000, '90m'],
		[12.5, '12.5ms'],
	])('%d ms -> %s', (ms, text) => {
		expect(formatDuration(ms)).toBe(text);
	});

	test('what it writes reads back to the same milliseconds', () => {
		fc.assert(
			fc.property(fc.integer({min: 0, max: 10 ** 9}), ms => {
				expect(parseDuration(formatDuration(ms))).toBe(ms);
			}),
		);
	});
});
