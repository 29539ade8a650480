// The one line bad input gets: what a ConfigError says, checked to be one line.
import {expect} from 'vitest';
import {ConfigError} from '../../source/config/error.js';

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
