// Which face a run shows: the Ink dashboard or plain lines. Pure, so it is tested with
// explicit terminals and environments.
import {ConfigError} from './config/error.js';

export interface ModeInput {
	isHeadlessFlag: boolean;
	/** `--no-headless` given: the dashboard even under CI, refused where it cannot be drawn. */
	isDashboardFlag?: boolean;
	isJson: boolean;
	stdoutIsTTY: boolean;
	stdinIsTTY: boolean;
	env: Record<string, string | undefined>;
}

export type Mode = 'dashboard' | 'headless';

/**
 * Headless when asked, when either end is not a terminal, on a terminal that cannot move its
 * cursor (TERM=dumb), or under CI. `--no-headless` wins over CI, and is refused (a
 * ConfigError) where no dashboard can be drawn.
 */
export function chooseMode(input: ModeInput): Mode {
	if (input.isDashboardFlag === true) {
		if (input.isJson) throw new ConfigError('--no-headless cannot go with --json (JSON lines are headless output)');
		const missing = input.stdoutIsTTY ? (input.stdinIsTTY ? undefined : 'stdin') : 'stdout';
		if (missing !== undefined) throw new ConfigError(`--no-headless needs a terminal, and ${missing} is not one`);
		if (input.env['TERM'] === 'dumb') throw new ConfigError('--no-headless needs a terminal that can move its cursor, and TERM is dumb');
		return 'dashboard';
	}
	if (input.isHeadlessFlag || input.isJson) return 'headless';
	if (!input.stdoutIsTTY || !input.stdinIsTTY) return 'headless';
	if (input.env['TERM'] === 'dumb') return 'headless';
	const ci = input.env['CI'];
	if (ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false') return 'headless';
	return 'dashboard';
}
