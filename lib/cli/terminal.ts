import type { TransferProgress } from '../transfer/progress';
import type { RateEstimate } from '../transfer/rate-meter';
import { progressLine } from './progress-line';

// Where the command-line peer talks to a person: notes and a live progress line on
// stderr (redrawn in place, and only on a TTY), results on stdout for scripts.

export class Terminal {
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly quiet: boolean,
    private readonly err: NodeJS.WriteStream = process.stderr,
    private readonly out: NodeJS.WriteStream = process.stdout,
  ) {}

  /** A result a script reads (the link, a saved path): always printed. */
  result(line: string): void {
    this.clear();
    this.out.write(`${line}\n`);
  }

  note(line: string): void {
    if (this.quiet) return;
    this.clear();
    this.err.write(`${line}\n`);
  }

  error(line: string): void {
    this.clear();
    this.err.write(`${line}\n`);
  }

  /** Redraws the progress line at most 10 times a second, or now when `force`. */
  progress(label: string, progress: TransferProgress, speed: RateEstimate | null, force = false): void {
    if (this.quiet || !this.err.isTTY) return;
    const now = performance.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    // A pseudo-terminal may report 0 columns.
    const columns = this.err.columns > 20 ? this.err.columns : 80;
    this.err.write(`\r\x1b[2K${progressLine(label, progress, speed, columns)}`);
    this.drawn = true;
  }

  /** Ends the progress line so the next output starts on its own line. */
  clear(): void {
    if (!this.drawn) return;
    this.err.write('\n');
    this.drawn = false;
  }
}
