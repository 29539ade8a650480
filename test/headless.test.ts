// Headless text within 80 columns: progress readings and the wrapping they and the start
// lines use (source/headless.ts).
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import type {Progress} from '../source/engine/monitor.js';
import {wrapParts} from '../source/format.js';
import {progressText} from '../source/headless.js';

function progressOf(more: Partial<Progress> = {}): Progress {
	return {
		simMs: 1000,
		produced: 1753,
		pending: 247,
		queued: 1000,
		inFlight: 4,
		resting: 0,
		sent: 672,
		failed: 77,
		attempts: 749,
		segments: 672,
		throttled: 0,
		delivered: 0,
		avgTimeMs: 5.31,
		avgE2eMs: 498.7,
		throughput: 749,
		recentThroughput: 749,
		etaMs: 1670,
		isDone: false,
		...more,
	};
}

const widths = (text: string) => text.split('\n').map(line => line.length);

describe('a progress reading as text', () => {
	it('is one line, in its order, when it fits', () => {
		expect(progressText(progressOf())).toBe('[   1.0s] sent 672  failed 77  queued 1,000  avg 5.31ms  now 749.0/s  eta 1.7s');
	});

	it('goes on a second line, unstamped, when millions, receipts and resting senders would pass 80 columns', () => {
		const text = progressText(progressOf({simMs: 900_000, sent: 1_076_029, delivered: 1_045_462, failed: 12_213, resting: 138, avgTimeMs: 55.5, recentThroughput: 1209.2, etaMs: 754_000}), true);
		expect(text).toBe(
			[
				'[15m00.0s] sent 1,076,029  failed 12,213  queued 1,000  now 1209.2/s  eta 12m34s',
				'           delivered 1,045,462  resting 138  avg 55.5ms',
			].join('\n'),
		);
	});

	it('keeps every line within 80 columns and only the first stamped, for any figures up to 100 million', () => {
		const count = fc.integer({min: 0, max: 100_000_000});
		fc.assert(
			fc.property(
				fc.record({
					simMs: fc.integer({min: 0, max: 8760 * 3_600_000}),
					sent: count,
					failed: count,
					delivered: count,
					throttled: count,
					queued: fc.integer({min: 0, max: 101_000}),
					resting: fc.integer({min: 0, max: 100_000}),
					avgTimeMs: fc.double({min: 0, max: 8760 * 3_600_000, noNaN: true}),
					recentThroughput: fc.double({min: 0, max: 1e9, noNaN: true}),
					etaMs: fc.double({min: 0, max: 1e12, noNaN: true}),
				}),
				fc.boolean(),
				(figures, hasReceipts) => {
					const text = progressText(progressOf(figures), hasReceipts);
					expect(Math.max(...widths(text)), text).toBeLessThanOrEqual(80);
					expect(text.split('\n').filter(line => line.startsWith('['))).toHaveLength(1);
				},
			),
		);
	});
});

describe('wrapParts', () => {
	it('joins on one line when it fits, else goes on under the first part', () => {
		expect(wrapParts('Run ', ['2,000 messages', 'seed 1'], ' · ')).toBe('Run  2,000 messages · seed 1');
		const parts = Array.from({length: 12}, (_, index) => `p95<${index}00ms`);
		const text = wrapParts('  thresholds ', parts, ' · ');
		expect(text.split('\n')[0]).toMatch(/^ {2}thresholds {2}p95<000ms · /);
		expect(text.split('\n')[1]).toMatch(/^ {14}p95</);
		expect(Math.max(...widths(text))).toBeLessThanOrEqual(80);
		expect(text.replaceAll(/\n +/g, ' · ').replace(/^ {2}thresholds {2}/, '')).toBe(parts.join(' · '));
	});
});
