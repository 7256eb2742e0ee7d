import { openSync, closeSync } from 'node:fs';
import { isatty, ReadStream, WriteStream } from 'node:tty';

// Lines from a person: the link or code from stdin (`receive -`), and the answer to
// "Accept…? [y/N]" from a terminal. The question is only asked where a person can
// answer it: stdin and stderr both terminals, or, when stdin carried the link, the
// controlling terminal (/dev/tty).

/** Reads a stream one line at a time; paused while nobody waits for a line. */
export class LineReader {
  private buffer = '';
  private ended = false;
  private readonly waiting: ((line: string | null) => void)[] = [];

  constructor(private readonly stream: NodeJS.ReadableStream) {
    stream.setEncoding('utf8');
    stream.on('data', (text: string) => {
      this.buffer += text;
      this.deliver();
    });
    stream.on('end', () => {
      this.ended = true;
      this.deliver();
    });
    stream.on('error', () => {
      this.ended = true;
      this.deliver();
    });
    stream.pause();
  }

  /** The next line without its line ending; the rest of the stream when it ends without one; null at the end. */
  next(): Promise<string | null> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.deliver();
      if (this.waiting.length > 0 && !this.ended) this.stream.resume();
    });
  }

  private deliver(): void {
    while (this.waiting.length > 0) {
      const newline = this.buffer.indexOf('\n');
      if (newline >= 0) {
        const line = this.buffer.slice(0, newline).replace(/\r$/, '');
        this.buffer = this.buffer.slice(newline + 1);
        this.waiting.shift()!(line);
      } else if (this.ended) {
        const rest = this.buffer;
        this.buffer = '';
        this.waiting.shift()!(rest === '' ? null : rest);
      } else {
        return;
      }
    }
    this.stream.pause();
  }
}

/** Where a question is written and its answer read. */
export interface Asker {
  ask(question: string): Promise<string | null>;
  /** Writes a line where the question goes (the file list before it). */
  say(line: string): void;
  /** Columns of the terminal the question appears on (80 if unknown). */
  readonly columns: number;
  close(): void;
}

function asker(lines: LineReader, out: NodeJS.WritableStream & { columns?: number }, close: () => void): Asker {
  return {
    get columns() {
      return out.columns && out.columns > 20 ? out.columns : 80;
    },
    say: (line) => void out.write(`${line}\n`),
    async ask(question) {
      out.write(question);
      const answer = await lines.next();
      // Ctrl-D: end the prompt's line, so what follows starts on its own.
      if (answer === null) out.write('\n');
      return answer;
    },
    close,
  };
}

export interface PromptStreams {
  stdin: NodeJS.ReadStream;
  stderr: NodeJS.WriteStream;
  /** stdin's lines, when stdin is already being read (the link from `receive -`). */
  stdinLines?: LineReader;
  /** Opens the controlling terminal; null when there is none. */
  openTty?: () => { input: NodeJS.ReadableStream; output: NodeJS.WritableStream; close(): void } | null;
}

/** The controlling terminal, read and written apart from stdin and stderr; null without one. */
export function openControllingTerminal(): { input: NodeJS.ReadableStream; output: NodeJS.WritableStream; close(): void } | null {
  let read: number | null = null;
  let write: number | null = null;
  try {
    read = openSync('/dev/tty', 'r');
    write = openSync('/dev/tty', 'w');
    if (!isatty(read)) throw new Error('/dev/tty is not a terminal');
  } catch {
    for (const fd of [read, write]) if (fd !== null) closeSync(fd);
    return null;
  }
  const input = new ReadStream(read);
  const output = new WriteStream(write);
  return {
    input,
    output,
    close: () => {
      input.destroy();
      output.destroy();
    },
  };
}

/**
 * Who can answer "Accept…?": stdin and stderr when both are terminals; else, when stdin
 * carried the link (`linkFromStdin`), the controlling terminal; else nobody (null), and
 * the receiver needs --yes.
 */
export function findAsker(streams: PromptStreams, linkFromStdin: boolean): Asker | null {
  if (streams.stdin.isTTY && streams.stderr.isTTY) {
    return asker(streams.stdinLines ?? new LineReader(streams.stdin), streams.stderr, () => streams.stdin.pause());
  }
  if (!linkFromStdin) return null;
  const tty = (streams.openTty ?? openControllingTerminal)();
  if (!tty) return null;
  return asker(new LineReader(tty.input), tty.output, tty.close);
}
