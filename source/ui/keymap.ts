// The one key table. Dispatch (use-keymap.ts), the help overlay and the footer all read
// it, so they cannot drift apart. A binding calls store actions or asks to exit; it
// never touches the engine. Pure: no React here.
import type {Key} from 'ink';
import type {DashActions} from '../store.js';
import {cut, fitByRank} from './text.js';

/** What a binding may do. */
export interface KeyContext {
	actions: DashActions;
	/** Ends the dashboard: 0 for quit, 130 for an interrupt. */
	exit(code: number): void;
	/** Sender rows on screen, for PgUp/PgDn. */
	pageSize: number;
	/** Clears the terminal and draws the frame again (Ctrl+L). */
	redraw(): void;
}

export interface KeyBinding {
	/** Key names as keyName() gives them: a character, or 'up', 'escape', 'ctrl+c', … */
	keys: readonly string[];
	/** How help shows the keys. */
	label: string;
	/** One line for help. */
	help: string;
	/** A word or two, for help on a small screen. */
	brief: string;
	/** Shown in the footer: `label text`; lower rank stays longer when space is short. */
	footer?: {
		label?: string;
		text: string;
		rank: number;
		/** The text while the run is paused (space says "resume"). */
		pausedText?: string;
		/** Left out once every message is finished (nothing to pause). */
		isHiddenWhenDone?: boolean;
		/** The rank once every message is finished (`n` is then what is left to do). */
		doneRank?: number;
		/** The text when some keys did not fit (`? more keys`). */
		cutText?: string;
		/** Shown only in a run that uses the delivery model (a window, a rate or a gateway cap). */
		isModelKey?: boolean;
	};
	/** Kept at the end of the footer whatever the width (`? help  q quit`). */
	isFooterTail?: boolean;
	/** Changes the clock's speed: left out of help and footer when the run's clock cannot (broker mode). */
	isSpeedKey?: boolean;
	/** Changes a sender's send time or failure rate: left out when an SMSC decides them (SMPP mode). */
	isSendKey?: boolean;
	/** `key` is the name pressed, for bindings with more than one meaning. */
	run(context: KeyContext, key: string): void;
	/** What the key does while help is open; absent: nothing (help is a mode). */
	inHelp?(context: KeyContext): void;
}

/** `+` makes the mean this much shorter, `-` this much longer. */
export const meanFactor = {shorter: 0.8, longer: 1.25} as const;
/** `]` and `[` move the failure rate by this much. */
export const failureRateStep = 0.05;

export const keymap: readonly KeyBinding[] = [
	{
		keys: ['up', 'k'],
		label: '↑/k',
		help: 'select the sender above', brief: 'up',
		footer: {label: '↑↓', text: 'select', rank: 1},
		run: ({actions}) => actions.selectBy(-1),
	},
	{keys: ['down', 'j'], label: '↓/j', help: 'select the sender below', brief: 'down', run: ({actions}) => actions.selectBy(1)},
	{
		keys: ['home', 'g', 'end', 'G'],
		label: 'g/G',
		help: 'select the first / last sender (Home / End)', brief: 'first/last',
		run: ({actions}, key) => actions.select(key === 'g' || key === 'home' ? 0 : Number.MAX_SAFE_INTEGER),
	},
	{
		keys: ['pageup', 'pagedown'],
		label: 'PgUp/PgDn',
		help: 'select a page of senders up / down', brief: 'page',
		run: ({actions, pageSize}, key) => actions.selectBy(key === 'pageup' ? -Math.max(1, pageSize) : Math.max(1, pageSize)),
	},
	{
		keys: ['a'],
		label: 'a',
		help: 'add a sender (a copy of the selected one) and select it', brief: 'add',
		footer: {text: 'add', rank: 2},
		run({actions}) {
			actions.addSender();
			// The new sender is the last running one: the next key acts on it.
			actions.select(Number.MAX_SAFE_INTEGER);
		},
	},
	{
		keys: ['d', 'x'],
		label: 'd/x',
		help: 'remove the selected sender (its message is requeued)', brief: 'remove',
		footer: {label: 'x', text: 'remove', rank: 3},
		run: ({actions}) => actions.removeSelected(),
	},
	{
		keys: ['+', '='],
		label: '+/=',
		help: `selected sender: faster (mean send time ×${meanFactor.shorter})`, brief: 'sender faster',
		footer: {label: '+/-', text: 'faster/slower', rank: 5},
		isSendKey: true,
		run: ({actions}) => actions.scaleMean(meanFactor.shorter),
	},
	{
		keys: ['-'],
		label: '-',
		help: `selected sender: slower (mean send time ×${meanFactor.longer})`, brief: 'sender slower',
		isSendKey: true,
		run: ({actions}) => actions.scaleMean(meanFactor.longer),
	},
	{
		keys: [']'],
		label: ']',
		help: `selected sender: failure rate +${failureRateStep}`, brief: 'fail+',
		footer: {label: '[/]', text: 'fail', rank: 6},
		isSendKey: true,
		run: ({actions}) => actions.changeFailureRate(failureRateStep),
	},
	{
		keys: ['['],
		label: '[',
		help: `selected sender: failure rate −${failureRateStep}`, brief: 'fail−',
		isSendKey: true,
		run: ({actions}) => actions.changeFailureRate(-failureRateStep),
	},
	{
		keys: ['w', 'W'],
		label: 'w/W',
		help: 'selected sender: smaller / larger window', brief: 'window',
		footer: {text: 'win', rank: 4.5, isModelKey: true},
		run: ({actions}, key) => actions.changeWindow(key === 'W' ? 1 : -1),
	},
	{
		keys: ['r', 'R'],
		label: 'r/R',
		help: 'selected sender: lower / higher rate cap', brief: 'rate',
		footer: {text: 'rate', rank: 4.6, isModelKey: true},
		run: ({actions}, key) => actions.changeRate(key === 'R' ? 1 : -1),
	},
	{
		keys: ['n'],
		label: 'n',
		help: 'produce 1,000 more messages', brief: 'more msgs',
		footer: {text: 'more', rank: 8, doneRank: 1},
		run: ({actions}) => actions.produceMore(),
	},
	{
		keys: ['>'],
		label: '>',
		help: 'faster simulated clock', brief: 'clock faster',
		footer: {label: '</>', text: 'speed', rank: 7},
		isSpeedKey: true,
		run: ({actions}) => actions.faster(),
	},
	{keys: ['<'], label: '<', help: 'slower simulated clock', brief: 'clock slower', isSpeedKey: true, run: ({actions}) => actions.slower()},
	{
		keys: ['space', 'p'],
		label: 'space/p',
		help: 'pause / resume', brief: 'pause',
		footer: {label: 'space', text: 'pause', pausedText: 'resume', isHiddenWhenDone: true, rank: 4},
		run: ({actions}) => actions.togglePause(),
	},
	{
		keys: ['?'],
		label: '?',
		help: 'open / close this help', brief: 'help',
		footer: {text: 'help', cutText: 'more keys', rank: 0},
		isFooterTail: true,
		run: ({actions}) => actions.toggleHelp(),
		inHelp: ({actions}) => actions.closeHelp(),
	},
	{
		keys: ['escape'],
		label: 'Esc',
		help: 'close help', brief: 'close',
		run() {
			// Nothing to close outside help.
		},
		inHelp: ({actions}) => actions.closeHelp(),
	},
	{
		keys: ['q'],
		label: 'q',
		help: 'quit (in help: close help); the summary follows', brief: 'quit',
		footer: {text: 'quit', rank: 0},
		isFooterTail: true,
		run: ({exit}) => exit(0),
		inHelp: ({actions}) => actions.closeHelp(),
	},
	{
		keys: ['ctrl+l'],
		label: 'Ctrl+L',
		help: 'redraw the screen (after something else wrote on it)', brief: 'redraw',
		run: ({redraw}) => redraw(),
		inHelp: ({redraw}) => redraw(),
	},
	{
		keys: ['ctrl+c'],
		label: 'Ctrl+C',
		help: 'interrupt (exit 130); the summary follows', brief: 'interrupt',
		run: ({exit}) => exit(130),
		// An interrupt is not a command: it works in help too.
		inHelp: ({exit}) => exit(130),
	},
];

const byKey = new Map<string, KeyBinding>();
for (const binding of keymap) for (const key of binding.keys) byKey.set(key, binding);

/** The binding a key name runs, if any. */
export function bindingFor(name: string): KeyBinding | undefined {
	return byKey.get(name);
}

/**
 * Ink's (input, key) as the key names the table uses, one per key press. A chunk of
 * plain characters (typed fast, or pasted) gives one name per character.
 */
export function keyNames(input: string, key: Key): string[] {
	if (key.ctrl && input === 'c') return ['ctrl+c'];
	if (key.ctrl && input === 'l') return ['ctrl+l'];
	if (key.upArrow) return ['up'];
	if (key.downArrow) return ['down'];
	if (key.pageUp) return ['pageup'];
	if (key.pageDown) return ['pagedown'];
	if (key.home) return ['home'];
	if (key.end) return ['end'];
	if (key.escape) return ['escape'];
	if (key.return || key.tab || key.backspace || key.delete || key.ctrl || key.leftArrow || key.rightArrow) return [];
	// A chunk read at once ("\u0003\u0003": two Ctrl+C, `q` and Ctrl+C) counts every key in it;
	// other control characters (Enter, Tab, …) name no key.
	return [...input].flatMap(char => {
		if (char === '\u0003') return ['ctrl+c'];
		if (char < ' ' || char === '\u007F') return [];
		return [char === ' ' ? 'space' : char];
	});
}

/**
 * Runs the binding for one key. While help is open only a binding's `inHelp` runs.
 * @returns whether a binding acted
 */
export function dispatch(name: string, isHelpOpen: boolean, context: KeyContext): boolean {
	const binding = bindingFor(name);
	if (binding === undefined) return false;
	if (isHelpOpen) {
		if (binding.inHelp === undefined) return false;
		binding.inHelp(context);
		return true;
	}

	binding.run(context, name);
	return true;
}

/** Which keys act in a run. */
export interface KeyScope {
	/** The run's clock can change speed (not on a wall clock: broker and SMPP mode): else no speed keys. @default true */
	canChangeSpeed?: boolean;
	/** The senders' send time and failure rate are theirs to change (not in SMPP mode, where the SMSC decides): else no keys for them. @default true */
	canTuneSends?: boolean;
}

/** The bindings that act in a run: all, or without those its clock or its senders cannot take. */
function activeBindings({canChangeSpeed = true, canTuneSends = true}: KeyScope): readonly KeyBinding[] {
	if (canChangeSpeed && canTuneSends) return keymap;
	return keymap.filter(binding => (canChangeSpeed || !binding.isSpeedKey) && (canTuneSends || !binding.isSendKey));
}

/** What the footer depends on besides the width. */
export interface FooterState extends KeyScope {
	isPaused?: boolean;
	isDone?: boolean;
	/** The run uses the delivery model (a window, a rate or a gateway cap): its keys are offered. */
	hasModelKeys?: boolean;
}

interface FooterItem {
	text: string;
	rank: number;
	/** The text when some body items were left out. */
	cutText: string;
}

/** The footer's items, in table order, with the tail (`? help  q quit`) last. */
export function footerItems({isPaused = false, isDone = false, hasModelKeys = false, ...scope}: FooterState = {}): {body: FooterItem[]; tail: FooterItem[]} {
	const body: FooterItem[] = [];
	const tail: FooterItem[] = [];
	for (const binding of activeBindings(scope)) {
		const {footer} = binding;
		if (footer === undefined || (isDone && footer.isHiddenWhenDone) || (footer.isModelKey && !hasModelKeys)) continue;
		const label = footer.label ?? binding.label;
		const text = `${label} ${isPaused && !isDone ? (footer.pausedText ?? footer.text) : footer.text}`;
		const rank = isDone ? (footer.doneRank ?? footer.rank) : footer.rank;
		const item = {text, rank, cutText: footer.cutText === undefined ? text : `${label} ${footer.cutText}`};
		if (binding.isFooterTail) tail.push(item);
		else body.push(item);
	}

	return {body, tail};
}

const footerGap = '  ';

/**
 * The footer line for a width: the commonest keys that fit, then `? help  q quit`, which
 * says `? more keys` when some keys were left out. The tail is kept whole; when even it
 * does not fit, the line is cut at the width.
 */
export function footerText(columns: number, state: FooterState = {}): string {
	const {body, tail} = footerItems(state);
	const fullTail = tail.map(item => item.text).join(footerGap);
	const everything = [...body.map(item => item.text), fullTail].join(footerGap);
	if (everything.length <= columns) return everything;
	const tailText = tail.map(item => item.cutText).join(footerGap);
	// Every key kept brings a gap before the tail, which is always there.
	const kept = fitByRank(body, columns - tailText.length, item => item.text.length + footerGap.length, 0, true);
	const line = [...kept.map(item => item.text), tailText].join(footerGap);
	return cut(line, columns);
}

/** Help's rows, in table order. */
export function helpRows(scope: KeyScope = {}): Array<{label: string; help: string; brief: string}> {
	return activeBindings(scope).map(({label, help, brief}) => ({label, help, brief}));
}
