// The last step of the build: every .js file under dist/ made ASCII. esbuild writes strings
// and names as ASCII (its default charset) but keeps comments as they are, and one character
// beyond ASCII, even in a comment, makes Node decode the whole file as UTF-16: the
// dashboard's chunk (878 kB) then took a third more CPU to load. Only comments can hold
// one, so each is written as \u{...} text.
import {readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';

export function asciiOnly(dir) {
	for (const name of readdirSync(dir, {recursive: true}).map(String)) {
		if (!name.endsWith('.js')) continue;
		const path = join(dir, name);
		const code = readFileSync(path, 'utf8');
		if (/[^\u0000-\u007F]/.test(code)) writeFileSync(path, code.replaceAll(/[^\u0000-\u007F]/gu, c => `\\u{${c.codePointAt(0).toString(16)}}`));
	}
}
