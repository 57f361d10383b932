/**
 * A session's raw output, appended to `<dir>/<session>.log` so it outlives ptyd. The file is
 * rotated to `.log.1` past a size, so a session keeps at most about twice that on disk. Writes
 * go through a stream and never hold up reading the PTY: if the disk falls behind by more than
 * MAX_PENDING bytes, output is skipped and a gap marker is written once the disk has caught up.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SESSION_LOG_GAP_MARKER, SESSION_LOG_ROTATE_BYTES, sessionLogFiles } from '../shared/ptyd-protocol';

/** Bytes handed to the streams and not yet on disk, past which output is skipped. */
const MAX_PENDING = 4 * 1024 * 1024;
const GAP_MARKER = new TextEncoder().encode(SESSION_LOG_GAP_MARKER);

export interface SessionLogOptions {
  dir: string;
  session: string;
  rotateBytes?: number;
  /** Told once when the log cannot be written any more (disk full, folder gone). */
  onError?: (err: Error) => void;
}

export class SessionLog {
  private readonly file: string;
  private readonly previous: string;
  private readonly rotateBytes: number;
  private stream: fs.WriteStream | null;
  /** Bytes in the current file, counting those still on their way. */
  private size: number;
  private pending = 0;
  private gap = false;
  private failed = false;

  constructor(private readonly options: SessionLogOptions) {
    const names = sessionLogFiles(options.session);
    this.file = path.join(options.dir, names.current);
    this.previous = path.join(options.dir, names.previous);
    this.rotateBytes = options.rotateBytes ?? SESSION_LOG_ROTATE_BYTES;
    this.size = 0;
    this.stream = null;
    this.open();
  }

  write(chunk: Uint8Array): void {
    if (!this.stream) return;
    // Once skipping, keep skipping until the hole is marked: output written in between would sit
    // on the wrong side of the marker, as if nothing were missing before it.
    if (this.gap || this.pending + chunk.length > MAX_PENDING) {
      this.gap = true;
      return;
    }
    this.append(chunk);
  }

  /** Flushes what is queued and closes the file; later output is not logged. */
  end(): void {
    this.stream?.end();
    this.stream = null;
  }

  private append(chunk: Uint8Array): void {
    if (this.size >= this.rotateBytes) this.rotate();
    const stream = this.stream;
    if (!stream) return;
    this.pending += chunk.length;
    this.size += chunk.length;
    stream.write(chunk, () => this.written(chunk.length));
  }

  private written(bytes: number): void {
    this.pending -= bytes;
    // Nothing was written while skipping, so the streams empty out; mark the hole once they have.
    if (this.gap && this.pending === 0) {
      this.gap = false;
      this.append(GAP_MARKER);
    }
  }

  /** The open stream keeps writing into the renamed file; new output starts a new one. */
  private rotate(): void {
    this.stream?.end();
    this.stream = null;
    try {
      fs.renameSync(this.file, this.previous);
    } catch (err) {
      this.fail(err);
      return;
    }
    this.open();
  }

  private open(): void {
    try {
      // Opened here, synchronously, so the file exists (and is 0600) before anything is renamed.
      const fd = fs.openSync(this.file, 'a', 0o600);
      fs.fchmodSync(fd, 0o600);
      this.size = fs.fstatSync(fd).size;
      const stream = fs.createWriteStream('', { fd });
      stream.on('error', (err) => this.fail(err));
      this.stream = stream;
    } catch (err) {
      this.fail(err);
    }
  }

  private fail(err: unknown): void {
    this.stream?.destroy();
    this.stream = null;
    if (this.failed) return;
    this.failed = true;
    this.options.onError?.(err instanceof Error ? err : new Error(String(err)));
  }
}
