import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileGoRegexp } from '../../src/rules/go-regexp.js';
import { MatcherProblem } from '../../src/rules/problem.js';

const test = (pattern: string, input: string) => compileGoRegexp(pattern).test(input);

describe('Go (RE2) regexps in JS', () => {
  it('keeps plain patterns and stays unanchored', () => {
    assert.equal(test('b+', 'abbc'), true);
    assert.equal(test('^b', 'ab'), false);
  });

  it('turns leading flags into JS flags', () => {
    assert.equal(test('(?i)^abc$', 'ABC'), true);
    assert.equal(test('(?s)a.b', 'a\nb'), true);
    assert.equal(test('a.b', 'a\nb'), false);
    assert.equal(test('(?m)^b$', 'a\nb'), true);
    assert.equal(test('(?i)(?s)A.B', 'a\nb'), true);
  });

  it('translates named groups, \\A, \\z and \\Q…\\E', () => {
    assert.equal(compileGoRegexp('(?P<id>[0-9]+)').exec('x42')?.groups?.id, '42');
    assert.equal(test('(?<id>[0-9]+)', 'x42'), true);
    assert.equal(test('\\Aab\\z', 'ab'), true);
    assert.equal(test('ab\\z', 'ab\n'), false);
    assert.equal(test('\\Q.*+\\E$', 'a.*+'), true);
    assert.equal(test('\\Q.*+\\E$', 'aaa'), false);
  });

  it('treats { as a literal unless it starts a repetition, and ] first in a class as literal', () => {
    assert.equal(test('^a{2}$', 'aa'), true);
    assert.equal(test('^a{,2}$', 'a{,2}'), true);
    assert.equal(test('^{x}$', '{x}'), true);
    assert.equal(test('^[]a]+$', ']a]'), true);
    assert.equal(test('^[^]a]$', 'b'), true);
  });

  it('translates POSIX classes, Unicode classes and hex escapes', () => {
    assert.equal(test('^[[:alpha:]]+$', 'abcXYZ'), true);
    assert.equal(test('^[[:digit:][:upper:]]+$', '9Z'), true);
    assert.equal(test('^[[:alpha:]]+$', 'ab1'), false);
    assert.equal(test('^\\pL+$', 'héllo'), true);
    assert.equal(test('^\\p{Greek}+$', 'αβγ'), true);
    assert.equal(test('^\\PL$', '1'), true);
    assert.equal(test('^\\x41\\x{42}$', 'AB'), true);
    assert.equal(test('^\\x{1F600}$', '😀'), true);
  });

  it('keeps Go meanings of \\s and escaped punctuation', () => {
    assert.equal(test('^\\s$', '\u00a0'), false);
    assert.equal(test('^\\s$', '\t'), true);
    assert.equal(test('^[\\s]$', ' '), true);
    assert.equal(test('^\\-\\#\\~\\/$', '-#~/'), true);
    assert.equal(test('^[a\\-z]+$', '-'), true);
  });

  it('refuses what RE2 refuses or JS cannot express, with a reason', () => {
    const cases: [string, string][] = [
      ['(?=a)', 'lookaround'],
      ['(?<!a)b', 'lookaround'],
      ['(a)\\1', 'backreferences'],
      ['a(?i)b', 'start of the pattern'],
      ['(?i:a)', 'start of the pattern'],
      ['(?U)a*', 'ungreedy'],
      ['a{1001}', 'above 1000'],
      ['\\e', 'invalid escape sequence \\e'],
      ['[a', 'missing closing "]"'],
      ['(a', 'invalid regular expression `(a`'],
      ['a\\', 'trailing backslash'],
      ['[[:^alpha:]]', 'negated class'],
    ];
    for (const [pattern, fragment] of cases) {
      assert.throws(
        () => compileGoRegexp(pattern),
        (e: unknown) => e instanceof MatcherProblem && e.message.includes(fragment),
        pattern,
      );
    }
  });
});

describe('Go (RE2) regexp details', () => {
  it('reads octal escapes like Go', () => {
    assert.equal(test('^\\101\\0$', 'A\0'), true);
    assert.equal(test('^\\12$', '\n'), true);
  });

  it('keeps ] and } literal outside classes, also in Unicode mode', () => {
    assert.equal(test('^a]b}$', 'a]b}'), true);
    assert.equal(test('^\\pL]$', 'é]'), true);
  });

  it('lets . match \\r but not \\n, as in Go', () => {
    assert.equal(test('^a.b$', 'a\rb'), true);
    assert.equal(test('^a.b$', 'a\nb'), false);
    assert.equal(test('^[.]$', 'x'), false);
  });
});
