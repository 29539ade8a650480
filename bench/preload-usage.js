// Loaded with `node --import` by the benchmarks: on exit, the process reports its own
// peak RSS and CPU time as one JSON line, appended to $SMS_DASH_USAGE_FILE when set (a
// child inside a pseudo-terminal), else written to file descriptor 3 if the parent opened it.
import {appendFileSync, writeSync} from 'node:fs';

process.on('exit', () => {
	const usage = process.resourceUsage();
	const line = JSON.stringify({maxRssKb: usage.maxRSS, userUs: usage.userCPUTime, systemUs: usage.systemCPUTime}) + '\n';
	try {
		const file = process.env['SMS_DASH_USAGE_FILE'];
		if (file) appendFileSync(file, line);
		else writeSync(3, line);
	} catch {}
});
