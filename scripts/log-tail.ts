/**
 * Keeps the last lines a child process printed, so a failed start can name the cause
 * in one line without flooding the console during normal runs.
 */
export class LogTail {
  private readonly lines: string[] = [];

  constructor(private readonly keep = 50) {}

  push(chunk: string | Buffer): void {
    for (const line of chunk.toString().split(/\r?\n/)) {
      if (!line.trim()) continue;
      this.lines.push(line.trim());
      if (this.lines.length > this.keep) this.lines.shift();
    }
  }

  /** The most telling line: the last fatal/error one, else the last one. */
  cause(): string | undefined {
    const fatal = [...this.lines].reverse().find((line) => /FATAL|PANIC|ERROR|error:|# /.test(line));
    return fatal ?? this.lines[this.lines.length - 1];
  }
}
