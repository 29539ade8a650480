// Which face a run shows: the Ink dashboard or plain lines. Pure, so it is tested with
// explicit terminals and environments.

export interface ModeInput {
	isHeadlessFlag: boolean;
	isJson: boolean;
	stdoutIsTTY: boolean;
	stdinIsTTY: boolean;
	env: Record<string, string | undefined>;
}

export type Mode = 'dashboard' | 'headless';

/** Headless when asked, when either end is not a terminal, on a terminal that cannot move its cursor (TERM=dumb), or under CI. */
export function chooseMode(input: ModeInput): Mode {
	if (input.isHeadlessFlag || input.isJson) return 'headless';
	if (!input.stdoutIsTTY || !input.stdinIsTTY) return 'headless';
	if (input.env['TERM'] === 'dumb') return 'headless';
	const ci = input.env['CI'];
	if (ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false') return 'headless';
	return 'dashboard';
}
