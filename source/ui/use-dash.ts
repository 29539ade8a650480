// The store in React: a context that carries the one DashStore and useDash(selector).
// Selectors must return primitives or references the store already holds; a selector
// that builds a new object or array makes zustand v5 loop (use useShallow for tuples).
import {createContext, useContext} from 'react';
import {useStore} from 'zustand';
import type {DashActions, DashState, DashStore} from '../store.js';

export const StoreContext = createContext<DashStore | undefined>(undefined);

export function useDashStore(): DashStore {
	const store = useContext(StoreContext);
	if (store === undefined) throw new Error('useDash needs <StoreContext.Provider> (render through <App>)');
	return store;
}

/** Reads a slice of the store and re-renders when it changes (by Object.is). */
export function useDash<T>(selector: (state: DashState) => T): T {
	return useStore(useDashStore(), selector);
}

/** The store's actions: one stable object for the store's lifetime. */
export function useActions(): DashActions {
	return useDash(selectActions);
}

function selectActions(state: DashState): DashActions {
	return state.actions;
}
