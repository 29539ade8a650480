// Loaded with `node --import` by the benchmarks: on exit, the process reports its own
// peak RSS and CPU time as one JSON line, appended to $SMS_DASH_USAGE_FILE when set (a
// child inside a pseudo-terminal), else written to file descriptor 3 if the parent opened it.
// On Linux it also reports the main thread's own CPU time (the rest is V8's compiler and
// garbage-collector threads, and libuv's).
import {appendFileSync, readFileSync, writeSync} from 'node:fs';

/** User + system CPU µs of the main thread, from /proc (undefined elsewhere). */
function mainThreadUs() {
	try {
		const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		// utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
		return (Number(fields[11]) + Number(fields[12])) * 10_000;
	} catch {
		return undefined;
	}
}

process.on('exit', () => {
	const usage = process.resourceUsage();
	const line = JSON.stringify({maxRssKb: usage.maxRSS, userUs: usage.userCPUTime, systemUs: usage.systemCPUTime, mainUs: mainThreadUs()}) + '\n';
	try {
		const file = process.env['SMS_DASH_USAGE_FILE'];
		if (file) appendFileSync(file, line);
		else writeSync(3, line);
	} catch {}
});
