// attachments.test.mjs - 附件 of any record, kept in the database: the
// record's rights decide (who sees it lists and downloads, who may change
// it adds and deletes); downloads come back byte for byte as attachments,
// active content (HTML, SVG) is never served as itself and only raster
// images show inline; size, name and company limits hold.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError } from './harness.mjs';

const srv = new Server();
const PW = 'Attach#2026pw';
let admin, seller, other, account;

const upload = (who, path, name, body, type = 'application/octet-stream') =>
  who.req('POST', `${path}?name=${encodeURIComponent(name)}`, { raw: body, headers: { 'Content-Type': type } });

before(async () => {
  await srv.start();
  admin = await srv.client();
  srv.addUser('wu_xs', PW, { name: '吴销售' });
  srv.addUser('zheng_xs', PW, { name: '郑销售' });
  seller = await srv.client('wu_xs', PW);
  other = await srv.client('zheng_xs', PW);
  account = (await seller.post('/api/v1/accounts', { name: '无锡惠山精密机械有限公司' })).json;
  assert.ok(account.id);
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('a file goes in and comes back byte for byte, as a download', async () => {
  const bytes = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x10, 0x80, 0x0a]);
  const r = await upload(seller, `/api/v1/accounts/${account.id}/attachments`, '年度框架合同（盖章版）.pdf', bytes, 'application/pdf');
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.name, '年度框架合同（盖章版）.pdf');
  assert.equal(r.json.size, bytes.length);
  assert.equal(r.json.created_by_name, '吴销售');
  const list = (await seller.get(`/api/v1/accounts/${account.id}/attachments`)).json.items;
  assert.deepEqual(list.map(a => a.name), ['年度框架合同（盖章版）.pdf']);
  const res = await fetch(`${srv.base}/api/v1/attachments/${r.json.id}`, { headers: { Authorization: `Bearer ${seller.token}` } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.match(res.headers.get('content-disposition'), /^attachment; .*filename\*=UTF-8''%E5%B9%B4/);
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);
  const history = (await seller.get(`/api/v1/accounts/${account.id}/history`)).json.items;
  assert.ok(history.some(h => h.action === 'attachment' && /年度框架合同/.test(h.new_value)));
});

test('active content is never served as itself; raster images may show inline', async () => {
  const path = `/api/v1/accounts/${account.id}/attachments`;
  const html = (await upload(seller, path, 'x.html', '<script>alert(1)</script>', 'text/html')).json;
  const svg = (await upload(seller, path, 'logo.svg', '<svg onload="alert(1)"/>', 'image/svg+xml; charset=utf-8')).json;
  const png = (await upload(seller, path, '门头照片.png', Buffer.from([0x89, 0x50, 0x4e, 0x47]), 'image/png')).json;
  const get = id => fetch(`${srv.base}/api/v1/attachments/${id}?inline=1`, { headers: { Authorization: `Bearer ${seller.token}` } });
  for (const a of [html, svg]) {
    const res = await get(a.id);
    assert.equal(res.headers.get('content-type'), 'application/octet-stream');
    assert.match(res.headers.get('content-disposition'), /^attachment/);
    assert.match(res.headers.get('content-security-policy'), /sandbox/);
  }
  assert.equal(svg.content_type, 'image/svg+xml', 'stored without parameters');
  const img = await get(png.id);
  assert.equal(img.headers.get('content-type'), 'image/png');
  assert.equal(img.headers.get('content-disposition'), 'inline');
  assert.equal(png.inline, true);
  assert.equal(html.inline, false);
});

test('the record\'s rights decide', async () => {
  const path = `/api/v1/accounts/${account.id}/attachments`;
  const mine = (await upload(seller, path, '报价附件.xlsx', 'x')).json;
  // a colleague who cannot see the customer sees neither its files
  assertError(assert, await other.get(path), 404);
  assertError(assert, await other.get(`/api/v1/attachments/${mine.id}`), 404);
  assertError(assert, await upload(other, path, 'x.txt', 'x'), 404);
  assertError(assert, await other.del(`/api/v1/attachments/${mine.id}`), 404);
  // public read: seen and downloaded, not changed
  assert.equal((await admin.req('PUT', '/api/v1/sharing', { body: { accounts: 'public_read' } })).status, 200);
  assert.equal((await other.get(path)).status, 200);
  assert.equal((await other.get(`/api/v1/attachments/${mine.id}`)).status, 200);
  assertError(assert, await upload(other, path, 'x.txt', 'x'), 403);
  assertError(assert, await other.del(`/api/v1/attachments/${mine.id}`), 403);
  assert.equal((await admin.req('PUT', '/api/v1/sharing', { body: { accounts: 'private' } })).status, 200);
  // the owner deletes; it is gone
  assert.equal((await seller.del(`/api/v1/attachments/${mine.id}`)).status, 204);
  assertError(assert, await seller.get(`/api/v1/attachments/${mine.id}`), 404);
  // a record in the recycle bin keeps its files out of reach
  const gone = (await seller.post('/api/v1/accounts', { name: '已删除的客户有限公司' })).json;
  const f = (await upload(seller, `/api/v1/accounts/${gone.id}/attachments`, 'a.txt', 'a')).json;
  assert.equal((await seller.del(`/api/v1/accounts/${gone.id}`)).status, 204);
  assertError(assert, await seller.get(`/api/v1/attachments/${f.id}`), 404);
});

test('bad names, sizes and targets are refused', async () => {
  const path = `/api/v1/accounts/${account.id}/attachments`;
  for (const name of ['', '../../etc/passwd', 'a/b.txt', 'c:\\boot.ini', 'x'.repeat(201), 'tab\there'])
    assertError(assert, await upload(seller, path, name, 'x'), 422);
  assertError(assert, await seller.req('POST', path, { raw: 'x', headers: { 'Content-Type': 'text/plain' } }), 422);
  const big = Buffer.alloc(20 * 1024 * 1024 + 1, 0x41);
  assertError(assert, await upload(seller, path, 'big.bin', big), 413);
  assertError(assert, await upload(seller, '/api/v1/accounts/999999/attachments', 'a.txt', 'a'), 404);
  assertError(assert, await upload(admin, '/api/v1/roles/1/attachments', 'a.txt', 'a'), 404);
  assertError(assert, await seller.get('/api/v1/attachments/abc'), 404);
  assert.equal((await seller.get('/api/v1/metadata')).json.entities.find(e => e.name === 'accounts').attachments, true);
});
