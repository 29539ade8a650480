// The command line's vocabulary: meow flag definitions and help text for every command
// (DESIGN.md "Command line"); parse.ts turns argv into flags. Every valued flag is a string
// that the rules parse: meow's `number` type turns "abc" into null.
import type {AnyFlags, TypedFlags} from 'meow';
import {ConfigError, escapeText} from './error.js';

/**
 * A sender's keys as flags: the main command, `size` and `worker` all take them, and
 * sender-spec.ts reads them (the same keys as `--sender "..."` and a file's senders).
 */
export const senderFlags = {
	mean: {type: 'string'},
	failureRate: {type: 'string', shortFlag: 'f'},
	distribution: {type: 'string'},
	spread: {type: 'string'},
	maxWait: {type: 'string'},
	failover: {type: 'string'},
	window: {type: 'string'},
	rate: {type: 'string'},
	price: {type: 'string'},
	preset: {type: 'string'},
} as const satisfies AnyFlags;

/** The run's delivery keys as flags: the main command and `size` take them (config/delivery.ts reads them). */
export const deliveryFlags = {
	text: {type: 'string'},
	gatewayRate: {type: 'string'},
	backoff: {type: 'string'},
	invalid: {type: 'string'},
	delivery: {type: 'string'},
	validity: {type: 'string'},
} as const satisfies AnyFlags;

/** Flag definitions for `meow`; keys are camelCase and match `--kebab-case` on the command line. */
export const flags = {
	messages: {type: 'string', shortFlag: 'm'},
	senders: {type: 'string', shortFlag: 's'},
	...senderFlags,
	sender: {type: 'string', isMultiple: true},
	config: {type: 'string', shortFlag: 'c'},
	interval: {type: 'string', shortFlag: 'i'},
	retries: {type: 'string'},
	...deliveryFlags,
	seed: {type: 'string'},
	speed: {type: 'string'},
	headless: {type: 'boolean'},
	json: {type: 'boolean'},
	log: {type: 'string'},
	report: {type: 'string'},
	html: {type: 'string'},
	exitOnDone: {type: 'boolean'},
	threshold: {type: 'string', isMultiple: true},
	script: {type: 'string'},
	replay: {type: 'string'},
	broker: {type: 'string'},
	queue: {type: 'string'},
	abortOnFail: {type: 'boolean'},
	waitForWorkers: {type: 'string'},
	smpp: {type: 'string'},
	from: {type: 'string'},
	submitTimeout: {type: 'string'},
} as const satisfies AnyFlags;

/**
 * What meow returns for {@link flags}: strings, booleans and string arrays, undefined when
 * not given. Unknown flags (kept when `allowUnknownFlags` is true) show up as extra keys,
 * which resolveSettings refuses with a "did you mean".
 */
export type RawFlags = FlagsOf<typeof flags>;

/** What meow returns for a command's flag definitions, unknown flags as extra keys. */
export type FlagsOf<F extends AnyFlags> = Partial<TypedFlags<F>> & Readonly<Record<string, unknown>>;

/** The text `--help` prints under the package description. */
export const helpText = `
	Usage
	  $ sms-dash [options]

	Options
	  -m, --messages <n>          messages to produce (default 1000)
	  -s, --senders <n>           senders to start with (default 3; 0 with
	                              --broker)
	      --mean <duration>       their mean send time (default 100ms): "250ms",
	                              "1.5s" or seconds "0.2"
	  -f, --failure-rate <p>      their failure probability per attempt, 0..1
	                              (default 0.1)
	      --distribution <name>   gamma (default) | exponential | normal |
	                              lognormal | uniform | constant
	      --spread <duration>     their spread around the mean (default mean/2;
	                              not for constant, exponential)
	      --max-wait <duration>   the longest one attempt may take (default: no
	                              cap)
	      --failover <duration>   after a failed attempt the sender rests this
	                              long and the message goes back to the front of
	                              the queue (default off)
	      --window <n>            submits each may have unanswered at once, as an
	                              SMPP bind's window (default 1)
	      --rate <n|none>         submits per second each makes at most, evenly
	                              spaced (default none)
	      --price <n>             the price of one accepted segment (default 0)
	      --preset <kind>         typical figures, each overridden by its own
	                              flag: short-code (rate 100, window 10),
	                              toll-free (3, 1), long-code (1, 1), smpp (none,
	                              10)
	      --sender <spec>         one more sender with its own settings,
	                              repeatable:
	                              "mean=50ms,failure-rate=0.2,preset=smpp,count=3"
	                              (keys: mean, failure-rate, distribution, spread,
	                              max-wait, failover, window, rate, price, preset,
	                              count; a key left out takes the flag's value)
	  -c, --config <file>         YAML or JSON settings file; flags override it
	  -i, --interval <seconds>    monitor refresh period in simulated time
	                              (default 1)
	      --retries <n>           extra attempts after a failed attempt, 0..100
	                              (default 0)
	      --seed <n>              seed for a reproducible run, 0..4294967295
	      --speed <x|max>         simulated seconds per wall second, from 0.001
	                              (default 1)
	      --headless              lines instead of the dashboard; automatic when
	                              stdout or stdin is not a terminal, TERM=dumb, or
	                              CI is set (--no-headless: the dashboard even
	                              with CI set)
	      --json                  with --headless: one JSON object per line
	      --log <file>            every message's outcome as one JSON line
	      --report <file>         the final summary as JSON, written to a file
	      --html <file>           a report to look at: one offline HTML page with
	                              charts
	      --exit-on-done          close the dashboard once every message is
	                              finished

	Real SMS delivery (each optional; left out, a run is as before)
	      --text <text|@file>     the alert every recipient gets (@file: read from
	                              a file, trailing line breaks dropped). Segments
	                              follow GSM 03.38: 160 GSM-7 or 70 UCS-2
	                              characters in one, 153 or 67 a segment when
	                              longer; each segment is a submit (default:
	                              random text of 1 segment)
	      --gateway-rate <n>      segments per second the gateway all senders
	                              share accepts; a submit beyond it is throttled
	                              and submitted again (default none)
	      --backoff <duration>    the wait after a throttled submit (default 1s)
	      --invalid <p>           share of numbers that cannot receive: they fail
	                              at once and are never retried, 0..1 (default 0)
	      --delivery <spec>       delivery receipts after acceptance, such as
	                              "mean=8s,distribution=lognormal" or
	                              "mean=8s,spread=2s,undelivered=0.02" (mean
	                              required; distribution gamma and undelivered 0
	                              by default)
	      --validity <duration>   an undelivered message expires after it (default
	                              48h)

	Answers for CI and planning
	      --threshold <expr>      a pass/fail rule on the final figures,
	                              repeatable; exit 3 when one is crossed:
	                              "p95<250ms", "avg<=120ms", "failed<5%",
	                              "failed<=40", "throughput>400/s", "elapsed<10m",
	                              "reach95<2m", "cost<=4000" (metrics: avg e2e p50
	                              p95 p99 failed sent throughput elapsed reach50
	                              reach95 reach99 delivered throttled cost)
	      --abort-on-fail         end the run (summary, exit 3) as soon as a rule
	                              can no longer pass
	      --script <file>         a timeline of runtime changes at simulated times
	                              (YAML or JSON): [{at: 30s, tune: {sender: 2,
	                              failure_rate: 1}}, {at: 1m, more: 500}]
	      --replay <report>       rerun a --report exactly, at any speed: its
	                              seed, settings and every runtime change; with it
	                              give only --speed, --headless, --json, --log,
	                              --report, --html, --exit-on-done, more
	                              --threshold rules and --abort-on-fail

	Beyond one machine (Redis + BullMQ; real time only)
	      --broker <url>          redis://[:password@]host:port (or rediss://):
	                              produce into a queue and show the workers that
	                              take from it (this process runs senders too only
	                              when -s, --sender or --config ask)
	      --queue <name>          the queue's name (default sms-dash)
	      --wait-for-workers <duration>
	                              end the run (exit 1) when no worker has come for
	                              this long

	A real gateway (SMPP 3.4; real time only)
	      --smpp <url>            smpp://SYSTEM_ID:PASSWORD@HOST:PORT (or smpps://
	                              for TLS): each sender is a transceiver bind to
	                              that SMSC; --window and --rate are per bind, and
	                              the SMSC's answers and receipts decide the rest
	                              (--mean, --failure-rate, --invalid, --delivery,
	                              --gateway-rate and --speed are refused)
	      --from <address>        the source address (default ALERT)
	      --submit-timeout <duration>
	                              a submit unanswered this long is a temporary
	                              failure, retried per --retries (default 10s)

	Commands
	  $ sms-dash size --help      how many senders a broadcast needs
	  $ sms-dash worker --help    senders in this process, taking from a --broker
	                              queue
	  $ sms-dash smsc --help      a local SMSC to point SMPP clients at

	Exit codes
	  0 finished, 2 bad input, 3 a threshold was crossed, 130 interrupted, 1
	  anything else

	Examples
	  $ sms-dash -m 5000 -s 10 --speed 60
	  $ sms-dash -c senders.yaml --sender "mean=50ms,failure-rate=0.2,count=3"
	  $ sms-dash --headless --json --speed max --seed 42 --threshold "p95<250ms" \\
	      --report out.json
	  $ sms-dash --replay out.json --speed 10
	  $ sms-dash -m 500000 -s 20 --preset short-code --gateway-rate 1000 \\
	      --text @alert.txt --delivery "mean=8s,undelivered=0.02" --speed max
`;

/** `--mean` for `mean`, `--failure-rate` for `failureRate`, `-m` for a short flag's letter. */
export const flagLabel = (name: string) => (name.length === 1 ? `-${name}` : `--${name.replaceAll(/[A-Z]/g, letter => `-${letter.toLowerCase()}`)}`);

/** meow's own flags, handled by meow itself. */
export const meowFlags: ReadonlySet<string> = new Set(['help', 'version']);

/** A command: `sms-dash`, or one after it (`size`, `worker`, `smsc`). */
export interface Command<F extends AnyFlags> {
	/** undefined for the main command. */
	name: 'size' | 'worker' | 'smsc' | undefined;
	help: string;
	flags: F;
	/** Its help opens with its own description, not the package's. */
	hasOwnDescription?: boolean;
}

export const mainCommand: Command<typeof flags> = {name: undefined, help: helpText, flags};

/** What `sms-dash` prints instead of running: its help or its version (not an error; exit 0). */
export class TextRequest extends Error {
	override name = 'TextRequest';
	constructor(readonly text: string) {
		super('help or version asked for');
	}
}

/** `size` and `worker` take only their own flags: anything else is named and refused. */
export function refuseOtherFlags(command: Command<AnyFlags>, given: Readonly<Record<string, unknown>>): void {
	for (const name of Object.keys(given)) {
		if (!Object.hasOwn(command.flags, name) && !meowFlags.has(name)) {
			throw new ConfigError(`${escapeText(flagLabel(name))} is not an option of ${command.name ?? 'sms-dash'} (see sms-dash ${command.name === undefined ? '' : `${command.name} `}--help)`);
		}
	}
}
