import { z } from 'zod';
import { respond } from '../runtime/respond.js';
import { defineMiddleware } from './define.js';
import { flag } from './options.js';

const schema = z.strictObject({
  allowEncodedSlash: flag.default(false),
  allowEncodedBackSlash: flag.default(false),
  allowEncodedNullCharacter: flag.default(false),
  allowEncodedSemicolon: flag.default(false),
  allowEncodedPercent: flag.default(false),
  allowEncodedQuestionMark: flag.default(false),
  allowEncodedHash: flag.default(false),
});

/** Each option and the escapes (upper-case hex) it allows. */
const ESCAPES: [keyof z.output<typeof schema>, string][] = [
  ['allowEncodedSlash', '%2F'],
  ['allowEncodedBackSlash', '%5C'],
  ['allowEncodedNullCharacter', '%00'],
  ['allowEncodedSemicolon', '%3B'],
  ['allowEncodedPercent', '%25'],
  ['allowEncodedQuestionMark', '%3F'],
  ['allowEncodedHash', '%23'],
];

/**
 * `encodedCharacters`: answers 400 to paths holding escapes that backends often decode
 * differently from the proxy (`%2F`, `%5C`, `%00`, `%3B`, `%25`, `%3F`, `%23`) unless allowed.
 */
export const encodedCharacters = defineMiddleware(schema, (options) => {
  const denied = new Set(ESCAPES.filter(([option]) => !options[option]).map(([, escape]) => escape));
  if (denied.size === 0) return (next) => next;
  return (next) => (ctx) => {
    const { path } = ctx;
    for (let i = path.indexOf('%'); i !== -1; i = path.indexOf('%', i + 3)) {
      if (i + 2 >= path.length || denied.has(path.slice(i, i + 3).toUpperCase())) {
        respond(ctx, 400, 'Bad Request');
        return;
      }
    }
    return next(ctx);
  };
});
