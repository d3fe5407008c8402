import type { FinishedRequest, LineFormatter } from './access-log-format.js';
import { encode, type LineBuffer } from './line-buffer.js';

/** Writes one variable part of a line; the fixed text around it belongs to the template. */
export type ValueWriter = (line: FinishedRequest, out: LineBuffer) => void;

/**
 * A line format compiled once per configuration: fixed texts and the values between them. Texts
 * that end up next to each other (a field's closing quote, the next field's name…) are merged and
 * encoded up front, so a line costs one copy per value instead of one per piece; copying a short
 * piece costs about as much as copying a long one.
 */
export function compileLineTemplate(parts: readonly (string | ValueWriter)[]): LineFormatter {
  const steps: { before: Uint8Array; value: ValueWriter }[] = [];
  let text = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      text += part;
    } else {
      steps.push({ before: encode(text), value: part });
      text = '';
    }
  }
  const end = encode(text);
  return (line, out) => {
    for (const { before, value } of steps) {
      if (before.length > 0) out.encoded(before);
      value(line, out);
    }
    out.encoded(end);
  };
}
