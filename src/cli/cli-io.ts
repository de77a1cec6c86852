/** Where a command writes, so that it can run inside another program or a test as well as a terminal. */
export interface CliIo {
  /** A line (or lines) of human-readable output; a newline is added. */
  readonly stdout: (text: string) => void;
  /** A line of diagnostics; a newline is added. */
  readonly stderr: (text: string) => void;
  /** Raw data for standard output, written as is. */
  readonly writeStdout: (data: string) => void;
}

export const processIo: CliIo = {
  stdout: (text) => {
    process.stdout.write(`${text}\n`);
  },
  stderr: (text) => {
    process.stderr.write(`${text}\n`);
  },
  writeStdout: (data) => {
    process.stdout.write(data);
  },
};
