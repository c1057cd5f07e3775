// The terminal side of every command's output: colours, visible widths, the one live line, shell quoting. Kept
// free of heavier imports (asciichart, the library) because main.ts and io.ts load it for every command.

// ---- colour ------------------------------------------------------------------------------------------------------

export interface Colors {
  enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  magenta(s: string): string;
  /** Raw ANSI codes for asciichart series ('' when colour is off). */
  code: { cyan: string; magenta: string; yellow: string };
}

/** Plain SGR codes; with colour off every function is the identity. */
export function makeColors(enabled: boolean): Colors {
  const wrap = (open: number, close: number) => (s: string) => (enabled ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return {
    enabled,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
    magenta: wrap(35, 39),
    code: enabled
      ? { cyan: '\x1b[36m', magenta: '\x1b[35m', yellow: '\x1b[33m' } // asciichart's own codes
      : { cyan: '', magenta: '', yellow: '' },
  };
}

/** Visible width of a string that may hold ANSI colour codes. */
export function visibleLength(s: string): number {
  return s.replace(ANSI, '').length;
}
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** Quotes arguments for a POSIX shell only where needed, so a printed command can be pasted back. */
export function shellJoin(args: string[]): string {
  return args.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * The one live display of every command: a status line redrawn in place (at most 10 times a second) with permanent
 * lines printed above it. On a stream that is not live (a file, a pipe, CI), the status is not drawn and only the
 * permanent lines are written.
 */
export class LiveLine {
  private text = '';
  private last = 0;
  private drawn = false;

  constructor(
    private readonly out: NodeJS.WritableStream & { columns?: number },
    readonly live: boolean,
  ) {}

  private draw(): void {
    const width = Math.max(20, (this.out.columns || 100) - 1);
    const shown = visibleLength(this.text) > width ? this.text.replace(ANSI, '').slice(0, width - 1) + '…' : this.text;
    this.out.write(`\r\x1b[2K${shown}`);
    this.drawn = true;
    this.last = Date.now();
  }

  /** The live status (live streams only); `force` draws now instead of at most every 100 ms. */
  update(text: string, force = false): void {
    this.text = text;
    if (this.live && (force || Date.now() - this.last > 100)) this.draw();
  }

  /** A permanent line: above the live line on a live stream, a plain line otherwise. */
  log(line: string): void {
    if (this.live && this.drawn) this.out.write('\r\x1b[2K');
    this.out.write(line + '\n');
    if (this.live && this.text) this.draw();
  }

  /** Leaves the last status on screen as a permanent line. */
  done(): void {
    if (this.live && this.drawn) this.out.write('\n');
    this.drawn = false;
    this.text = '';
  }

  /** Removes the status line. */
  clear(): void {
    if (this.live && this.drawn) this.out.write('\r\x1b[2K');
    this.drawn = false;
    this.text = '';
  }
}
