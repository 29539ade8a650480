// The one line bad input gets: what a ConfigError says, checked to be one line.
import {expect} from 'vitest';
import {ConfigError} from '../../source/config/error.js';
import {resolveSettings} from '../../source/config/resolve.js';

/** The message of the ConfigError `run` throws; fails the test when it throws none or another error. */
export function refusalOf(run: () => unknown): string {
	try {
		run();
	} catch (error) {
		if (error instanceof ConfigError) {
			expect(error.message).not.toContain('\n');
			return error.message;
		}

		throw error;
	}

	throw new Error('resolved without a ConfigError');
}

/** What the main command says to the flag `name` (camelCase) given `value`: the words size and worker must use too. */
export function mainCommandRefusal(name: string, value: string): string {
	return refusalOf(() => resolveSettings({[name]: value}, {readFile: () => '', randomSeed: () => 0}));
}
