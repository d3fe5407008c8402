import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encode, LineBuffer } from '../../src/observability/line-buffer.js';

const written = (write: (out: LineBuffer) => void, capacity?: number) => {
  const out = new LineBuffer(capacity);
  write(out);
  return Buffer.from(out.filled).toString('utf8');
};

describe('access-log line buffer', () => {
  it('writes JSON string literals exactly as JSON.stringify does', () => {
    for (const value of [
      '',
      '/api/v1?x=1',
      'quote " and \\ back',
      'tab\tnew\nline\u0001',
      'café ☕ 🚀',
      '\ud800 lone',
      '\u2028',
    ]) {
      assert.equal(
        written((out) => out.jsonString(value)),
        JSON.stringify(value),
        value,
      );
    }
  });

  it('writes numbers as String() does', () => {
    for (const value of [0, 7, 10, 99, 100, 404, 1_234_567_890_123, Number.MAX_SAFE_INTEGER, -3, 1.5, 1e21, NaN]) {
      assert.equal(
        written((out) => out.number(value)),
        String(value),
      );
    }
  });

  it('writes zero-padded numbers of a fixed width', () => {
    for (const [value, width, text] of [
      [0, 3, '000'],
      [7, 3, '007'],
      [42, 3, '042'],
      [999, 3, '999'],
      [5, 1, '5'],
    ] as const) {
      assert.equal(
        written((out) => out.paddedNumber(value, width)),
        text,
      );
    }
  });

  it('writes text in UTF-8 and copies encoded bytes', () => {
    assert.equal(
      written((out) => (out.text('GET /é'), out.encoded(encode(' ✓')))),
      'GET /é ✓',
    );
  });

  it('grows past its capacity without losing what it holds', () => {
    const long = 'x'.repeat(5000);
    const text = written((out) => {
      out.text('start ');
      out.jsonString(long);
      out.text(' ü'.repeat(3000));
      out.number(42);
    }, 16);
    assert.equal(text, `start ${JSON.stringify(long)}${' ü'.repeat(3000)}42`);
  });

  it('starts over after clear()', () => {
    assert.equal(
      written((out) => (out.text('old'), out.clear(), out.text('new'))),
      'new',
    );
  });
});
