// A failed write (a full disk, a failing device, a closed stream) in words: one line, no
// stack. Imports nothing, so the lifecycle can load first.

const writeReasons: Record<string, string> = {
	ENOSPC: 'no space left on the device',
	EDQUOT: 'over the disk quota',
	EIO: 'input/output error',
	EACCES: 'permission denied',
	EPERM: 'permission denied',
	EFBIG: 'the file is too large',
	EROFS: 'a read-only file system',
	ENXIO: 'no such device: no terminal?',
};

/** `no space left on the device`: a failed write in words, one line, no stack. */
export function describeWriteError(error: unknown): string {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	return (code === undefined ? undefined : writeReasons[code]) ?? (error instanceof Error ? error.message.split('\n')[0]! : String(error));
}
