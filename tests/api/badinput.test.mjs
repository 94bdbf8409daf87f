// badinput.test.mjs - hostile and malformed requests: each gets a clear 4xx
// in the documented error format, the server keeps running, and nothing is
// half-written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError } from './harness.mjs';
import { connect } from 'node:net';

const srv = new Server();
let admin;

before(async () => { await srv.start(); admin = await srv.client(); });
after(async () => { await srv.stop(); srv.cleanup(); });

const countAccounts = async () => (await admin.get('/api/v1/accounts?limit=1')).json.total;

test('malformed JSON bodies answer 400 bad_json', async () => {
  for (const raw of ['{', '{"name":', 'null', '[]', '"text"', '{"name":"a","name":"b"}', '', '{"name":"x"} trailing']) {
    const r = await admin.req('POST', '/api/v1/accounts', { raw, headers: { 'Content-Type': 'application/json' } });
    assertError(assert, r, 400, 'bad_json');
  }
});

test('invalid UTF-8 in the body or the query answers 400', async () => {
  const bytes = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe, 0xc0, 0xaf]), Buffer.from('"}')]);
  assertError(assert, await admin.req('POST', '/api/v1/accounts', { raw: bytes, headers: { 'Content-Type': 'application/json' } }), 400);
  assertError(assert, await admin.get('/api/v1/accounts?q=%ff%fe'), 400, 'bad_encoding');
  assertError(assert, await admin.get('/api/v1/accounts?filter=%c0%af'), 400, 'bad_encoding');
});

test('an encoded NUL neither cuts the path short nor the query: 400, nothing created', async () => {
  const before = (await admin.get('/api/v1/leads?limit=1')).json.total;
  assertError(assert, await admin.post('/api/v1/leads/%00/convert', { name: '空字节' }), 400, 'bad_encoding');
  assertError(assert, await admin.post('/api/v1/leads%00', { name: '空字节' }), 400, 'bad_encoding');
  assertError(assert, await admin.get('/api/v1/accounts?q=a%00b'), 400, 'bad_encoding');
  assert.equal((await admin.get('/api/v1/leads?limit=1')).json.total, before);
});

test('wrong types give 422 with a reason per field, all at once', async () => {
  const r = await admin.post('/api/v1/accounts', {
    name: 12, employees: 'many', annual_revenue: '12.345', is_hot: 'yes', email: 'not-an-email',
    website: 'javascript:alert(1)', type: 'no_such_type', next_contact_at: '2026-02-30T00:00:00Z' });
  assertError(assert, r, 422, 'validation_failed');
  const f = r.json.error.fields;
  for (const k of ['name', 'employees', 'annual_revenue', 'is_hot', 'email', 'website', 'type', 'next_contact_at']) {
    assert.ok(f[k], `${k} should be reported: ${r.text}`);
  }
});

test('unknown fields are refused, not ignored', async () => {
  const r = await admin.post('/api/v1/accounts', { name: '未知字段测试公司', nickname: 'x', 'name; DROP TABLE accounts': 1 });
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields.nickname, 'unknown');
});

test('SQL and HTML payloads are stored and returned verbatim as data', async () => {
  const nasty = [`Robert'); DROP TABLE accounts;--`, '<script>alert("x")</script>', '" OR ""="', '\\\' \u2028 \t tab', '../../etc/passwd', '=HYPERLINK("http://x")'];
  for (const name of nasty) {
    const r = await admin.post('/api/v1/accounts', { name, description: name });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.name, name.trim());
    const back = await admin.get(`/api/v1/accounts/${r.json.id}`);
    assert.equal(back.json.description, name.trim());
  }
  const tables = await admin.get('/api/v1/accounts?limit=1');
  assert.equal(tables.status, 200);
});

test('text longer than the field allows answers 422 too_long; long text up to its limit is fine', async () => {
  const r = await admin.post('/api/v1/accounts', { name: '长'.repeat(201) });
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields.name, 'too_long');
  assert.equal((await admin.post('/api/v1/accounts', { name: '长'.repeat(200) })).status, 201);
});

test('oversized bodies answer 413 and the server stays up', async () => {
  const before = await countAccounts();
  const big = JSON.stringify({ name: '大', description: 'x'.repeat(2 * 1024 * 1024) });
  const r = await admin.req('POST', '/api/v1/accounts', { raw: big, headers: { 'Content-Type': 'application/json' } });
  assertError(assert, r, 413, 'too_large');
  assert.equal(await countAccounts(), before);
});

test('unknown entities, ids and methods answer 404/405', async () => {
  assertError(assert, await admin.get('/api/v1/nosuch'), 404, 'not_found');
  assertError(assert, await admin.get('/api/v1/accounts/abc'), 404, 'not_found');
  assertError(assert, await admin.get('/api/v1/accounts/99999999'), 404, 'not_found');
  assertError(assert, await admin.get('/api/v1/accounts/-1'), 404, 'not_found');
  assertError(assert, await admin.get('/api/v1/accounts/1/related/../../etc'), 404);
  assertError(assert, await admin.req('PUT', '/api/v1/accounts/1', { body: {} }), 405, 'method_not_allowed');
  assertError(assert, await admin.get('/api/v1/widgets/1'), 404);
});

test('a failing write inside a transaction leaves nothing behind', async () => {
  const before = await countAccounts();
  const r = await admin.post('/api/v1/contacts', { name: '孤儿联系人', account_id: 424242 });
  assertError(assert, r, 422);
  const contacts = await admin.get(`/api/v1/contacts?q=${encodeURIComponent('孤儿联系人')}`);
  assert.equal(contacts.json.total, 0);
  assert.equal(await countAccounts(), before);
});

test('errors are in Chinese by default and English on request', async () => {
  const zh = await admin.get('/api/v1/nosuch');
  assert.match(zh.json.error.message, /[\u4e00-\u9fff]/);
  const en = await admin.get('/api/v1/nosuch', { headers: { 'Accept-Language': 'en' } });
  assert.doesNotMatch(en.json.error.message, /[\u4e00-\u9fff]/);
});

test('oversized headers answer 431 and the connection is closed; the server stays up', async () => {
  const reply = await new Promise((ok, fail) => {
    const sock = connect(srv.port, '127.0.0.1', () => {
      sock.write(`GET /api/v1/metadata HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100000)}\r\n\r\n`);
    });
    let data = '';
    sock.on('data', d => { data += d; });
    sock.on('end', () => ok(data));
    // The server may close while we are still sending: a reset is a refusal too.
    sock.on('error', e => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? ok(data) : fail(e)));
  });
  if (reply) assert.match(reply, /^HTTP\/1\.1 431 /);
  assert.equal((await admin.get('/api/v1/metadata')).status, 200);
});

test('the server is still healthy after all of the above', async () => {
  assert.equal((await admin.get('/api/v1/metadata')).status, 200);
});
