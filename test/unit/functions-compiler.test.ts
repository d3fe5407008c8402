import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompileError, compileFunction } from '../../src/functions/compiler.js';
import { compileRoute } from '../../src/functions/route-pattern.js';

describe('function compiler', () => {
  it('strips types without checking them and keeps the exports', async () => {
    const code = await compileFunction(
      'export const route: string = "/{a}";\nconst n: number = "not checked" as any;\nexport default (r: Request) => n;',
      'f.ts',
    );
    assert.doesNotMatch(code, /: number|: string|as any/);
    assert.match(code, /export\s*\{/);
    assert.match(code, /route/);
  });

  it('reports a syntax error with its 1-based line and column', async () => {
    const error = await compileFunction(
      'export const route = "/x";\nexport default (x: number => 1;\n',
      'bad.ts',
    ).catch((e: unknown) => e);
    assert.ok(error instanceof CompileError);
    assert.equal(error.line, 2);
    assert.equal(error.column, 27);
    assert.equal(error.lineText, 'export default (x: number => 1;');
    assert.match(error.message, /^bad\.ts:2:27: Expected "\)"/);
  });

  it('compiles plain JavaScript too', async () => {
    const code = await compileFunction(
      'export default function (req, ctx) { return "hi " + ctx.params.name; }',
      'f.js',
    );
    assert.match(code, /hi /);
  });

  it('allows harmless built-ins and refuses the rest, with the position of the import', async () => {
    await compileFunction(
      'import { createHash } from "node:crypto";\nexport default () => createHash("sha256").digest("hex");',
    );
    for (const specifier of ['node:fs', 'child_process', './helper.js', 'lodash']) {
      const error = await compileFunction(`\nimport x from "${specifier}";\nexport default () => x;`).catch(
        (e: unknown) => e,
      );
      assert.ok(error instanceof CompileError, specifier);
      assert.equal(error.line, 2);
      assert.match(error.message, new RegExp(`import "${specifier.replace(/[./]/g, '\\$&')}" is not allowed`));
    }
  });
});

describe('function route', () => {
  it('names one segment per parameter, decoded, and needs every segment', () => {
    const match = compileRoute('/{a}/{b}');
    assert.deepEqual(match('/1/3'), { a: '1', b: '3' });
    assert.deepEqual(match('/x%20y/3/'), { a: 'x y', b: '3' });
    assert.equal(match('/1'), undefined);
    assert.equal(match('/1/2/3'), undefined);
  });

  it('matches literals and a greedy last parameter', () => {
    const match = compileRoute('/files/{path+}');
    assert.deepEqual(match('/files/a/b.txt'), { path: 'a/b.txt' });
    assert.equal(match('/other/a'), undefined);
    assert.equal(match('/files'), undefined);
  });

  it('accepts any path when the function exports no route', () => {
    assert.deepEqual(compileRoute(undefined)('/anything/at/all'), {});
  });

  it('rejects malformed routes with a hint', () => {
    assert.throws(() => compileRoute('a/b'), /starting with "\/"/);
    assert.throws(() => compileRoute('/{rest+}/x'), /must be the last segment/);
    assert.throws(() => compileRoute('/pre{a}'), /whole \{name\} parameter/);
  });
});
