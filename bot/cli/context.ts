/** What a command may touch of the outside world; tests pass their own. */
export interface CliContext {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
  now: () => Date;
  /** Asks the user one question on the terminal; absent when stdin is not a terminal. */
  prompt?: (question: string) => Promise<string>;
}

export function processContext(): CliContext {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    isTTY: Boolean(process.stdout.isTTY),
    now: () => new Date(),
    ...(process.stdin.isTTY ? { prompt: terminalPrompt } : {}),
  };
}

async function terminalPrompt(question: string): Promise<string> {
  // Loaded by the commands that ask, not by every start of the CLI.
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}
