/** Runs `portier functions …` in this process and captures what it prints. */
import { bodyOutput } from '../../src/cli/functions-output.js';
import { runFunctionsCommand } from '../../src/cli/functions.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runFunctionsCli(...args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  const { write } = bodyOutput;
  console.log = (...a: unknown[]) => out.push(`${a.join(' ')}\n`);
  console.error = (...a: unknown[]) => err.push(`${a.join(' ')}\n`);
  bodyOutput.write = (body) => out.push(Buffer.from(body).toString());
  try {
    const code = await runFunctionsCommand(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    console.log = log;
    console.error = error;
    bodyOutput.write = write;
  }
}
