// `sms-dash worker`: senders in this process for a broker run. Its flags, their validation
// (the sender flags and rules of config/, so messages match the main command), a status
// line now and then, and its end for the lifecycle: messages in flight finish or are handed
// back (at once on a second Ctrl+C). Returns exit codes; never calls process.exit.
import type {AnyFlags} from 'meow';
import {ConfigError, errorLine} from '../config/error.js';
import {refuseOtherFlags, senderFlags, TextRequest, type Command, type FlagsOf} from '../config/flags.js';
import {parseCommandLine} from '../config/parse.js';
import {flagValue, limits, whole, wholeFromTo} from '../config/rules.js';
import {senderFromFlags} from '../config/sender-spec.js';
import type {SenderSpec} from '../engine/types.js';
import {formatCount, formatMs} from '../format.js';
import {createLifecycle, type Lifecycle, type Run} from '../lifecycle.js';
import {checkQueueName, defaultQueueName, parseBrokerUrl} from './connection.js';
import {idList} from './protocol.js';
import {SenderHost} from './sender-host.js';

export const workerFlags = {
	broker: {type: 'string'},
	queue: {type: 'string'},
	count: {type: 'string', shortFlag: 'n'},
	...senderFlags,
	seed: {type: 'string'},
} as const satisfies AnyFlags;

type WorkerFlags = FlagsOf<typeof workerFlags>;

export const workerHelp = `
	Usage
	  $ sms-dash worker --broker redis://HOST:PORT [options]

	Senders in this process for a run started with sms-dash --broker: each takes
	one message at a time from the queue, waits its send time for real and
	succeeds or fails, as in-process senders do. They show up in that run's
	dashboard.

	Options
	      --broker <url>          the Redis:
	                              redis://[[USER]:PASSWORD@]HOST:PORT[/DB], or
	                              rediss://… for TLS (required; the password is
	                              never shown)
	      --queue <name>          the queue to take messages from (default
	                              ${defaultQueueName})
	  -n, --count <n>             senders in this process (default 1)
	      --mean <duration>       their mean send time (default 100ms): "80ms",
	                              "1.5s" or "0.2"
	  -f, --failure-rate <p>      their failure probability per attempt, 0..1
	                              (default 0.1)
	      --distribution <name>   gamma (default) | exponential | normal |
	                              lognormal | uniform | constant
	      --spread <duration>     their spread around the mean (default mean/2)
	      --max-wait <duration>   the longest one attempt may take (default: no
	                              cap)
	      --failover <duration>   after a failed attempt the sender rests this
	                              long and the message goes back to the queue for
	                              another sender (default off)
	      --window <n>            submits each may have unanswered at once
	                              (default 1)
	      --rate <n|none>         submits per second each makes at most (default
	                              none)
	      --price <n>             the price of one accepted segment (default 0)
	      --preset <kind>         short-code | toll-free | long-code | smpp:
	                              typical rate and window, each overridden by its
	                              own flag
	      --seed <n>              seed of their random draws (default: random)

	Ctrl+C stops taking messages; those in flight finish (up to 3 s) or go back to
	the queue for another sender. Ctrl+C again hands them back at once.

	Exit codes
	  0 every sender here was removed from the dashboard, 2 bad input or Redis
	  unreachable at start, 130 interrupted, 1 anything else

	Examples
	  $ sms-dash worker --broker redis://127.0.0.1:6379 --count 4 --mean 80ms \\
	      -f 0.1
	  $ sms-dash worker --broker rediss://:PASSWORD@redis.example:6380 \\
	      --queue alerts --preset short-code
`;

export const workerCommand: Command<typeof workerFlags> = {name: 'worker', help: workerHelp, flags: workerFlags};
/** How often a status line is printed, when anything changed. */
const statusEveryMs = 5000;

/**
 * Runs `sms-dash worker` with the arguments after `worker`; resolves with the exit code.
 * Bad input or an unreachable Redis: one line on stderr, 2.
 */
export async function runWorkerCommand(argv: string[], lifecycle: Lifecycle = createLifecycle(process)): Promise<number> {
	try {
		return await lifecycle.drive(await work(argv, lifecycle));
	} catch (error) {
		// --help, --version: the command line prints them.
		if (error instanceof TextRequest) throw error;
		lifecycle.dispose();
		if (error instanceof ConfigError) {
			lifecycle.io.err(`sms-dash worker: ${errorLine(error.message)}\n`);
			return 2;
		}

		lifecycle.io.err(`sms-dash worker: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
		return 1;
	}
}

interface WorkerPlan {
	url: string;
	queue: string;
	count: number;
	spec: SenderSpec;
	seed: number | undefined;
}

/** Flags -> what to start; throws ConfigError naming the flag. */
export function resolveWorkerPlan(flags: WorkerFlags): WorkerPlan {
	refuseOtherFlags(workerCommand, flags);
	if (flags.broker === undefined) throw new ConfigError('--broker is required: the Redis URL, e.g. --broker redis://127.0.0.1:6379');
	// Checked here so a bad URL is refused before anything else is said.
	parseBrokerUrl(flags.broker);
	const queue = checkQueueName(flags.queue ?? defaultQueueName);
	const spec = senderFromFlags(flags);
	return {
		url: flags.broker,
		queue,
		count: flagValue(flags, 'count', wholeFromTo(1, 10_000))?.value ?? 1,
		spec,
		seed: flagValue(flags, 'seed', whole(0, limits.seed))?.value,
	};
}

/** Opens the senders' host; the run adds the senders, the lifecycle ends it. */
async function work(argv: string[], lifecycle: Lifecycle): Promise<Run> {
	const plan = resolveWorkerPlan(parseCommandLine(workerCommand, argv, import.meta));
	const target = parseBrokerUrl(plan.url);
	const {io} = lifecycle;
	const host = await SenderHost.open({
		target,
		queue: plan.queue,
		seed: plan.seed,
		onNotice: text => io.err(`sms-dash worker: ${text}\n`),
		onEmpty: () => lifecycle.end('done'),
		onControl(id, change, spec) {
			const left = host.senders().filter(s => !s.isStopping && s.id !== id).length;
			io.out(
				change === 'removed'
					? `sms-dash worker: sender #${id} was removed from the dashboard (${left} left here)\n`
					: `sms-dash worker: sender #${id} re-tuned from the dashboard: ${describeSpec(spec)}\n`,
			);
		},
	});

	const status = () => `sent ${formatCount(host.sent)} · failed ${formatCount(host.failed)} · in flight ${host.inFlight}`;
	let ticker: ReturnType<typeof setInterval> | undefined;
	let isEnded = false;
	return {
		async start() {
			const ids: number[] = [];
			for (let i = 0; i < plan.count && !isEnded; i++) ids.push(await host.addSender(plan.spec));
			if (isEnded) return;
			io.out(`sms-dash worker: ${plan.count} sender${plan.count === 1 ? '' : 's'} (${idList(ids)}) on ${target.display} queue "${plan.queue}": ${describeSpec(plan.spec)}\n`);
			let lastStatus = '';
			ticker = setInterval(() => {
				const line = status();
				if (line !== lastStatus) io.out(`sms-dash worker: ${line}\n`);
				lastStatus = line;
			}, statusEveryMs);
		},
		hurry() {
			io.out('sms-dash worker: handing the messages in flight back to the queue\n');
			host.handBackAll();
		},
		async finish(ending) {
			isEnded = true;
			clearInterval(ticker);
			if (ending === 'done') io.out('sms-dash worker: every sender here was removed from the dashboard\n');
			else {
				const inFlight = host.inFlight;
				io.out(`sms-dash worker: stopping${inFlight > 0 ? `: ${inFlight} in flight finish or go back to the queue (Ctrl+C again: hand them back now)` : ''}\n`);
			}

			const last = status();
			await host.close({graceMs: 3000});
			io.out(`sms-dash worker: stopped: ${last.replace(/ · in flight \d+$/, '')}${host.handedBack > 0 ? ` · handed back ${host.handedBack}` : ''}\n`);
			return {code: 0};
		},
	};
}

function describeSpec(spec: SenderSpec): string {
	const extras = [
		spec.maxWaitMs === undefined ? undefined : `max wait ${formatMs(spec.maxWaitMs)}`,
		spec.failoverMs === undefined || spec.failoverMs === 0 ? undefined : `failover ${formatMs(spec.failoverMs)}`,
		spec.window === undefined ? undefined : `window ${spec.window}`,
		spec.rate === undefined ? undefined : `rate ${spec.rate}/s`,
		spec.price === undefined ? undefined : `price ${spec.price}`,
	].filter(extra => extra !== undefined);
	return [`${spec.distribution} mean ${formatMs(spec.meanMs)}, failure rate ${spec.failureRate}`, ...extras].join(', ');
}
