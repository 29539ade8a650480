// Rows of eight doubles in blocks of one Float64Array, for objects the engine keeps by the
// thousand (its senders). A double in an object's field is a heap number
// of its own: eight of them were eight more objects to allocate, mark and miss the cache
// on; in a row they are one cache line. Each engine has its own.

export const rowWidth = 8;
const rowsPerBlock = 1024;

export class Rows {
	private block = new Float64Array(0);
	private used = 0;

	/** A new row, all zero: its block and where the row starts in it. */
	take(): {block: Float64Array; row: number} {
		if (this.used === this.block.length) {
			this.block = new Float64Array(rowWidth * rowsPerBlock);
			this.used = 0;
		}

		const row = this.used;
		this.used += rowWidth;
		return {block: this.block, row};
	}
}
