#!/usr/bin/env node
// web-generic.mjs - fails when a generic view of the web app names an entity
// (docs/engine.md, "Web modules"). Generic are the files under
// web/src/views and web/src/components; what one entity needs belongs to its
// module (web/src/modules/<module>/), which registers it. A file a module
// registration imports (its page, still under views/) is the module's.
// Entities are those of metadata/entities/*.json, less the engine's own
// ("system": true: users, roles, ...). A name counts in a string: 'leads',
// "/accounts/duplicates"; comments do not count.
// tools/web-generic-allow.txt lists known exceptions with their reason; an
// exception no longer needed fails too, so the list only shrinks.
// Prints FILE:LINE: names the entity "X".
//   node tools/web-generic.mjs [ROOT]    ROOT holds web/, metadata/, tools/
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(process.argv[2] || join(dirname(fileURLToPath(import.meta.url)), '..'));
const at = p => join(root, p);

function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort().flatMap(n => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : /\.(vue|js|mjs)$/.test(n) ? [p] : [];
  });
}

const entities = readdirSync(at('metadata/entities')).filter(n => n.endsWith('.json')).sort()
  .map(n => JSON.parse(readFileSync(at('metadata/entities/' + n), 'utf8')))
  .filter(e => !e.system).map(e => e.name);

// Files the modules' registrations import (static or import()).
const owned = new Set();
for (const file of walk(at('web/src/modules'))) {
  for (const m of readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\s*\(\s*)['"](\.[^'"]+)['"]/g)) {
    owned.add(relative(root, resolve(dirname(file), m[1])));
  }
}

const allowed = new Map(); // file -> reason
if (existsSync(at('tools/web-generic-allow.txt'))) {
  for (const line of readFileSync(at('tools/web-generic-allow.txt'), 'utf8').split('\n')) {
    if (/^\s*(#|$)/.test(line)) continue;
    const [file, ...reason] = line.trim().split(/\s+/);
    allowed.set(file, reason.join(' '));
  }
}

// Comments blanked, line breaks kept (so line numbers stay): /* */, <!-- -->
// and // to the end of the line (not the // of "http://").
const uncommented = text => text
  .replace(/\/\*[\s\S]*?\*\/|<!--[\s\S]*?-->/g, c => c.replace(/[^\n]/g, ' '))
  .replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');

const names = new RegExp(`(['"\`/])(${entities.map(e => e.replace(/\W/g, '')).join('|')})(?=['"\`/?])`, 'g');
const problems = [];
const used = new Set();
for (const file of [...walk(at('web/src/views')), ...walk(at('web/src/components'))]) {
  const rel = relative(root, file);
  if (owned.has(rel)) continue;
  const lines = uncommented(readFileSync(file, 'utf8')).split('\n');
  const found = [];
  lines.forEach((line, i) => {
    for (const m of line.matchAll(names)) found.push(`${rel}:${i + 1}: names the entity "${m[2]}"`);
  });
  if (!found.length) continue;
  if (allowed.has(rel)) used.add(rel);
  else problems.push(...found);
}
for (const file of allowed.keys()) {
  if (!used.has(file)) problems.push(`${file}: listed in tools/web-generic-allow.txt but no longer needed (remove the line)`);
}
if (problems.length) {
  console.log(problems.join('\n'));
  console.log(`\n${problems.length} problem(s): a generic view names an entity; move what that entity needs into its module (web/src/modules, docs/engine.md "Web modules")`);
  process.exit(1);
}
console.log(`web views generic: ${entities.length} entities, no generic view names one`);
