// A worker thread of `sms-dash size`: runs seeded simulations to completion on request.
import {parentPort} from 'node:worker_threads';
import {runToCompletion, type SizeQuery} from './search.js';

export interface SizeRequest {
	id: number;
	query: SizeQuery;
	senders: number;
	runIndex: number;
}

parentPort?.on('message', (request: SizeRequest) => {
	const completionMs = runToCompletion(request.query, request.senders, request.runIndex);
	parentPort!.postMessage({id: request.id, completionMs});
});
