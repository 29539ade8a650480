// A delivery receipt's text, as SMPP 3.4 Appendix B lays it out ("id:… sub:… dlvrd:… submit
// date:… done date:… stat:… err:… text:…"): written by `sms-dash smsc`, read by SMPP senders.

/** The final states a receipt can report (stat:), and what each means for reach. */
export type ReceiptState = 'DELIVRD' | 'EXPIRED' | 'UNDELIV' | 'REJECTD' | 'DELETED' | 'UNKNOWN' | 'ACCEPTD';

export interface Receipt {
	/** The message id the SMSC gave in its submit_sm_resp. */
	id: string;
	state: ReceiptState;
	/** The network error code, three digits. */
	error: string;
}

const states = new Set<string>(['DELIVRD', 'EXPIRED', 'UNDELIV', 'REJECTD', 'DELETED', 'UNKNOWN', 'ACCEPTD']);

/** YYMMDDhhmm in UTC, the receipt's date format. */
function receiptDate(at: Date): string {
	const two = (value: number) => String(value).padStart(2, '0');
	return `${two(at.getUTCFullYear() % 100)}${two(at.getUTCMonth() + 1)}${two(at.getUTCDate())}${two(at.getUTCHours())}${two(at.getUTCMinutes())}`;
}

/** The receipt text for one message id. */
export function formatReceipt(receipt: Receipt, submittedAt: Date, doneAt: Date): string {
	const delivered = receipt.state === 'DELIVRD' ? '001' : '000';
	return `id:${receipt.id} sub:001 dlvrd:${delivered} submit date:${receiptDate(submittedAt)} done date:${receiptDate(doneAt)} stat:${receipt.state} err:${receipt.error} text:`;
}

/** The id, state and error of a receipt text; undefined when it is not one. */
export function parseReceipt(text: string): Receipt | undefined {
	const id = /(?:^|\s)id:(\S+)/i.exec(text)?.[1];
	const state = /(?:^|\s)stat:(\S+)/i.exec(text)?.[1]?.toUpperCase();
	if (id === undefined || state === undefined || !states.has(state)) return undefined;
	const error = /(?:^|\s)err:(\S+)/i.exec(text)?.[1] ?? '000';
	return {id, state: state as ReceiptState, error};
}
