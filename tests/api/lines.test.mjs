// lines.test.mjs - owned lines (docs/engine.md, "Owned lines") on quotes:
// a quote and its quote_lines are read and written together, in one
// transaction, under the quote's rights and version.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { Server, assertError, created, ok } from './harness.mjs';

const srv = new Server();
let admin, wang, li;
let account, laptop, mouse;
const strip = l => ({ id: l.id, product_id: l.product_id, quantity: l.quantity, price: l.price, description: l.description });

before(async () => {
  await srv.start();
  srv.addUser('wangfang', 'Wang#2026pw', { name: '王芳' });
  srv.addUser('lilei', 'Li#2026pwd!', { name: '李雷' });
  admin = await srv.client();
  wang = await srv.client('wangfang', 'Wang#2026pw');
  li = await srv.client('lilei', 'Li#2026pwd!');
  account = await created(await wang.post('/api/v1/accounts', { name: '苏州明细测试有限公司' }));
  laptop = await created(await admin.post('/api/v1/products', { name: '笔记本电脑', unit: '台', price: 4999, cost: 4000 }));
  mouse = await created(await admin.post('/api/v1/products', { name: '无线鼠标', unit: '个', price: 99.5 }));
});
after(async () => { await srv.stop(); srv.cleanup(); });

const newQuote = (lines, extra = {}) => wang.post('/api/v1/quotes', { subject: '办公设备报价', account_id: account.id, lines, ...extra });

test('products: code auto-number, tax rate 13 by default; metadata declares the owned relation and the fill', async () => {
  assert.match(laptop.code, /^CP-\d{6}$/);
  assert.equal(laptop.tax_rate, 13);
  assert.equal(laptop.status, 'on_sale');
  const meta = await ok(await wang.get('/api/v1/metadata'));
  const quotes = meta.entities.find(e => e.name === 'quotes');
  assert.deepEqual(quotes.relations.find(r => r.name === 'lines'),
    { ...quotes.relations.find(r => r.name === 'lines'), entity: 'quote_lines', field: 'quote_id', owned: true, position: 'position' });
  const lines = meta.entities.find(e => e.name === 'quote_lines');
  assert.equal(lines.owned_by, 'quotes');
  assert.deepEqual(lines.fields.find(f => f.name === 'product_id').fill,
    { unit: 'unit', list_price: 'price', price: 'price', tax_rate: 'tax_rate' });
  const sales = meta.menu.find(g => g.key === 'sales');
  assert.ok(sales.items.includes('quotes'));
  assert.ok(!meta.menu.some(g => g.items.includes('quote_lines')), 'lines have no menu of their own');
});

test('create, read, change, add, remove and reorder lines in one request each', async () => {
  const q = await created(await newQuote([
    { product_id: laptop.id, quantity: 2, price: 4999, unit: '台' },
    { product_id: mouse.id, quantity: 10, price: 99.5 },
    { description: '上门安装', quantity: 1, price: 300 },
  ]));
  assert.match(q.code, /^BJ-\d{6}$/);
  assert.equal(q.status, 'draft');
  assert.equal(q.lines.length, 3);
  assert.deepEqual(q.lines.map(l => l.position), [1, 2, 3]);
  assert.equal(q.lines[0].product_name, '笔记本电脑');
  assert.equal(q.lines[0].quantity, 2);
  assert.equal(q.lines[1].price, 99.5);

  const read = await ok(await wang.get(`/api/v1/quotes/${q.id}`));
  assert.deepEqual(read.lines.map(l => l.id), q.lines.map(l => l.id));
  const list = await ok(await wang.get('/api/v1/quotes'));
  assert.ok(list.items.every(i => !('lines' in i)), 'lists carry no lines');

  // change line 1, drop line 2, add one, and move the installation first
  const [a, , c] = q.lines;
  const patched = await ok(await wang.patch(`/api/v1/quotes/${q.id}`, {
    lines: [strip(c), { ...strip(a), quantity: 3 }, { product_id: mouse.id, quantity: 1, price: 88 }],
  }, { headers: { 'If-Match': `"${q.version}"` } }));
  assert.equal(patched.version, q.version + 1);
  assert.deepEqual(patched.lines.map(l => [l.id === c.id, l.id === a.id, l.position]),
    [[true, false, 1], [false, true, 2], [false, false, 3]]);
  assert.equal(patched.lines[1].quantity, 3);
  assert.equal(patched.lines[2].price, 88);
  assert.ok(!patched.lines.some(l => l.id === q.lines[1].id), 'the left-out line is gone');

  // a PATCH without lines leaves them alone
  const same = await ok(await wang.patch(`/api/v1/quotes/${q.id}`, { subject: '办公设备报价（修订）' }));
  assert.deepEqual(same.lines.map(l => l.id), patched.lines.map(l => l.id));
  // lines: [] removes them all
  const empty = await ok(await wang.patch(`/api/v1/quotes/${q.id}`, { lines: [] }));
  assert.deepEqual(empty.lines, []);
});

test('line 50 of 60 invalid: nothing written, the error names lines[49].quantity', async () => {
  const lines = Array.from({ length: 60 }, (_, i) => ({ description: `第${i + 1}项`, quantity: 1, price: 10 }));
  lines[49].quantity = 'abc';
  const before = (await ok(await wang.get('/api/v1/quotes?limit=500'))).total;
  const r = await newQuote(lines);
  assertError(assert, r, 422, 'validation_failed');
  assert.ok('lines[49].quantity' in r.json.error.fields, r.text);
  assert.equal(Object.keys(r.json.error.fields).length, 1);
  assert.match(r.json.error.message, /第 50 行/);
  assert.equal((await ok(await wang.get('/api/v1/quotes?limit=500'))).total, before, 'no quote written');

  // the same on an update: the good lines before it are not kept either
  const q = await created(await newQuote([{ description: '原有', quantity: 1, price: 1 }]));
  const bad = Array.from({ length: 60 }, (_, i) => ({ description: `新${i}`, quantity: 1 }));
  bad[49] = { description: '缺数量', quantity: null };
  const u = await wang.patch(`/api/v1/quotes/${q.id}`, { subject: '不应保存', lines: bad });
  assertError(assert, u, 422, 'validation_failed');
  assert.equal(u.json.error.fields['lines[49].quantity'], 'required');
  const now = await ok(await wang.get(`/api/v1/quotes/${q.id}`));
  assert.equal(now.subject, '办公设备报价');
  assert.equal(now.version, q.version);
  assert.deepEqual(now.lines.map(l => l.description), ['原有']);
});

test('several bad lines are all named; unknown fields in a line are refused', async () => {
  const r = await newQuote([{ quantity: 1 }, { quantity: -1, colour: 'red' }, { quantity: 1, product_id: 999999 }, 'x']);
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields['lines[1].colour'], 'unknown');
  assert.equal(r.json.error.fields['lines[2].product_id'], 'not_found');
  assert.equal(r.json.error.fields['lines[3]'], 'invalid_type');
  assertError(assert, await newQuote({ quantity: 1 }), 422, 'validation_failed');
});

test('a line id of another quote is refused, and so is the same id twice', async () => {
  const q1 = await created(await newQuote([{ description: 'A', quantity: 1 }]));
  const q2 = await created(await newQuote([{ description: 'B', quantity: 1 }]));
  const r = await wang.patch(`/api/v1/quotes/${q2.id}`, { lines: [{ id: q1.lines[0].id, description: '偷来的', quantity: 1 }] });
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields['lines[0].id'], 'not_found');
  assert.equal((await ok(await wang.get(`/api/v1/quotes/${q1.id}`))).lines[0].description, 'A');
  const twice = await wang.patch(`/api/v1/quotes/${q2.id}`, { lines: [strip(q2.lines[0]), strip(q2.lines[0])] });
  assertError(assert, twice, 422, 'validation_failed');
  assert.equal(twice.json.error.fields['lines[1].id'], 'duplicate');
});

test('two edits of one quote with the same If-Match: one wins, the other gets 409 with the current lines', async () => {
  const q = await created(await newQuote([{ description: '原始', quantity: 1 }]));
  const h = { headers: { 'If-Match': `"${q.version}"` } };
  const [r1, r2] = await Promise.all([
    wang.patch(`/api/v1/quotes/${q.id}`, { lines: [{ ...strip(q.lines[0]), description: '甲改' }] }, h),
    wang.patch(`/api/v1/quotes/${q.id}`, { lines: [{ ...strip(q.lines[0]), description: '乙改' }, { description: '乙加', quantity: 1 }] }, h),
  ]);
  const statuses = [r1.status, r2.status].sort();
  assert.deepEqual(statuses, [200, 409], `${r1.text} ${r2.text}`);
  const [win, lose] = r1.status === 200 ? [r1, r2] : [r2, r1];
  assertError(assert, lose, 409, 'conflict');
  assert.deepEqual(lose.json.error.current.lines.map(l => l.description), win.json.lines.map(l => l.description));
  const now = await ok(await wang.get(`/api/v1/quotes/${q.id}`));
  assert.deepEqual(now.lines.map(l => l.description), win.json.lines.map(l => l.description));
  // a stale version is refused even when only lines change
  assertError(assert, await wang.patch(`/api/v1/quotes/${q.id}`, { lines: [] }, h), 409, 'conflict');
});

test('the delta form adds and removes lines without sending the others; concurrent adders both land', async () => {
  const q = await created(await newQuote([
    { description: '甲', quantity: 1, price: 10 }, { description: '乙', quantity: 2, price: 10 }, { description: '丙', quantity: 3, price: 10 }]));
  const added = await ok(await wang.patch(`/api/v1/quotes/${q.id}`, { lines: { add: [{ description: '丁', quantity: 4, price: 10 }] } }));
  assert.deepEqual(added.lines.map(l => l.description), ['甲', '乙', '丙', '丁']);
  assert.deepEqual(added.lines.map(l => l.position), [1, 2, 3, 4]);
  assert.deepEqual(added.lines.slice(0, 3).map(l => l.id), q.lines.map(l => l.id), 'the lines there keep their ids');
  assert.equal(added.subtotal, 100, 'totals recomputed in the same write');
  const removed = await ok(await wang.patch(`/api/v1/quotes/${q.id}`, { lines: { remove: [q.lines[1].id], add: [{ description: '戊', quantity: 1, price: 5 }] } }));
  assert.deepEqual(removed.lines.map(l => l.description), ['甲', '丙', '丁', '戊']);
  assert.equal(removed.subtotal, 85);
  // two adders at once, neither knowing the other's line: both land
  await Promise.all(['己', '庚'].map(d => wang.patch(`/api/v1/quotes/${q.id}`, { lines: { add: [{ description: d, quantity: 1 }] } })));
  const both = await ok(await wang.get(`/api/v1/quotes/${q.id}`));
  assert.deepEqual(both.lines.map(l => l.description).slice(0, 4), ['甲', '丙', '丁', '戊']);
  assert.deepEqual(both.lines.map(l => l.description).slice(4).sort(), ['己', '庚']);
  const history = await ok(await wang.get(`/api/v1/quotes/${q.id}/history`));
  assert.ok(JSON.stringify(history).includes('戊'), 'an added line is in the history');
  // malformed deltas: nothing written, each part named
  const other = await created(await newQuote([{ description: '别的报价', quantity: 1 }]));
  for (const [lines, field, reason] of [
    [{ add: [{ description: '坏', quantity: 'x' }] }, 'lines.add[0].quantity', 'invalid_type'],
    [{ add: [{ id: q.lines[0].id, description: '冒名' }] }, 'lines.add[0].id', 'not_allowed'],
    [{ remove: [other.lines[0].id] }, 'lines.remove[0]', 'not_found'],
    [{ remove: ['1'] }, 'lines.remove[0]', 'not_found'],
    [{ replace: [] }, 'lines.replace', 'unknown_field'],
    [{ add: {} }, 'lines.add', 'invalid_type'],
    ['甲', 'lines', 'invalid_type'],
  ]) {
    const r = await wang.patch(`/api/v1/quotes/${q.id}`, { lines });
    assertError(assert, r, 422, 'validation_failed');
    assert.ok(r.json.error.fields[field], `${JSON.stringify(lines)}: ${r.text}`);
    if (reason !== 'invalid_type' || field !== 'lines.add[0].quantity') assert.equal(r.json.error.fields[field], reason, r.text);
  }
  assert.deepEqual((await ok(await wang.get(`/api/v1/quotes/${q.id}`))).lines.map(l => l.description), both.lines.map(l => l.description));
  assert.equal((await ok(await wang.get(`/api/v1/quotes/${other.id}`))).lines.length, 1);
  // the delta is also taken on create: there is nothing to keep
  const made = await created(await newQuote({ add: [{ description: '新建即加', quantity: 1 }] }));
  assert.deepEqual(made.lines.map(l => l.description), ['新建即加']);
  // rights are the header's: a user who cannot see the quote cannot add to it
  assert.equal((await li.patch(`/api/v1/quotes/${q.id}`, { lines: { add: [{ description: '外人', quantity: 1 }] } })).status, 404);
});

test('more lines than the documented limit of 1000 are refused with 413 too_many_lines', async () => {
  const lines = Array.from({ length: 1001 }, () => ({ quantity: 1 }));
  const r = await newQuote(lines);
  assertError(assert, r, 413, 'too_many_lines');
  assert.match(r.json.error.message, /1000/);
  const huge = Array.from({ length: 10000 }, () => ({ quantity: 1 }));
  const r2 = await newQuote(huge);
  assert.equal(r2.status, 413, r2.text);
});

test('history records line changes on the quote, readable', async () => {
  const q = await created(await newQuote([{ product_id: laptop.id, quantity: 1, price: 4999 }, { description: '运费', quantity: 1, price: 50 }]));
  await ok(await wang.patch(`/api/v1/quotes/${q.id}`, { lines: [{ ...strip(q.lines[0]), quantity: 5 }] }));
  const hist = (await ok(await wang.get(`/api/v1/quotes/${q.id}/history`))).items;
  const lines = hist.filter(h => h.action === 'line');
  assert.equal(lines.length, 4, JSON.stringify(lines));
  assert.ok(lines.every(h => h.field === 'lines' && h.field_label === '报价明细'));
  assert.ok(lines.some(h => h.old_value === null && /第1行.*产品=笔记本电脑/.test(h.new_value)));
  assert.ok(lines.some(h => /第1行：数量=1/.test(h.old_value) && /第1行：数量=5/.test(h.new_value)), JSON.stringify(lines));
  assert.ok(lines.some(h => /运费/.test(h.old_value) && h.new_value === null));
});

test('delete and restore carry the lines', async () => {
  const q = await created(await newQuote([{ description: '随单删除', quantity: 2 }]));
  assert.equal((await wang.del(`/api/v1/quotes/${q.id}`)).status, 204);
  assertError(assert, await wang.get(`/api/v1/quotes/${q.id}`), 404);
  await ok(await wang.post(`/api/v1/quotes/${q.id}/restore`));
  const back = await ok(await wang.get(`/api/v1/quotes/${q.id}`));
  assert.deepEqual(back.lines.map(l => l.description), ['随单删除']);
});

test('merging quotes moves the sources\' lines after the target\'s', async () => {
  const keep = await created(await newQuote([{ description: '保留1', quantity: 1 }]));
  const src = await created(await newQuote([{ description: '来源1', quantity: 1 }, { description: '来源2', quantity: 1 }]));
  const r = await ok(await wang.post('/api/v1/quotes/merge', { target_id: keep.id, source_ids: [src.id] }));
  assert.deepEqual(r.lines.map(l => [l.description, l.position]), [['保留1', 1], ['来源1', 2], ['来源2', 3]]);
  const hist = (await ok(await wang.get(`/api/v1/quotes/${keep.id}/history`))).items;
  assert.ok(hist.some(h => h.action === 'line' && /2 行/.test(h.new_value)));
});

test('export writes one row per line with lines=1 (xlsx read back)', async () => {
  const q = await created(await newQuote([{ product_id: laptop.id, quantity: 2, price: 4999 }, { description: '安装', quantity: 1, price: 300 }],
    { subject: '导出明细专用' }));
  const filter = encodeURIComponent(JSON.stringify({ field: 'subject', op: 'eq', value: '导出明细专用' }));
  const res = await fetch(`${srv.base}/api/v1/quotes/export?format=xlsx&lines=1&filter=${filter}`, { headers: { Authorization: `Bearer ${wang.token}` } });
  assert.equal(res.status, 200);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(await res.arrayBuffer()));
  const sheet = book.worksheets[0];
  const header = sheet.getRow(1).values.slice(1);
  assert.ok(header.includes('主题') && header.includes('产品') && header.includes('数量'), header.join(','));
  assert.equal(header.indexOf('主题') < header.indexOf('产品'), true, 'header columns, then line columns');
  assert.equal(sheet.rowCount, 3);
  const col = name => header.indexOf(name) + 1;
  assert.equal(sheet.getRow(2).getCell(col('主题')).value, '导出明细专用');
  assert.equal(sheet.getRow(2).getCell(col('产品')).value, '笔记本电脑');
  assert.equal(sheet.getRow(3).getCell(col('说明')).value, '安装');
  assert.equal(sheet.getRow(3).getCell(col('报价单号')).value, q.code);
  const plain = await fetch(`${srv.base}/api/v1/quotes/export?format=csv&filter=${filter}`, { headers: { Authorization: `Bearer ${wang.token}` } });
  assert.equal((await plain.text()).trim().split('\r\n').length, 2, 'without lines=1: one row per quote');
});

test('lines are reached through their quote only: no route of their own, no related list, no report', async () => {
  const q = await created(await newQuote([{ description: '私有', quantity: 1 }]));
  const lid = q.lines[0].id;
  for (const client of [wang, admin]) {
    assertError(assert, await client.get('/api/v1/quote_lines'), 404);
    assertError(assert, await client.get(`/api/v1/quote_lines/${lid}`), 404);
    assertError(assert, await client.post('/api/v1/quote_lines', { quote_id: q.id, quantity: 1 }), 404);
    assertError(assert, await client.patch(`/api/v1/quote_lines/${lid}`, { quantity: 9 }), 404);
    assertError(assert, await client.del(`/api/v1/quote_lines/${lid}`), 404);
    assertError(assert, await client.get('/api/v1/quote_lines/export?format=csv'), 404);
    assertError(assert, await client.get(`/api/v1/quotes/${q.id}/related/lines`), 404);
    assertError(assert, await client.get('/api/v1/reports/group?entity=quote_lines&by=description'), 400);
  }
});

test('a user who cannot see the quote can neither read nor write its lines', async () => {
  const q = await created(await newQuote([{ description: '王芳的明细', quantity: 1 }]));
  assertError(assert, await li.get(`/api/v1/quotes/${q.id}`), 404);
  assertError(assert, await li.patch(`/api/v1/quotes/${q.id}`, { lines: [] }), 404);
  assertError(assert, await li.get(`/api/v1/quotes/${q.id}/history`), 404);
  const hits = (await ok(await li.get('/api/v1/search?q=' + encodeURIComponent('王芳的明细')))).items || [];
  assert.ok(!JSON.stringify(hits).includes('王芳的明细'));
  const exp = await fetch(`${srv.base}/api/v1/quotes/export?format=csv&lines=1`, { headers: { Authorization: `Bearer ${li.token}` } });
  assert.ok(!(await exp.text()).includes('王芳的明细'));
  // li's own quote cannot take wang's line either
  const acc = await created(await li.post('/api/v1/accounts', { name: '李雷的客户' }));
  const mine = await created(await li.post('/api/v1/quotes', { subject: '李雷的报价', account_id: acc.id, lines: [] }));
  const r = await li.patch(`/api/v1/quotes/${mine.id}`, { lines: [{ id: q.lines[0].id, quantity: 1 }] });
  assertError(assert, r, 422);
  assert.equal((await ok(await wang.get(`/api/v1/quotes/${q.id}`))).lines[0].description, '王芳的明细');
});

test('a line field hidden from a profile is hidden in the lines and in their history', async () => {
  const ALL = { view: true, create: true, edit: true, delete: true, export: true };
  const p = await created(await admin.post('/api/v1/profiles', {
    name: '看不到单价', permissions: { quotes: ALL, accounts: ALL, products: { view: true } }, field_access: { quote_lines: { price: 'hidden', amount: 'hidden', tax: 'hidden' } } }));
  // (amount and tax are computed from the price: a profile that keeps the price secret hides them too)
  const role = await created(await admin.post('/api/v1/roles', { name: '单价保密岗', profile_ids: [p.id] }));
  const u = await created(await admin.post('/api/v1/users', { username: 'noprice', name: '周单价', password: 'Pass#2026word', role_id: role.id }));
  const c = await srv.client('noprice', 'Pass#2026word');
  const q = await created(await admin.post('/api/v1/quotes', { subject: '单价保密', account_id: account.id, owner_id: u.id,
    lines: [{ description: '保密行', quantity: 1, price: 777 }] }));
  await ok(await admin.patch(`/api/v1/quotes/${q.id}`, { lines: [{ id: q.lines[0].id, description: '保密行', quantity: 2, price: 888 }] }));
  const seen = await ok(await c.get(`/api/v1/quotes/${q.id}`));
  assert.equal(seen.lines[0].price, undefined);
  assert.equal(seen.lines[0].quantity, 2);
  const text = JSON.stringify((await ok(await c.get(`/api/v1/quotes/${q.id}/history`))).items.filter(h => h.action === 'line'));
  assert.ok(!/777|888|单价/.test(text), text);
  assert.match(text, /数量=2/);
  const full = JSON.stringify((await ok(await admin.get(`/api/v1/quotes/${q.id}/history`))).items);
  assert.match(full, /单价=888/);
  const en = await c.get(`/api/v1/quotes/${q.id}/history`, { headers: { 'Accept-Language': 'en' } });
  assert.match(JSON.stringify(en.json.items), /Line 1: Quantity=2/);
  // writing the hidden field is refused for the line
  const w = await c.patch(`/api/v1/quotes/${q.id}`, { lines: [{ id: q.lines[0].id, quantity: 2, price: 1 }] });
  assertError(assert, w, 422);
  assert.equal(w.json.error.fields['lines[0].price'], 'unknown');
});

test('document totals: each line rounded at the 分, then summed; recomputed with the lines, in the same write', async () => {
  // 3 × ¥33.33 at 13 %: amount 99.99, tax 12.9987 -> 13.00 (half-up per line)
  const q = await created(await newQuote([
    { description: '甲', quantity: 3, price: 33.33, tax_rate: 13 },
    { description: '乙', quantity: 0.5, price: 0.01, tax_rate: 13 }, // 0.005 -> 0.01, tax 0.0013 -> 0.00
  ]));
  assert.deepEqual(q.lines.map(l => [l.amount, l.tax]), [[99.99, 13], [0.01, 0]]);
  assert.deepEqual([q.subtotal, q.tax_total, q.total], [100, 13, 113]);
  // a line removed and another changed: totals follow in the same PATCH, and the version moves once
  const p = await ok(await wang.patch(`/api/v1/quotes/${q.id}`, { lines: [{ id: q.lines[0].id, description: '甲', quantity: 4, price: 33.33, tax_rate: 13 }] },
    { headers: { 'If-Match': String(q.version) } }));
  assert.deepEqual([p.subtotal, p.tax_total, p.total], [133.32, 17.33, 150.65]);
  assert.equal(p.version, q.version + 1);
  // the totals sort and filter like any field
  const f = encodeURIComponent(JSON.stringify({ field: 'total', op: 'eq', value: 150.65 }));
  assert.equal((await ok(await wang.get(`/api/v1/quotes?filter=${f}`))).total, 1);
  // clients cannot write them, on the document or on a line
  assertError(assert, await wang.patch(`/api/v1/quotes/${q.id}`, { total: 1 }), 422, 'validation_failed');
  const bad = await wang.patch(`/api/v1/quotes/${q.id}`, { lines: [{ id: p.lines[0].id, description: '甲', quantity: 1, price: 1, amount: 5 }] });
  assertError(assert, bad, 422, 'validation_failed');
  assert.equal(bad.json.error.fields['lines[0].amount'], 'computed');
});
