// sweep.test.mjs - every route of the OpenAPI document, fed bad input: a
// malformed body, a body of the wrong JSON type, invalid UTF-8, unknown
// fields, each documented property given hostile text or the wrong type,
// hostile path and query parameters. None may answer 5xx or crash the
// server (under ASan in the api-asan stage); every error is the documented
// body {"error":{"code","message"}} in valid UTF-8. The hand-written
// files (badinput, hostile) test the meaning of each refusal; this one
// makes sure no route was left out of them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server } from './harness.mjs';

const srv = new Server();
let admin, rep, doc;

before(async () => {
  await srv.start({ args: ['--demo'] });
  admin = await srv.client();
  rep = await srv.client('lina', 'Kehu#Demo2026'); // a 销售代表 of the demo data
  doc = (await admin.get('/api/v1/openapi.json')).json;
});
after(async () => { await srv.stop(); srv.cleanup(); });

// Routes that would end the sweep's own sign-in, not refuse its input.
const SKIP = /\/(session|tokens)(\/|$)|\/password/;

const HOSTILE = [
  "'; DROP TABLE accounts; --",
  '<script>alert(1)</script><img src=x onerror=alert(2)>',
  '../../../../etc/passwd',
  '%00%2e%2e%2f',
  '\u0000nul',
  '𠀀𪚥\u202e\ufeff',
  'x'.repeat(70000),
];
const WRONG = [{}, [], -1, 1e300, true, null];

// A path with its parameters: `value` everywhere, or a record of the
// entity that names the path for {id} (so the body is read, not a 404 on
// an id the demo data lacks) and 'x' for the others.
const ids = {};
async function recordId(path) {
  const entity = path.split('/')[3];
  if (!(entity in ids)) {
    const r = await admin.get(`/api/v1/${entity}?limit=1`);
    ids[entity] = r.status === 200 && r.json?.items?.[0]?.id ? String(r.json.items[0].id) : '1';
  }
  return ids[entity];
}
async function fill(path, value) {
  const id = value ?? (path.includes('{id}') ? await recordId(path) : '1');
  const named = { '{id}': id, '{entity}': 'accounts', '{field}': 'industry' };
  return path.replace(/\{[^}]+\}/g, p => encodeURIComponent(value ?? named[p] ?? 'x'));
}

// A $ref resolved, once.
function schemaOf(s) {
  for (let i = 0; s && s.$ref && i < 8; i++) s = s.$ref.split('/').slice(1).reduce((o, k) => o?.[k], doc);
  return s || {};
}

// The properties a route's JSON body documents (of its first shape, for oneOf).
function bodyProps(op) {
  const content = op.requestBody?.content || {};
  const s = schemaOf(content['application/json']?.schema);
  const shape = s.properties ? s : schemaOf((s.oneOf || s.anyOf || [])[0]);
  return Object.keys(shape.properties || {});
}

const decoder = new TextDecoder('utf-8', { fatal: true });
const statuses = {}; // status -> how many answers, to see that the sweep reached the handlers

// The request, then what was wrong with the answer (or null).
async function probe(method, path, { raw, body, type = 'application/json', as = admin } = {}) {
  const headers = { Authorization: `Bearer ${as.token}` };
  let payload;
  if (raw !== undefined) { payload = raw; headers['Content-Type'] = type; }
  else if (body !== undefined) { payload = JSON.stringify(body); headers['Content-Type'] = type; }
  let res;
  try {
    res = await fetch(srv.base + path, { method, headers, body: payload });
  } catch (e) {
    return `${method} ${path.slice(0, 120)}: no answer (${e.cause?.code || e.message})`;
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  const what = `${method} ${path.slice(0, 120)} ${payload === undefined ? '' : String(payload).slice(0, 80)}`;
  if (res.status >= 500) return `${what}: ${res.status} ${Buffer.from(bytes).toString().slice(0, 200)}`;
  statuses[res.status] = (statuses[res.status] || 0) + 1;
  if (!/json|text/.test(res.headers.get('content-type') || '')) return null; // a PDF, a tracking pixel
  let text;
  try { text = decoder.decode(bytes); } catch { return `${what}: invalid UTF-8 in the answer`; }
  if (res.status >= 400 && res.status !== 405) {
    let json = null;
    try { json = JSON.parse(text); } catch { /* below */ }
    if (!json?.error?.code || typeof json.error.message !== 'string' || !json.error.message)
      return `${what}: ${res.status} without the documented error body: ${text.slice(0, 200)}`;
  }
  return null;
}

function operations(methods) {
  const out = [];
  for (const [path, ops] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(ops))
      if (methods.includes(method) && !SKIP.test(path)) out.push({ path, method: method.toUpperCase(), op });
  return out;
}

test('the document has routes to sweep', () => {
  assert.ok(operations(['post', 'patch', 'put']).length > 300);
  assert.ok(operations(['get']).length > 300);
});

test('every write route refuses bad bodies without a 5xx, in the documented error body', async () => {
  const problems = [];
  const note = p => { if (p) problems.push(p); };
  for (const { path, method, op } of operations(['post', 'patch', 'put'])) {
    const url = await fill(path);
    note(await probe(method, url, { raw: '{"name": ' }));
    note(await probe(method, url, { raw: '[1, 2' }));
    note(await probe(method, url, { raw: Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xed, 0xb0, 0x80, 0xff, 0x22, 0x7d]) }));
    note(await probe(method, url, { body: [{ name: 'x' }] }));
    note(await probe(method, url, { body: 'text' }));
    note(await probe(method, url, { body: { '__no_such_field__': 1, "name'; --": 'x' } }));
    note(await probe(method, url, { raw: 'name=x', type: 'application/x-www-form-urlencoded' }));
    const props = bodyProps(op);
    if (props.length) {
      for (const h of HOSTILE) note(await probe(method, url, { body: Object.fromEntries(props.map(k => [k, h])) }));
      for (const w of WRONG) note(await probe(method, url, { body: Object.fromEntries(props.map(k => [k, w])) }));
    }
  }
  assert.deepEqual(problems.slice(0, 40), [], `${problems.length} bad answers`);
});

test('a sales representative meets the same routes: refusals of rights, never a 5xx', async () => {
  const problems = [];
  const note = p => { if (p) problems.push(p); };
  for (const { path, method, op } of operations(['get', 'post', 'patch', 'put', 'delete'])) {
    const url = await fill(path);
    if (method === 'GET' || method === 'DELETE') { note(await probe(method, url, { as: rep })); continue; }
    note(await probe(method, url, { as: rep, raw: '{"name": ' }));
    note(await probe(method, url, { as: rep, body: { '__no_such_field__': 1 } }));
    const props = bodyProps(op);
    if (props.length) note(await probe(method, url, { as: rep, body: Object.fromEntries(props.map(k => [k, HOSTILE[1]])) }));
  }
  assert.deepEqual(problems.slice(0, 40), [], `${problems.length} bad answers`);
});

test('every route refuses hostile path and query parameters without a 5xx', async () => {
  const problems = [];
  const note = p => { if (p) problems.push(p); };
  for (const { path, method, op } of operations(['get', 'post', 'patch', 'put', 'delete'])) {
    const queries = (op.parameters || []).filter(p => schemaOf(p).in === 'query').map(p => schemaOf(p).name);
    if (path.includes('{')) {
      for (const h of [HOSTILE[0], HOSTILE[2], '-1', '99999999999999999999', '1e400', '0x10', ' 1'])
        note(await probe(method, await fill(path, h), method === 'GET' || method === 'DELETE' ? {} : { body: {} }));
    }
    if (method !== 'GET') continue;
    for (const h of [...HOSTILE.slice(0, 4), '-1', '1e400', '{"field":"name","op":"eq"', '']) {
      if (!queries.length) break;
      const qs = queries.map(q => `${encodeURIComponent(q)}=${encodeURIComponent(h)}`).join('&');
      note(await probe('GET', `${await fill(path)}?${qs}`));
    }
  }
  assert.deepEqual(problems.slice(0, 40), [], `${problems.length} bad answers`);
});

// The CSRF check is made once, before any route (src/http/server.c): a
// signed-in browser's cookie without the page's token writes nowhere.
test('no write route takes a cookie without its X-CSRF-Token', async () => {
  const login = await srv.request('POST', '/api/v1/session', { body: { username: 'lina', password: 'Kehu#Demo2026' } });
  assert.equal(login.status, 200, login.text);
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const PUBLIC = /^\/api\/v1\/(session|survey-links\/\{token\}|mail-links\/\{token\}\/unsubscribe)$/;
  const wrong = [];
  for (const { path, method } of operations(['post', 'patch', 'put', 'delete'])) {
    if (PUBLIC.test(path)) continue;
    const url = await fill(path);
    for (const token of [undefined, 'not-the-token']) {
      const headers = { Cookie: cookie, ...(token ? { 'X-CSRF-Token': token } : {}) };
      const r = await srv.request(method, url, { body: {}, headers });
      if (r.status !== 403 || r.json?.error?.code !== 'csrf_failed') wrong.push(`${method} ${url}: ${r.status} ${r.text.slice(0, 100)}`);
    }
  }
  assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} routes took the cookie alone`);
  const still = await srv.request('GET', '/api/v1/accounts?limit=1', { headers: { Cookie: cookie } });
  assert.equal(still.status, 200, 'the session itself is fine for reading');
});

// The administrator's private records, named with a marker no other record
// carries: no GET route a sales representative may call (records, related
// lists, history, search, exports, reports, calendars) may answer it.
test('no read route shows a sales representative the administrator\'s private records', async () => {
  const MARK = '绝密泄露检测';
  const made = {};
  const make = async (entity, body) => {
    const r = await admin.post(`/api/v1/${entity}`, body);
    assert.equal(r.status, 201, `${entity}: ${r.text}`);
    made[entity] = String(r.json.id);
  };
  await make('accounts', { name: `${MARK}有限公司`, phone: '025-86660001' });
  await make('contacts', { name: `${MARK}联系人`, account_id: Number(made.accounts) });
  await make('leads', { name: `${MARK}线索`, company: `${MARK}公司` });
  await make('opportunities', { name: `${MARK}机会`, account_id: Number(made.accounts), amount: 1000 });
  await make('activities', { subject: `${MARK}拜访`, account_id: Number(made.accounts) });
  // a change, so the history holds the marker too
  assert.equal((await admin.patch(`/api/v1/accounts/${made.accounts}`, { name: `${MARK}股份有限公司` })).status, 200);
  const visible = await rep.get(`/api/v1/accounts/${made.accounts}`);
  assert.ok([403, 404].includes(visible.status), 'the set-up is private: ' + visible.status);
  const relationsOf = Object.fromEntries((await admin.get('/api/v1/metadata')).json.entities
    .map(e => [e.name, (e.relations || []).map(r => r.name)]));
  const leaks = [];
  const shown = new Set();
  for (const { path, op } of operations(['get'])) {
    const entity = path.split('/')[3];
    const id = made[entity] || made.accounts;
    const relations = path.includes('{relation}') ? (relationsOf[entity] || []) : ['x'];
    const names = (op.parameters || []).map(p => schemaOf(p)).filter(p => p.in === 'query').map(p => p.name);
    const tries = [];
    for (const relation of relations) {
      const url = path.replace(/\{[^}]+\}/g, p => (p === '{id}' ? id : p === '{entity}' ? 'accounts' : p === '{relation}' ? relation : 'x'));
      const qs = [];
      if (names.includes('q')) qs.push(`q=${encodeURIComponent(MARK)}`);
      if (names.includes('filter')) qs.push(`filter=${encodeURIComponent(JSON.stringify({ field: 'name', op: 'contains', value: MARK }))}`);
      tries.push(url);
      if (names.includes('format')) tries.push(`${url}?format=csv`);
      if (qs.length) tries.push(`${url}?${qs.join('&')}`);
    }
    for (const u of tries) {
      const r = await rep.get(u);
      if (r.text.includes(MARK)) leaks.push(`GET ${u}: ${r.status} ${r.text.slice(Math.max(0, r.text.indexOf(MARK) - 60), r.text.indexOf(MARK) + 40)}`);
      if ((await admin.get(u)).text.includes(MARK)) shown.add(u.split('?')[0]);
    }
  }
  assert.deepEqual(leaks, [], `${leaks.length} routes showed the private records`);
  // The control: the same requests show the marker to its owner, so the
  // sweep reached the records, related lists, search and exports.
  for (const u of [`/api/v1/accounts/${made.accounts}`, '/api/v1/accounts', '/api/v1/search', '/api/v1/accounts/export',
    `/api/v1/accounts/${made.accounts}/related/contacts`, `/api/v1/accounts/${made.accounts}/history`])
    assert.ok(shown.has(u), `${u} shows the marker to the administrator: ${[...shown].slice(0, 30).join(' ')}`);
  assert.ok(shown.size >= 15, `${shown.size} routes show the marker to the administrator`);
  const own = await admin.get(`/api/v1/accounts?q=${encodeURIComponent(MARK)}`);
  assert.equal(own.json.total, 1, 'the administrator finds them: the marker is searchable');
});

test('the server still answers after the sweep', async () => {
  console.log('answers by status:', JSON.stringify(statuses));
  const r = await admin.get('/api/v1/accounts?limit=1');
  assert.equal(r.status, 200, r.text);
});
