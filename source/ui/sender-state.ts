// A sender row's state column, in one table: what each state reads as and in which colour.
// A new state (an SMPP bind's binding / bound / reconnecting) is one entry here and one
// line in rowStateOf(). Pure: no React.
import type {SenderSnapshot} from '../engine/types.js';
import {formatCount} from '../format.js';
import {formatCountdown} from './text.js';
import type {ColorName, Theme} from './theme.js';

/** What a row says a sender is doing. */
export type RowState = 'idle' | 'sending' | 'resting' | 'paused' | 'gone' | 'removed' | 'binding' | 'bound' | 'reconnecting';

type Tone = 'plain' | 'muted' | 'warn' | 'bad';

interface StateLook {
	/** The words; a resting sender counts down. */
	text(sender: SenderSnapshot): string;
	tone: Tone;
}

const looks: Record<RowState, StateLook> = {
	idle: {text: () => 'idle', tone: 'muted'},
	sending: {text: () => 'sending', tone: 'plain'},
	resting: {text: sender => `resting ${formatCountdown(sender.restLeftMs)}`, tone: 'warn'},
	// The simulated clock stands still, so does every sender.
	paused: {text: () => 'paused', tone: 'warn'},
	// Broker mode: its worker stopped heartbeating (killed, or cut off); it may come back.
	gone: {text: () => 'gone', tone: 'bad'},
	removed: {text: () => 'removed', tone: 'muted'},
	// SMPP binds (--smpp): a bound one says its messages awaiting receipts and its throttled submits.
	binding: {text: () => 'binding', tone: 'warn'},
	bound: {text: boundText, tone: 'plain'},
	reconnecting: {text: () => 'reconnecting', tone: 'warn'},
};

/** "bound 12 rcpt 3 thr": a bound SMPP bind, its messages awaiting receipts and its throttled submits. */
function boundText(sender: SenderSnapshot): string {
	const pending = (sender.bind?.receiptsPending ?? 0) > 0 ? ` ${formatCount(sender.bind!.receiptsPending)} rcpt` : '';
	const throttled = sender.throttled > 0 ? ` ${formatCount(sender.throttled)} thr` : '';
	return `bound${pending}${throttled}`;
}

/** The widest state text a row shows ("resting 2m05s"). */
export const stateWidth = 13;

/** The state a row shows; `isPaused`: the run's simulated clock is paused. */
export function rowStateOf(sender: SenderSnapshot, isPaused = false): RowState {
	if (sender.isGone === true) return 'gone';
	if (sender.state === 'removed') return 'removed';
	if (isPaused) return 'paused';
	if (sender.state === 'resting' || sender.bind === undefined) return sender.state;
	return sender.bind.state === 'closed' ? 'removed' : sender.bind.state;
}

/** A sender's state in words. */
export function stateText(sender: SenderSnapshot, isPaused = false): string {
	return looks[rowStateOf(sender, isPaused)].text(sender);
}

/** The state's colour in a theme. */
export function stateColor(sender: SenderSnapshot, theme: Theme, isPaused = false): ColorName | undefined {
	const {tone} = looks[rowStateOf(sender, isPaused)];
	return tone === 'plain' ? undefined : theme[tone];
}
