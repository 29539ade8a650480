// The one error bad input raises: a single line naming the flag or key, and how a user's text
// is echoed into it. Imports nothing, so a module that only refuses input
// (broker/connection.ts) does not load the parsers.

/** Bad input: the message is one line that names the flag or key (`file:line:col: key ...` for a file). */
export class ConfigError extends Error {
	override name = 'ConfigError';
}

/** Control and format characters (ESC, BEL, C1, bidi overrides): never written raw to a terminal. */
const unprintable = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;
const hasUnprintable = (text: string) => /[\p{Cc}\p{Cf}\u2028\u2029]/u.test(text);

/** Text with every control or format character written as an escape (`\u001b`), so it cannot drive the terminal. */
export function escapeText(text: string): string {
	return text.replaceAll(unprintable, char => `\\u${char.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

/**
 * A user's word (a flag, key or command) quoted for a message: escaped, and cut when long,
 * so what a file or an argument held is never echoed whole.
 */
export function quote(text: string, max = 40): string {
	const cut = text.length > max ? `${text.slice(0, max)}…` : text;
	return `"${escapeText(cut).replaceAll('"', String.raw`\"`)}"${text.length > max ? ` (${text.length} characters)` : ''}`;
}

/** A token such as an API key or a password hash: a long run without spaces, of letters and digits. */
const isSecretLike = (text: string) => (text.match(/[\w+/=$.-]{20,}/g) ?? []).some(run => /[a-z]/i.test(run) && /\d/.test(run));

/** A library's message about a file (a YAML error names an alias, a tag): every secret-like run in it hidden. */
export function hideSecrets(text: string): string {
	return text.replaceAll(/[\w+/=$.-]{20,}/g, run => (isSecretLike(run) ? `(${run.length} characters not shown)` : run));
}

/**
 * A value read from a file or a flag, as a message may show it: quoted only when short,
 * printable and not like a secret; otherwise only its length is said.
 */
export function showValue(text: string): string {
	if (text.length <= 40 && !hasUnprintable(text) && !isSecretLike(text)) return JSON.stringify(text);
	return `a text of ${text.length} characters (not shown)`;
}

/** A ConfigError's message as the one line printed: newlines folded, control characters escaped, long lines cut. */
export function errorLine(message: string): string {
	const line = escapeText(message.replaceAll(/[\r\n]+/g, ' '));
	return line.length > 400 ? `${line.slice(0, 400)}…` : line;
}

/** A key as a message names it: as written when short and printable, else quoted, escaped and cut. */
export function keyLabel(key: string): string {
	if (key.length > 40 || isSecretLike(key)) return `a key of ${key.length} characters (not shown)`;
	return hasUnprintable(key) || /[\s"]/.test(key) ? quote(key) : key;
}
