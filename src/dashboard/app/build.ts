/**
 * Builds the dashboard into `dist/`: one hashed JS bundle and one hashed CSS file under
 * `dist/assets/` (served `immutable`), and an `index.html` that names them (served `no-cache`).
 * Run by `npm run build:dashboard`, which `build` and `prepare` include.
 */
import { build } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const here = import.meta.dirname;
const dist = join(here, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const result = await build({
  absWorkingDir: here,
  entryPoints: { app: 'src/main.tsx' },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome110', 'firefox115', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: join(dist, 'assets'),
  entryNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((path) => basename(path));
const script = outputs.find((name) => name.endsWith('.js'));
const style = outputs.find((name) => name.endsWith('.css'));
if (!script) throw new Error('dashboard build produced no JavaScript bundle');

const icon =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='7' fill='%23215bd6'/%3E%3Cpath d='M9 25V7h8a6 6 0 0 1 0 12h-4v6z' fill='white'/%3E%3C/svg%3E";
writeFileSync(
  join(dist, 'index.html'),
  `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Portier dashboard</title>
    <link rel="icon" href="${icon}" />
    ${style ? `<link rel="stylesheet" href="./assets/${style}" />` : ''}
    <script type="module" src="./assets/${script}"></script>
  </head>
  <body>
    <div id="app"></div>
  </body>
</html>
`,
);
console.log(`dashboard built: ${outputs.join(', ')}`);
