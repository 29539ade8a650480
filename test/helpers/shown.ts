// What a dashboard screen shows, as items a larger screen must show again: the header's
// words, the totals' labels, the failed figure whole, column titles, footer keys, sender rows.
// For the in-process frames and the built dashboard in a real terminal alike.

/** The header's words. */
const headerWords = ['sms-dash', 'running', 'sim', 'wall', 'speed', 'seed', 'senders'];

/** The items on a screen (its lines): header words, totals (and rules) among `labels`, the failed figure if `isFailedWhole`, column titles, footer keys, rows. */
export function shownItems(lines: readonly string[], labels: readonly string[], isFailedWhole: boolean): Set<string> {
	const shown = new Set<string>();
	for (const word of headerWords) if (lines[0]!.includes(word)) shown.add(`header ${word}`);
	for (const label of labels) if (lines.slice(1).some(line => line.includes(label))) shown.add(`total ${label}`);
	if (isFailedWhole) shown.add('the failed figure whole');
	const titles = lines.find(line => /^ {2}#\s+/.test(line)) ?? '';
	for (const title of titles.trim().split(/\s+/)) shown.add(`column ${title}`);
	for (const key of lines.at(-1)!.split(/ {2}/)) shown.add(`footer ${key}`);
	for (const line of lines) if (/^. #\d+ /.test(line)) shown.add(`row ${/#\d+/.exec(line)![0]}`);
	return shown;
}
