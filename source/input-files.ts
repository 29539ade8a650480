// What the command line reads and writes as files, checked before a run: inputs read only
// when they are regular files of a sane size, outputs that can be written and that never
// land on an input or on each other (compared by real path: symlinks, `./x` and `x`).
import {accessSync, closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, readlinkSync, realpathSync, statSync, type Stats} from 'node:fs';
import {basename, dirname, join, resolve} from 'node:path';
import {ConfigError} from './config/error.js';

/** A config file or a --script: a few kB in practice; more is not a settings file. */
export const inputCap = 1024 * 1024;
/**
 * A --report for --replay lists every sender (at most 100,000, ~200 bytes each) and every
 * change the run saw: 64 MiB holds that with room, and JSON.parse reads it in about a second.
 */
export const reportCap = 64 * 1024 * 1024;

/**
 * A file's text, read only when it is a regular file no larger than `cap` bytes: a FIFO,
 * a device (/dev/zero) or a directory is refused at once (opened without waiting for a writer).
 * Throws an Error whose message says why, or Node's error with its `code`.
 */
export function readInput(path: string, cap: number): string {
	const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
	try {
		const stats = fstatSync(fd);
		if (stats.isDirectory()) throw Object.assign(new Error('it is a directory'), {code: 'EISDIR'});
		if (!stats.isFile()) throw new Error(`it is ${kindOf(stats)}, not a regular file`);
		if (stats.size > cap) throw new Error(`it is ${formatBytes(stats.size)}, more than the limit of ${formatBytes(cap)}`);
		const text = readFileSync(fd, 'utf8');
		if (Buffer.byteLength(text) > cap) throw new Error(`it grew past the limit of ${formatBytes(cap)}`);
		return text;
	} finally {
		closeSync(fd);
	}
}

function kindOf(stats: Stats): string {
	if (stats.isFIFO()) return 'a FIFO (named pipe)';
	if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
	if (stats.isSocket()) return 'a socket';
	return 'a special file';
}

const formatBytes = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB` : `${bytes} bytes`);

/**
 * Where a path really leads: the file's real path, or (when it does not exist yet) its real
 * folder and its name, following a symlink that points at a file still to be made.
 */
function realPathOf(path: string): string {
	let full = resolve(path);
	for (let hops = 0; hops < 40; hops++) {
		try {
			return realpathSync(full);
		} catch {
			let link: string | undefined;
			try {
				link = lstatSync(full).isSymbolicLink() ? readlinkSync(full) : undefined;
			} catch {
				link = undefined;
			}

			if (link === undefined) break;
			full = resolve(dirname(full), link);
		}
	}

	try {
		return join(realpathSync(dirname(full)), basename(full));
	} catch {
		return full;
	}
}

/** `device:inode` of an existing regular file (after symlinks), or undefined. */
function inodeOf(path: string): string | undefined {
	try {
		const stats = statSync(path, {throwIfNoEntry: false, bigint: true});
		return stats?.isFile() === true ? `${stats.dev}:${stats.ino}` : undefined;
	} catch {
		return undefined;
	}
}

/** A flag and the path it names; undefined when not given. */
export type NamedPath = readonly [flag: string, path: string | undefined];

/**
 * Refuses an output that would overwrite an input or another output, compared by real path.
 * @throws {ConfigError} one line naming both flags
 */
export function checkDistinct(outputs: readonly NamedPath[], inputs: readonly NamedPath[]): void {
	const seen: Array<{flag: string; path: string; real: string; inode: string | undefined; isInput: boolean}> = [];
	for (const [flag, path] of inputs) if (path !== undefined) seen.push({flag, path, real: realPathOf(path), inode: inodeOf(path), isInput: true});
	for (const [flag, path] of outputs) {
		if (path === undefined) continue;
		const real = realPathOf(path);
		const inode = inodeOf(path);
		// A hard link is the same file under another real path: its device and inode say so.
		const clash = seen.find(other => other.real === real || (inode !== undefined && other.inode === inode));
		if (clash !== undefined) {
			const what = clash.isInput ? `the ${clash.flag} file would be overwritten` : `${flag} would overwrite what ${clash.flag} writes`;
			throw new ConfigError(`${flag} and ${clash.flag} name the same file ${JSON.stringify(path)}: ${what}`);
		}

		seen.push({flag, path, real, inode, isInput: false});
	}
}

/** Fails before the run when an output file could not be written at the end. */
export function checkWritable(flag: string, path: string | undefined): void {
	if (path === undefined) return;
	const full = resolve(path);
	try {
		const stats = statSync(full, {throwIfNoEntry: false});
		if (stats?.isDirectory()) throw new Error('it is a directory');
		// A FIFO or socket blocks the final write until someone reads it (and a stalled
		// reader would hold the run): outputs are files. A device must open now (/dev/tty with no terminal does not).
		if (stats !== undefined && (stats.isFIFO() || stats.isSocket() || stats.isBlockDevice())) throw new Error(`it is ${kindOf(stats)}, not a regular file`);
		if (stats?.isCharacterDevice()) closeSync(openSync(full, constants.O_WRONLY | constants.O_NONBLOCK));
		try {
			accessSync(full, constants.W_OK);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
			accessSync(dirname(full), constants.W_OK);
		}
	} catch (error) {
		const reason = error instanceof Error && !('code' in error) ? error.message : describeFsError(error);
		throw new ConfigError(`${flag} ${path}: cannot write there (${reason})`);
	}
}

function describeFsError(error: unknown): string {
	const code = (error as NodeJS.ErrnoException).code;
	if (code === 'ENXIO') return 'no such device: no terminal?';
	if (code === 'ENOENT') return 'no such folder';
	if (code === 'ENOTDIR') return 'a part of the path is a file, not a folder';
	if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
	return code ?? String(error);
}
