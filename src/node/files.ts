// Node-only file helpers for the CLI: reading input files, writing output files atomically, appending log lines,
// reading stdin. Every failure a user can cause becomes a ParityError with one line that names the file and says
// what went wrong; the CLI prints it as `error: ...` and exits 2. Nothing in the library imports this file.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { ParityError } from '../core/errors.js';

/** Larger inputs than this are refused before reading: V8 cannot hold a string much over 512 MiB anyway. */
export const MAX_INPUT_BYTES = 256 * 2 ** 20;

/** A short, human reason for a file-system error ("no such file", "permission denied", ...). */
export function fsReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EROFS':
      return 'read-only file system';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    default: {
      const msg = err instanceof Error ? err.message : String(e);
      return msg.split('\n')[0];
    }
  }
}

/**
 * The whole text of a file. `what` names it in errors: readTextFile('d.txt', 'dataset file') fails with
 * "cannot read dataset file d.txt: no such file".
 */
export function readTextFile(file: string, what: string): string {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    throw new ParityError(`cannot read ${what} ${file}: ${fsReason(e)}`);
  }
  if (st.isDirectory()) throw new ParityError(`cannot read ${what} ${file}: it is a directory`);
  if (st.size > MAX_INPUT_BYTES) {
    throw new ParityError(`cannot read ${what} ${file}: it has ${mib(st.size)}, more than the ${mib(MAX_INPUT_BYTES)} supported`);
  }
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ParityError(`cannot read ${what} ${file}: ${fsReason(e)}`);
  }
}

const mib = (bytes: number): string => `${Math.ceil(bytes / 2 ** 20).toLocaleString('en-US')} MiB`;

/**
 * Checks, before any long work, that `file` can later be written: its directory exists and is a directory, and
 * `file` itself is not a directory. Writing can still fail later (disk full); writeFileAtomic reports that.
 */
export function checkWritable(file: string, what: string): void {
  const dir = path.dirname(path.resolve(file));
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch (e) {
    throw new ParityError(`cannot write ${what} ${file}: its directory ${path.dirname(file)} does not exist`);
  }
  if (!st.isDirectory()) throw new ParityError(`cannot write ${what} ${file}: ${path.dirname(file)} is not a directory`);
  try {
    if (fs.statSync(file).isDirectory()) throw new ParityError(`cannot write ${what} ${file}: it is a directory`);
  } catch (e) {
    if (e instanceof ParityError) throw e;
    // does not exist yet: fine
  }
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (e) {
    throw new ParityError(`cannot write ${what} ${file}: ${fsReason(e)} in ${path.dirname(file)}`);
  }
}

/**
 * Writes `text` to `file` so that `file` is either its old self or the complete new text, never half-written:
 * the text goes to `file.tmp-<pid>-<random>` in the same directory, is fsynced, then renamed over `file` (rename is
 * atomic within a file system; after a crash the name holds the old file or the whole new one). On any failure the
 * temporary file is removed and a ParityError names the file.
 */
export function writeFileAtomic(file: string, text: string, what = 'file'): void {
  // Math.random, not node:crypto, for the suffix: 'wx' already refuses an existing name, and loading node:crypto
  // cost every `train` about 4 ms.
  const tmp = `${file}.tmp-${process.pid}-${Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, '0')}`;
  let fd: number | null = null;
  try {
    fd = fs.openSync(tmp, 'wx', 0o644);
    fs.writeFileSync(fd, text, 'utf8');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(tmp, file);
  } catch (e) {
    if (fd !== null) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing; the first error is the one to report
      }
    }
    try {
      fs.unlinkSync(tmp);
    } catch {
      // never created, or already gone
    }
    throw new ParityError(`cannot write ${what} ${file}: ${fsReason(e)}`);
  }
  // No fsync of the directory: it would make the rename itself durable (a crash just after could otherwise leave
  // the old file), which nothing here needs; what matters, that the name never shows a half-written file, the
  // file's own fsync before the rename already gives. It cost `train` 0.3-5 ms on this disk.
}

/** A file of JSON lines, created (or emptied) when opened; each write appends one line synchronously. */
export interface LineLog {
  write(line: string): void;
  close(): void;
}

export function openLineLog(file: string, what = 'log file'): LineLog {
  let fd: number;
  try {
    fd = fs.openSync(file, 'w', 0o644);
  } catch (e) {
    throw new ParityError(`cannot write ${what} ${file}: ${fsReason(e)}`);
  }
  let open = true;
  return {
    write(line: string): void {
      if (!open) return;
      try {
        fs.writeSync(fd, line + '\n');
      } catch (e) {
        throw new ParityError(`cannot write ${what} ${file}: ${fsReason(e)}`);
      }
    },
    close(): void {
      if (!open) return;
      open = false;
      try {
        fs.closeSync(fd);
      } catch {
        // nothing useful to do
      }
    },
  };
}

/** All of standard input as text (at most MAX_INPUT_BYTES). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > MAX_INPUT_BYTES) throw new ParityError(`standard input is larger than the ${mib(MAX_INPUT_BYTES)} supported`);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Writes text to stdout and resolves once it is handed to the OS (respects back-pressure for large outputs). */
export function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (err) => (err ? reject(err) : resolve()));
  });
}
