#!/usr/bin/env node
// embed_web.mjs - build tool: builds the web application with Vite and turns
// its output into one C source file, the table `web_assets[]` declared in
// src/http/web_assets.h, so `kehu serve` carries the whole app inside the
// binary and needs neither Node.js nor files beside it at run time.
//
//   node tools/embed_web.mjs --web web --out build/gen/web_assets.c [--no-build]
//
// Every file is stored twice when compressing pays: plain, and gzip at the
// highest level (compressed once here, never per request). The ETag is a hash
// of the plain bytes. Vite runs only when the inputs changed: a hash of the
// sources is kept in web/dist/.kehu-inputs, so the several build directories
// of `make check` (build, build-asan, build-fuzz) share one Vite run.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { gzipSync, constants as zlib } from 'node:zlib';

const CONTENT_TYPES = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  ico: 'image/x-icon',
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
  webmanifest: 'application/manifest+json',
};
// Formats that are compressed already: gzip would only cost CPU.
const PRECOMPRESSED = new Set(['png', 'jpg', 'jpeg', 'gif', 'webp', 'woff', 'woff2']);

function parseArgs(argv) {
  const args = { build: true };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--web') args.web = resolve(argv[++i]);
    else if (argv[i] === '--out') args.out = resolve(argv[++i]);
    else if (argv[i] === '--dist') args.dist = resolve(argv[++i]);
    else if (argv[i] === '--no-build') args.build = false;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!args.web || !args.out) throw new Error('usage: embed_web.mjs --web DIR --out FILE.c [--dist DIR] [--no-build]');
  args.dist ||= join(args.web, 'dist');
  return args;
}

function walk(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(p));
    else if (entry.isFile()) out.push(p);
  }
  return out.sort();
}

// What the Vite output depends on: sources, static files, configuration.
function inputsHash(web) {
  const files = [...walk(join(web, 'src')), ...walk(join(web, 'public')),
    ...['index.html', 'vite.config.js', 'package.json', 'package-lock.json'].map(f => join(web, f))];
  const h = createHash('sha256');
  for (const f of files) {
    if (!existsSync(f)) continue;
    h.update(relative(web, f)).update('\0').update(readFileSync(f)).update('\0');
  }
  return h.digest('hex');
}

function buildWithVite(web, dist) {
  const hash = inputsHash(web);
  const stamp = join(dist, '.kehu-inputs');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return dist;
  // Build beside the final place and swap, so a concurrent build in another
  // build directory never sees half a dist/.
  const tmp = `${dist}.tmp-${process.pid}`;
  const r = spawnSync('npm', ['run', 'build', '--', '--outDir', tmp, '--emptyOutDir'],
    { cwd: web, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status})`);
  writeFileSync(join(tmp, '.kehu-inputs'), hash);
  try {
    rmSync(dist, { recursive: true, force: true });
    renameSync(tmp, dist);
    return dist;
  } catch {
    return tmp; // someone else just put a dist/ there; use ours
  }
}

// A C string literal body: printable ASCII as is, the rest as 3-digit octal
// escapes (never \x, which would swallow a following hex digit).
function cString(buf) {
  const lines = [];
  let line = '';
  for (const b of buf) {
    if (b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c && b !== 0x3f) line += String.fromCharCode(b);
    else line += '\\' + b.toString(8).padStart(3, '0');
    if (line.length >= 100) { lines.push(`"${line}"`); line = ''; }
  }
  if (line || lines.length === 0) lines.push(`"${line}"`);
  return lines.join('\n  ');
}

function assetsOf(dist) {
  const assets = [];
  for (const file of walk(dist)) {
    const rel = '/' + relative(dist, file).split(sep).join('/');
    if (rel === '/.kehu-inputs' || rel.endsWith('.map')) continue;
    const ext = rel.slice(rel.lastIndexOf('.') + 1).toLowerCase();
    const data = readFileSync(file);
    let gzip = null;
    if (!PRECOMPRESSED.has(ext) && data.length > 256) {
      const z = gzipSync(data, { level: zlib.Z_BEST_COMPRESSION });
      if (z.length < data.length * 0.9) gzip = z;
    }
    const etag = '"' + createHash('sha256').update(data).digest('base64url').slice(0, 22) + '"';
    assets.push({ path: rel, type: CONTENT_TYPES[ext] || 'application/octet-stream', etag, data, gzip });
  }
  if (!assets.some(a => a.path === '/index.html')) throw new Error(`${dist} has no index.html`);
  return assets;
}

function cSource(assets) {
  const parts = ['/* generated by tools/embed_web.mjs from the Vite build of web/; do not edit */',
    '#include "http/web_assets.h"', ''];
  assets.forEach((a, i) => {
    parts.push(`static const unsigned char asset${i}[] =\n  ${cString(a.data)};`);
    if (a.gzip) parts.push(`static const unsigned char asset${i}_gz[] =\n  ${cString(a.gzip)};`);
  });
  parts.push('', 'const web_asset web_assets[] = {');
  assets.forEach((a, i) => {
    const gz = a.gzip ? `asset${i}_gz, ${a.gzip.length}` : 'NULL, 0';
    parts.push(`    {${JSON.stringify(a.path)}, ${JSON.stringify(a.type)}, ${JSON.stringify(a.etag)}, ` +
      `asset${i}, ${a.data.length}, ${gz}},`);
  });
  parts.push('    {NULL, NULL, NULL, NULL, 0, NULL, 0},', '};',
    '/* Referenced by web.c so the linker takes this file out of the library. */',
    'const web_asset *web_assets_table(void);',
    'const web_asset *web_assets_table(void) { return web_assets; }', '');
  return parts.join('\n');
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const dist = args.build ? buildWithVite(args.web, args.dist) : args.dist;
  if (!statSync(dist).isDirectory()) throw new Error(`${dist} is not a directory`);
  const assets = assetsOf(dist);
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(`${args.out}.tmp`, cSource(assets));
  renameSync(`${args.out}.tmp`, args.out);
  const plain = assets.reduce((n, a) => n + a.data.length, 0);
  const gz = assets.reduce((n, a) => n + (a.gzip ? a.gzip.length : a.data.length), 0);
  console.log(`embed_web: ${assets.length} files, ${(plain / 1024).toFixed(0)} KiB, ${(gz / 1024).toFixed(0)} KiB gzip`);
}

try {
  main();
} catch (e) {
  console.error(`embed_web: ${e.message}`);
  process.exit(1);
}
