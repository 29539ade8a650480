// Loaded with `node --import` by the benchmarks: on exit, the process reports its own
// peak RSS and CPU time on file descriptor 3 (if the parent opened one), as one JSON line.
import {writeSync} from 'node:fs';

process.on('exit', () => {
	const usage = process.resourceUsage();
	const line = JSON.stringify({maxRssKb: usage.maxRSS, userUs: usage.userCPUTime, systemUs: usage.systemCPUTime});
	try {
		writeSync(3, line + '\n');
	} catch {}
});
