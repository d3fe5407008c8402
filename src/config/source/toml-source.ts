import { parse, TomlError } from 'smol-toml';
import { ConfigError } from '../errors.js';
import { positionKey, tomlKeyPositions } from './toml-positions.js';
import type { ConfigSource } from './types.js';

/** Parses TOML; positions of keys are found lazily, only when an error needs one. */
export function parseTomlSource(text: string, file: string): ConfigSource {
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split('\n')[0]?.replace(/^Invalid TOML document: /, '') ?? error.message;
      throw new ConfigError(`TOML syntax error: ${reason}`, undefined, `${file}:${error.line}:${error.column}`);
    }
    throw error;
  }
  let positions: Map<string, number> | undefined;
  let lineStarts: number[] | undefined;
  return {
    file,
    data,
    locate: (path) => {
      positions ??= tomlKeyPositions(text);
      for (let length = path.length; length > 0; length--) {
        const offset = positions.get(positionKey(path.slice(0, length)));
        if (offset === undefined) continue;
        lineStarts ??= computeLineStarts(text);
        const line = lastIndexAtMost(lineStarts, offset);
        return `${file}:${line + 1}:${offset - lineStarts[line]! + 1}`;
      }
      return undefined;
    },
  };
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lastIndexAtMost(sorted: number[], value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (sorted[middle]! <= value) low = middle;
    else high = middle - 1;
  }
  return low;
}
