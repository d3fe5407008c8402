/**
 * A function runtime in this process for `portier functions dev` and `invoke ./file.ts`:
 * an in-memory store and the usual worker-thread runner, nothing written to disk.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { createFunctionRuntime, FunctionsError, MemoryStore, type FunctionRuntime } from '../functions/index.js';
import { CompileError } from '../functions/index.js';
import { formatApiError } from './functions-output.js';

export function localRuntime(name: string, env: Record<string, string>, timeout?: string): FunctionRuntime {
  return createFunctionRuntime({ env: { [name]: env }, ...(timeout ? { timeout } : {}) }, process.cwd(), {
    store: new MemoryStore(),
  });
}

/** The function name a file gives: `./sum.ts` → `sum`. */
export function nameFromFile(file: string): string {
  return basename(file, extname(file))
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '-');
}

/** Deploys `file` into a local runtime; prints and returns false on a compile or load error. */
export async function deployFile(runtime: FunctionRuntime, name: string, file: string): Promise<boolean> {
  try {
    await runtime.core.deploy(name, await readFile(file, 'utf8'), basename(file));
    return true;
  } catch (error) {
    if (error instanceof CompileError) console.error(formatApiError(error.toJSON()));
    else if (error instanceof FunctionsError) console.error(formatApiError({ error: error.message, ...error.details }));
    else throw error;
    return false;
  }
}

/** `KEY=VALUE` options into an env object. */
export function parseEnv(pairs: string[] = []): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new Error(`--env takes KEY=VALUE, got "${pair}"`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}
