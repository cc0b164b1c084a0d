import { processContext } from './context.js';
import { runProgram } from './program.js';

export async function main(argv: string[]): Promise<number> {
  return runProgram(argv, processContext());
}
