import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {Histogram} from '../../source/engine/histogram.js';
import {noTimes, recordTime, TimesArena, timesQuantile} from '../../source/engine/sender-times.js';

const qs = [0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

describe('SenderTimes (recordTime, timesQuantile)', () => {
	it('gives the quantiles of a Histogram(0.05) to the bit, with few values and past the switch to buckets', () => {
		fc.assert(
			fc.property(fc.array(fc.oneof(fc.double({min: 0, max: 1e6, noNaN: true}), fc.constantFrom(0, 0.0005, 100, 100.5)), {maxLength: 200}), values => {
				const dense = new Histogram(0.05);
				const light = noTimes(new TimesArena(1));
				for (const [i, v] of values.entries()) {
					dense.record(v);
					recordTime(light, v);
					if (i % 13 === 0 || i === values.length - 1) for (const q of qs) expect(timesQuantile(light, q)).toBe(dense.quantile(q));
				}

				expect(light.timesCount).toBe(dense.count);
				expect(timesQuantile(light, 0.95)).toBe(dense.quantile(0.95));
			}),
			{numRuns: 300},
		);
	});

	it('senders sharing one arena keep their own values, as chunks are let go of and taken again', () => {
		fc.assert(
			fc.property(fc.array(fc.tuple(fc.nat(5), fc.double({min: 0, max: 1e4, noNaN: true})), {maxLength: 600}), records => {
				const arena = new TimesArena(2);
				const senders = Array.from({length: 6}, () => ({times: noTimes(arena), dense: new Histogram(0.05)}));
				for (const [who, ms] of records) {
					recordTime(senders[who]!.times, ms);
					senders[who]!.dense.record(ms);
				}

				for (const {times, dense} of senders) {
					expect(times.timesCount).toBe(dense.count);
					for (const q of qs) expect(timesQuantile(times, q)).toBe(dense.quantile(q));
				}
			}),
			{numRuns: 200},
		);
	});
});
