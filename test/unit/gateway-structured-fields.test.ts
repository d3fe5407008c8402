import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isInnerList,
  parseDictionary,
  serializeInnerList,
  StructuredFieldError,
  Token,
  type InnerList,
  type Item,
} from '../../src/gateway/structured-fields.js';

describe('RFC 8941 dictionaries', () => {
  it('reads the item types, parameters and inner lists', () => {
    const dict = parseDictionary('a=1, b=-2.5;x, c="q\\"s", d=tok/en:1, e=:aGk=:, f=?0, g, h=(1 "two" three);p=?1');
    const item = (key: string) => dict.get(key) as Item;
    assert.equal(item('a').value, 1);
    assert.equal(item('b').value, -2.5);
    assert.equal(item('b').params.get('x'), true);
    assert.equal(item('c').value, 'q"s');
    const token = item('d').value;
    assert.ok(token instanceof Token && token.text === 'tok/en:1');
    assert.equal(Buffer.from(item('e').value as Uint8Array).toString(), 'hi');
    assert.equal(item('f').value, false);
    assert.equal(item('g').value, true);
    const list = dict.get('h')!;
    assert.ok(isInnerList(list));
    assert.equal(serializeInnerList(list), '(1 "two" three);p');
  });

  it('serialises signature parameters exactly as RFC 9421 B.2.5 signs them', () => {
    const input = '("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"';
    const member = parseDictionary(`sig-b25=${input}`).get('sig-b25') as InnerList;
    assert.equal(serializeInnerList(member), input);
  });

  it('rejects malformed input with StructuredFieldError', () => {
    const bad = [
      'A=1',
      'a=(1',
      'a="unterminated',
      'a=:not base64!:',
      'a=1,',
      'a=1 b=2',
      'a="\u00e9"',
      'a=1234567890123456',
      'a=?2',
    ];
    for (const text of bad) assert.throws(() => parseDictionary(text), StructuredFieldError, text);
  });
});
