// The dashboard's root: providers (store, theme), the one key handler, and the layout
// that shares the terminal's rows out so the frame always stays shorter than the screen.
import {Box, Text} from 'ink';
import {useMemo} from 'react';
import type {Threshold} from '../settings.js';
import {listedSenders, type DashStore} from '../store.js';
import {Footer} from './footer.js';
import {Header} from './header.js';
import {HelpOverlay} from './help-overlay.js';
import {RunViewContext, useRunView, type RunView} from './run-view.js';
import {planLayout} from './layout.js';
import {listWindow, SenderList} from './sender-list.js';
import {createTheme, ThemeContext, useTheme, type Theme} from './theme.js';
import {ThresholdList, thresholdNaturalLines} from './threshold-list.js';
import {Totals, totalsCellCountOf, totalsNaturalLines} from './totals.js';
import {StoreContext, useDash} from './use-dash.js';
import {useKeymap} from './use-keymap.js';
import {useTerminalSize} from './use-terminal-size.js';

export interface AppProps {
	store: DashStore;
	/** The run's seed, for the header. */
	seed: number;
	/** --threshold rules, judged live. */
	thresholds?: readonly Threshold[];
	/** Quit (0) or interrupt (130): the caller ends the run. */
	onExit?: (code: number) => void;
	/** Colours; by default from the environment (NO_COLOR). */
	theme?: Theme;
	/** The gateway's cap, segments per simulated second (--gateway-rate). */
	gatewayRate?: number | undefined;
	/** Delivery receipts are on (--delivery). */
	hasReceipts?: boolean;
	/** The monitor period, simulated ms. @default 1000 */
	intervalMs?: number;
}

const noThresholds: readonly Threshold[] = [];
const ignoreExit = () => {
	// Rendered without a caller that can end the run (a test of layout only).
};

export function App({store, seed, thresholds = noThresholds, onExit = ignoreExit, theme, gatewayRate, hasReceipts = false, intervalMs = 1000}: AppProps) {
	const resolvedTheme = useMemo(() => theme ?? createTheme(), [theme]);
	const view = useMemo<RunView>(() => ({gatewayRate, hasReceipts, intervalMs}), [gatewayRate, hasReceipts, intervalMs]);
	return (
		<StoreContext.Provider value={store}>
			<ThemeContext.Provider value={resolvedTheme}>
				<RunViewContext.Provider value={view}>
					<Screen seed={seed} thresholds={thresholds} onExit={onExit} />
				</RunViewContext.Provider>
			</ThemeContext.Provider>
		</StoreContext.Provider>
	);
}

interface ScreenProps {
	seed: number;
	thresholds: readonly Threshold[];
	onExit: (code: number) => void;
}

function Screen({seed, thresholds, onExit}: ScreenProps) {
	const theme = useTheme();
	const {columns, rows} = useTerminalSize();
	const isHelpOpen = useDash(s => s.ui.isHelpOpen);
	const senderCount = useDash(s => listedSenders(s.snap).length);
	const selected = useDash(s => s.ui.selected);
	const note = useDash(s => s.notes.at(-1));
	const {gatewayRate, hasReceipts} = useRunView();
	const totalsCells = useDash(s => totalsCellCountOf(s.snap, {gatewayRate, hasReceipts}));
	const layout = planLayout({
		rows,
		totalsLines: totalsNaturalLines(columns, totalsCells),
		thresholdLines: thresholdNaturalLines(thresholds, columns),
		senderCount,
		hasNote: note !== undefined,
	});
	const pageSize = listWindow(senderCount, selected, layout.listLines).count;
	useKeymap({exit: onExit, pageSize});
	if (isHelpOpen) {
		return (
			<Box flexDirection="column" width={columns}>
				<HelpOverlay columns={columns} lines={layout.maxLines} totalsCells={totalsCells} />
			</Box>
		);
	}

	return (
		<Box flexDirection="column" width={columns}>
			<Header seed={seed} columns={columns} />
			<Totals columns={columns} maxLines={layout.totalsLines} showBar={layout.barLines > 0} />
			<ThresholdList thresholds={thresholds} columns={columns} lines={layout.thresholdLines} />
			{layout.spacerLines > 0 ? <Text> </Text> : null}
			{layout.listLines > 0 ? <SenderList columns={columns} lines={layout.listLines} /> : null}
			{layout.noteLines > 0 && note !== undefined ? (
				<Text wrap="truncate-end" color={theme.warn}>
					{`note: ${note}`}
				</Text>
			) : null}
			{layout.footerLines > 0 ? <Footer columns={columns} /> : null}
		</Box>
	);
}
