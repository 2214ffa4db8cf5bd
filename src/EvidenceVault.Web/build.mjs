// Bundles the pages into dist/ (served by the API from its wwwroot): one script, one stylesheet, one page.
// Run by the API's build (`npm ci` then `npm run build`), so `dotnet run` and `dotnet test` always serve current pages.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';

await rm('dist', { recursive: true, force: true });
await mkdir('dist');
await build({
  entryPoints: ['src/app.js', 'src/app.css'],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2022'],
  outdir: 'dist',
  legalComments: 'linked',
  logLevel: 'warning',
});
await copyFile('src/index.html', 'dist/index.html');
