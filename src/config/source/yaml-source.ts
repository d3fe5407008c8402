import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { ConfigError } from '../errors.js';
import type { ConfigSource } from './types.js';

/** Parses YAML, keeping the document so that any key path can be traced back to its line. */
export function parseYamlSource(text: string, file: string): ConfigSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true, merge: true });
  const [error] = document.errors;
  if (error) {
    const position = error.linePos?.[0];
    const where = position ? `${file}:${position.line}:${position.col}` : file;
    throw new ConfigError(`YAML syntax error: ${firstLine(error.message)}`, undefined, where);
  }
  const at = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  return {
    file,
    data: document.toJS({ maxAliasCount: 100 }) as unknown,
    locate: (path) => {
      const offset = offsetOf(document.contents, path);
      return offset === undefined ? undefined : at(offset);
    },
  };
}

/**
 * The start of the deepest key found along `path`: the key itself when it exists, otherwise the
 * closest existing parent (undefined when not even the first key is there). Keys match exactly first, then ignoring case (static keys are
 * case-insensitive and stored canonically).
 */
function offsetOf(root: unknown, path: readonly string[]): number | undefined {
  let node = root;
  let offset: number | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pairs = node.items.filter(isPair);
      const keyText = (pair: (typeof pairs)[number]): string => String(isScalar(pair.key) ? pair.key.value : pair.key);
      const pair =
        pairs.find((p) => keyText(p) === segment) ??
        pairs.find((p) => keyText(p).toLowerCase() === segment.toLowerCase());
      if (!pair) return offset;
      offset = (pair.key as Node | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)] as Node | undefined;
      if (!item) return offset;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      return offset;
    }
  }
  return offset;
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? message;
}
