// The one error bad input raises: a single line naming the flag or key. Imports nothing,
// so a module that only refuses input (broker/connection.ts) does not load the parsers.

/** Bad input: the message is one line that names the flag or key (`file:line:col: key ...` for a file). */
export class ConfigError extends Error {
	override name = 'ConfigError';
}
