// Whole Settings for tests, written once: a seeded headless JSON run at full speed, with
// the few keys a test cares about laid over it.
import type {Settings} from '../../source/settings.js';

/** A seeded, headless, JSON run at speed max: 1,000 messages, no senders, no retries, no files, no rules; `more` over it. */
export function testSettings(more: Partial<Settings> = {}): Settings {
	return {
		messages: 1000,
		senders: [],
		retries: 0,
		seed: 1,
		intervalMs: 1000,
		speed: Infinity,
		headless: true,
		json: true,
		logPath: undefined,
		reportPath: undefined,
		htmlPath: undefined,
		exitOnDone: false,
		thresholds: [],
		script: [],
		isSeedGiven: true,
		...more,
	};
}
