// The key hints: the commonest keys from the key table that fit the width, always
// ending with "? help  q quit" ("? more keys" when some were left out); without the speed
// keys when the run's clock cannot change speed. Space says "resume" while paused and is
// gone once done. The window and rate keys are offered in a run that uses them.
import {Text} from 'ink';
import type {Snapshot} from '../engine/types.js';
import {runningSenders} from '../store.js';
import {footerText} from './keymap.js';
import {useRunView} from './run-view.js';
import {useTheme} from './theme.js';
import {useDash} from './use-dash.js';

const modelBySnap = new WeakMap<Snapshot, boolean>();

/** Some running sender has a window above 1 or a rate cap (kept per snapshot: it reads every sender). */
export function usesSenderModel(snap: Snapshot): boolean {
	let uses = modelBySnap.get(snap);
	if (uses === undefined) {
		uses = runningSenders(snap).some(sender => (sender.spec.window ?? 1) > 1 || sender.spec.rate !== undefined);
		modelBySnap.set(snap, uses);
	}

	return uses;
}

export function Footer({columns}: {columns: number}) {
	const theme = useTheme();
	const {gatewayRate} = useRunView();
	const hasModelKeys = useDash(s => gatewayRate !== undefined || usesSenderModel(s.snap));
	const canChangeSpeed = useDash(s => s.run.canChangeSpeed);
	const canTuneSends = useDash(s => s.run.canTuneSends);
	const isPaused = useDash(s => s.run.isPaused);
	const isDone = useDash(s => s.run.isDone);
	return (
		<Text wrap="truncate-end" color={theme.muted}>
			{footerText(columns, {canChangeSpeed, canTuneSends, isPaused, isDone, hasModelKeys})}
		</Text>
	);
}
