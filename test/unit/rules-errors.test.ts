import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileRule } from '../../src/rules/index.js';
import { assertRuleError } from '../helpers/rules-request.js';

describe('rule errors name the problem, its column and a fix', () => {
  it('unknown matcher, with did-you-mean', () => {
    const error = assertRuleError('Hots(`a.com`)', ['unknown matcher "Hots" at column 1', 'did you mean "Host"?']);
    assert.equal(error.key, 'rule');
    assertRuleError('Host(`a`) && PathPrefx(`/x`)', ['"PathPrefx" at column 14', 'did you mean "PathPrefix"?']);
    assertRuleError('Frobnicate(`x`)', ['unknown matcher "Frobnicate"', 'known matchers are Host, HostRegexp']);
  });

  it('casings other than the four Traefik accepts', () => {
    assertRuleError('pathPrefix(`/`)', ['"pathPrefix" at column 1 is not in an accepted casing', 'write "PathPrefix"']);
    assertRuleError('hostRegexp(`a`)', ['write "HostRegexp"']);
  });

  it('matchers of the other syntax', () => {
    assertRuleError('Headers(`a`, `b`)', ['exists only in the v2 rule syntax', 'Header(', 'ruleSyntax to v2']);
    assertRuleError('HostHeader(`a`)', ['exists only in the v2 rule syntax']);
    assertRuleError('PathRegexp(`^/a`)', ['exists only in the v3 rule syntax', 'ruleSyntax to v3'], 'v2');
    assertRuleError('Header(`a`, `b`)', ['exists only in the v3 rule syntax', 'Headers('], 'v2');
  });

  it('argument counts', () => {
    assertRuleError('Host(`a`, `b`)', ['Host at column 1 takes 1 argument but got 2', 'Host(`a`) || Host(`b`)']);
    assertRuleError('Header(`X`)', ['Header at column 1 takes 2 arguments but got 1', 'Header(`Content-Type`']);
    assertRuleError('Query(`a`, `b`, `c`)', ['takes 1 or 2 arguments but got 3']);
    assertRuleError('Host()', ['takes 1 argument but got 0']);
    assertRuleError('Path(``)', ['argument 1 is empty']);
  });

  it('quoting', () => {
    assertRuleError("Host('a.com')", ['single quotes are not allowed at column 6', 'backticks']);
    assertRuleError('Host(`a.com)', ['unterminated string starting at column 6']);
    assertRuleError('Host("a.com)', ['unterminated string starting at column 6', 'double quote']);
    assertRuleError('Host("a\\q")', ['invalid escape "\\q"']);
    assertRuleError('Host(a.com)', ['expected a quoted argument for "Host" at column 6']);
  });

  it('unbalanced parentheses', () => {
    assertRuleError('(Host(`a`) || Host(`b`)', ['unbalanced parentheses', '"(" at column 1 is not closed', 'add ")"']);
    assertRuleError('Host(`a`))', ['unbalanced parentheses', '")" at column 10 closes nothing']);
    assertRuleError('Host(`a`', ['unbalanced parentheses', '"Host(" at column 1 is not closed']);
    assertRuleError('Host(`a` `b`)', ['separate arguments with ","']);
  });

  it('operators', () => {
    assertRuleError('Host(`a`) Path(`/`)', ['unexpected "Path" at column 11', 'combine matchers with "&&" or "||"']);
    assertRuleError('Host(`a`) & Path(`/`)', ['unexpected character "&" at column 11', 'write "&&"']);
    assertRuleError('Host(`a`) &&', ['expected a matcher at column 13', 'the end of the rule']);
    assertRuleError('Host', ['needs its arguments in parentheses']);
    assertRuleError('   ', ['the rule is empty']);
  });

  it('bad regexps and constructs JS cannot express', () => {
    assertRuleError('PathRegexp(`^/(a`)', ['PathRegexp at column 1', 'invalid regular expression `^/(a`']);
    assertRuleError('HostRegexp(`(?=a)b`)', ['lookaround']);
    assertRuleError('PathRegexp(`(a)\\1`)', ['backreferences']);
    assertRuleError('PathRegexp(`a(?i)b`)', ['flags are only supported at the start']);
    assertRuleError('PathRegexp(`(?U)a+`)', ['ungreedy']);
    assertRuleError('HeaderRegexp(`X`, `a{2000}`)', ['repeat counts above 1000']);
  });

  it('argument values', () => {
    assertRuleError('Path(`products`)', ['Path at column 1', 'does not start with "/"', 'write "/products"']);
    assertRuleError('PathPrefix(`api`)', ['write "/api"']);
    assertRuleError('Host(`bücher.de`)', ['non-ASCII characters are not allowed', 'punycode']);
    assertRuleError('HostRegexp(`bücher`)', ['non-ASCII']);
    assertRuleError('Host(`a.com:8080`)', ['without their port', 'write "a.com"']);
    assertRuleError('Host(`a.*.com`)', ['invalid wildcard', '*.example.com']);
    assertRuleError('ClientIP(`10.0.0.300`)', ['invalid value "10.0.0.300" for ClientIP']);
    assertRuleError('ClientIP(`10.0.0.0/33`)', ['prefix length must be between 0 and 32']);
    assertRuleError('ClientIP(`::/129`)', ['between 0 and 128']);
  });
});

describe('v2 templates in a v3 rule', () => {
  it('are refused with the way out, since v3 would read them literally and never match', () => {
    assertRuleError('HostRegexp(`{domain:[a-z]+\\.com}`)', ['is a v2 template', 'ruleSyntax to v2']);
    assertRuleError('Path(`/users/{id}`)', ['"{id}" in "/users/{id}" is a v2 template', 'PathRegexp']);
    assertRuleError('PathPrefix(`/u/{id:[0-9]+}`)', ['v2 template']);
    assertRuleError('Host(`{sub}.example.com`)', ['v2 template', 'HostRegexp']);
  });

  it('leave regexp repetitions and escaped braces alone', () => {
    assert.doesNotThrow(() => compileRule('PathRegexp(`^/a{2}/\\{id\\}$`)'));
  });
});
