// A run read to its end as the command reads it: a monitor's reading every interval, handed
// to the recorders a test watches, then the summary.
import type {Engine} from '../../source/engine/engine.js';
import {Monitor, type Progress} from '../../source/engine/monitor.js';
import {buildSummary, type Summary} from '../../source/report.js';
import type {Settings} from '../../source/settings.js';

/** Runs `engine` (made from `settings`) to its end, each interval's reading to every recorder; its summary. */
export function readToEnd(engine: Engine, settings: Settings, ...recorders: Array<{record(reading: Progress): void}>): Summary {
	const monitor = new Monitor(engine);
	for (let t = settings.intervalMs; !engine.isDone; t += settings.intervalMs) {
		engine.runUntil(t);
		const reading = monitor.sample(t);
		for (const recorder of recorders) recorder.record(reading);
	}

	return buildSummary({engine, settings, wallElapsedMs: 1, speed: Infinity, notes: []});
}
