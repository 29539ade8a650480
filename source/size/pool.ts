// Spreads `size` runs over worker threads so every core works. Each run is a whole
// seeded simulation, so results do not depend on which thread ran it.
import {availableParallelism} from 'node:os';
import {Worker} from 'node:worker_threads';
import type {RunCompletion, SizeQuery} from './search.js';
import type {SizeRequest} from './worker.js';

/** The thread's own file in dist/ (scripts/build.mjs bundles worker.ts there as size-worker.js). */
const workerUrl = new URL('size-worker.js', import.meta.url);

export interface Pool {
	run: RunCompletion;
	close(): Promise<void>;
}

export function createPool(query: SizeQuery, threads = availableParallelism()): Pool {
	const workers = Array.from({length: Math.max(1, threads)}, () => new Worker(workerUrl));
	const waiting = new Map<number, {resolve: (completionMs: number) => void; reject: (error: Error) => void}>();
	const idle = [...workers];
	const queue: SizeRequest[] = [];
	let nextId = 0;
	const pump = () => {
		while (idle.length > 0 && queue.length > 0) idle.pop()!.postMessage(queue.shift()!);
	};

	for (const worker of workers) {
		worker.on('message', ({id, completionMs}: {id: number; completionMs: number}) => {
			idle.push(worker);
			waiting.get(id)?.resolve(completionMs);
			waiting.delete(id);
			pump();
		});
		worker.on('error', error => {
			for (const {reject} of waiting.values()) reject(error);
			waiting.clear();
		});
	}

	return {
		run: (senders, runIndex) =>
			new Promise((resolve, reject) => {
				const id = nextId++;
				waiting.set(id, {resolve, reject});
				queue.push({id, query, senders, runIndex});
				pump();
			}),
		async close() {
			await Promise.all(workers.map(async w => w.terminate()));
		},
	};
}
