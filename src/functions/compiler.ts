/**
 * Turns an uploaded TypeScript or JavaScript function into one self-contained ES module.
 * Types are stripped, never checked (esbuild), so a deploy costs milliseconds. Imports are limited
 * to a list of Node built-ins with no reach outside the worker (no fs, net, child_process…):
 * a function is a single file, and this keeps honest code away from Portier's own files.
 */
import { build, version as esbuildVersion, type Message, type Plugin } from 'esbuild';

/** Built-in modules a function may import (with or without the `node:` prefix). */
const ALLOWED_BUILTINS = new Set([
  'assert',
  'buffer',
  'crypto',
  'events',
  'querystring',
  'stream/web',
  'string_decoder',
  'url',
  'util',
  'zlib',
]);

export const COMPILER_ID = `esbuild ${esbuildVersion}`;

/** A source error with its 1-based position, as returned to the deployer. */
export class CompileError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly lineText: string,
  ) {
    super(`${file}:${line}:${column}: ${message}`);
    this.name = 'CompileError';
  }

  toJSON(): Record<string, unknown> {
    return {
      error: 'compile',
      message: this.message,
      file: this.file,
      line: this.line,
      column: this.column,
      lineText: this.lineText,
    };
  }
}

const importGuard: Plugin = {
  name: 'portier-import-guard',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      const bare = args.path.replace(/^node:/, '');
      if (ALLOWED_BUILTINS.has(bare)) return { path: `node:${bare}`, external: true };
      return {
        errors: [
          {
            text:
              `import "${args.path}" is not allowed: a function is one file and may import only ` +
              `these built-ins: ${[...ALLOWED_BUILTINS].map((m) => `node:${m}`).join(', ')}`,
          },
        ],
      };
    });
  },
};

/** Compiles `source` (named `file` in errors) to ES module code. Throws CompileError. */
export async function compileFunction(source: string, file = 'function.ts'): Promise<string> {
  try {
    const result = await build({
      stdin: {
        contents: source,
        loader: file.endsWith('.js') || file.endsWith('.mjs') ? 'js' : 'ts',
        sourcefile: file,
      },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'silent',
      plugins: [importGuard],
    });
    return result.outputFiles[0]?.text ?? '';
  } catch (error) {
    throw toCompileError(error, file);
  }
}

function toCompileError(error: unknown, file: string): Error {
  const first = (error as { errors?: Message[] }).errors?.[0];
  if (!first) return error instanceof Error ? error : new Error(String(error));
  const where = first.location;
  return new CompileError(first.text, file, where?.line ?? 1, (where?.column ?? 0) + 1, where?.lineText ?? '');
}
