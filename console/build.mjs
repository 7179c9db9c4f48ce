// Bundles the console for the jar: src/main.js (with CodeMirror) into one script, beside index.html and
// console.css, in the folder the Java side serves them from. Run by Maven (exec-maven-plugin) in
// process-resources, or by hand with `npm run build`. Usage: node build.mjs [output-folder]
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? join(here, '..', 'target', 'classes', 'io', 'sluice', 'console', 'static'));
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(here, 'src', 'main.js')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2022'],
  outfile: join(out, 'console.js'),
  logLevel: 'warning',
  legalComments: 'linked',
});
for (const file of ['index.html', 'console.css']) {
  copyFileSync(join(here, 'src', file), join(out, file));
}
