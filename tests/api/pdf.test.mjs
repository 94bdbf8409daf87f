// pdf.test.mjs - documents as PDF (GET /api/v1/{entity}/{id}/pdf, metadata
// "print"; docs/engine.md, "Printing"): a quote comes back as a download
// with the Chinese font embedded and its customer, lines and total in
// capitals readable by pdftotext; a long quote runs over pages with the
// table header on each; reading the PDF is reading the record.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, assertError, created } from './harness.mjs';

const srv = new Server();
const dir = mkdtempSync(join(tmpdir(), 'kehu-pdf-'));
let admin, wang, li, account, laptop, router, quote;

before(async () => {
  await srv.start();
  srv.addUser('wangfang', 'Wang#2026pw', { name: '王芳' });
  srv.addUser('lilei', 'Li#2026pwd!', { name: '李雷' });
  admin = await srv.client();
  wang = await srv.client('wangfang', 'Wang#2026pw');
  li = await srv.client('lilei', 'Li#2026pwd!');
  // the letterhead is the company's name
  assert.equal((await admin.patch(`/api/v1/companies/${admin.user.company_id}`, { name: '南京云帆科技有限公司' })).status, 200);
  account = await created(await wang.post('/api/v1/accounts', { name: '苏州云帆精密机械有限公司' }));
  laptop = await created(await admin.post('/api/v1/products', { name: '笔记本电脑', unit: '台', price: 33.33 }));
  router = await created(await admin.post('/api/v1/products', { name: '企业路由器', unit: '台', price: 12800 }));
  quote = await created(await wang.post('/api/v1/quotes', {
    subject: '机房改造报价', account_id: account.id, quote_date: '2026-12-03', valid_until: '2026-12-31',
    payment_terms: '合同签订后预付三成，验收合格后付清余款。',
    lines: [
      { product_id: laptop.id, quantity: 3, price: 33.33, tax_rate: 13, unit: '台' },
      { product_id: router.id, quantity: 2, price: 12800, tax_rate: 13, unit: '台', description: '含三年维保' },
    ],
  }));
});
after(async () => { await srv.stop(); srv.cleanup(); rmSync(dir, { recursive: true, force: true }); });

// The PDF as bytes (the harness client reads text), saved for poppler.
let saved = 0;
async function pdf(client, path, headers = {}) {
  const res = await fetch(srv.base + path, { headers: { Authorization: `Bearer ${client.token}`, ...headers } });
  const buf = Buffer.from(await res.arrayBuffer());
  const file = join(dir, `${saved++}.pdf`);
  writeFileSync(file, buf);
  return { status: res.status, headers: res.headers, buf, file };
}
const poppler = (tool, ...args) => execFileSync(tool, args, { encoding: 'utf8' });
const pages = file => Number(/Pages:\s+(\d+)/.exec(poppler('pdfinfo', file))[1]);

test('a quote is a PDF download with its Chinese name, the CJK font embedded, and its content readable', async () => {
  assert.equal(quote.total, 29040.99);
  const r = await pdf(wang, `/api/v1/quotes/${quote.id}/pdf`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  const name = encodeURIComponent(`报价单-${quote.code}.pdf`);
  assert.equal(r.headers.get('content-disposition'),
    `attachment; filename="quotes-${quote.id}.pdf"; filename*=UTF-8''${name}`);
  assert.equal(r.buf.subarray(0, 5).toString(), '%PDF-');
  // name, type, encoding, emb, sub: Noto Sans CJK embedded as a subset
  const fonts = poppler('pdffonts', r.file);
  assert.match(fonts, /\+NotoSansCJKsc-Regular\s+CID Type 0C\s+Identity-H\s+yes\s+yes/, fonts);
  assert.equal(pages(r.file), 1);
  const text = poppler('pdftotext', '-layout', r.file, '-');
  for (const s of ['南京云帆科技有限公司', '报 价 单', quote.code, '2026-12-03', '苏州云帆精密机械有限公司', '机房改造报价', '笔记本电脑', '企业路由器',
    '含三年维保', '25,600.00', '¥29,040.99', '人民币贰万玖仟零肆拾元玖角玖分', '合同签订后预付三成', '需方（盖章）'])
    assert.ok(text.includes(s), `${s} missing from:\n${text}`);
});

test('a 200-line quote runs over pages, each with the table header, and ends with the totals', async () => {
  const lines = Array.from({ length: 200 }, (_, i) => ({ description: `第${i + 1}项服务`, quantity: 1, price: 100, tax_rate: 6 }));
  const long = await created(await wang.post('/api/v1/quotes', { subject: '长报价', account_id: account.id, lines }));
  const r = await pdf(wang, `/api/v1/quotes/${long.id}/pdf`);
  assert.equal(r.status, 200);
  const n = pages(r.file);
  assert.ok(n >= 4 && n <= 8, `${n} pages`);
  const text = poppler('pdftotext', '-layout', r.file, '-').split('\f').filter(p => p.trim());
  assert.equal(text.length, n);
  text.forEach((page, i) => {
    assert.match(page, /行号\s+产品\s+说明\s+数量/, `page ${i + 1} has no table header`);
    assert.match(page, new RegExp(`第\\s*${i + 1}\\s*页\\s*/\\s*共\\s*${n}\\s*页`), `page ${i + 1} has no page number`);
    if (i) assert.ok(page.includes(`报价单 ${long.code}（续）`), `page ${i + 1} has no running head`);
  });
  const all = text.join('\n');
  for (let i = 1; i <= 200; i++) assert.ok(all.includes(`第${i}项服务`), `line ${i} missing`);
  assert.ok(text[n - 1].includes('人民币贰万壹仟贰佰元整'), text[n - 1]); // 20,000.00 + 6 % tax
});

test("reading the PDF is reading the record: another user's quote, an unknown one, a document that does not print are 404", async () => {
  const hidden = await pdf(li, `/api/v1/quotes/${quote.id}/pdf`);
  assert.equal(hidden.status, 404);
  assert.equal(JSON.parse(hidden.buf).error.code, 'not_found');
  assertError(assert, await li.get(`/api/v1/quotes/${quote.id}/pdf`), 404, 'not_found');
  assertError(assert, await wang.get('/api/v1/quotes/999999/pdf'), 404, 'not_found');
  assertError(assert, await wang.get(`/api/v1/accounts/${account.id}/pdf`), 404, 'not_found');
  assertError(assert, await wang.get('/api/v1/quote_lines/1/pdf'), 404);
  assert.equal((await pdf(admin, `/api/v1/quotes/${quote.id}/pdf`)).status, 200, 'the administrator reads every quote');
  await wang.del(`/api/v1/quotes/${quote.id}`);
  assertError(assert, await wang.get(`/api/v1/quotes/${quote.id}/pdf`), 404, 'not_found');
  assert.equal((await wang.post(`/api/v1/quotes/${quote.id}/restore`)).status, 200);
});

test('the metadata says what prints; an English reader gets an English page and file name', async () => {
  const meta = (await wang.get('/api/v1/metadata')).json;
  const quotes = meta.entities.find(e => e.name === 'quotes');
  assert.deepEqual(quotes.print.title, { zh: '报价单', en: 'Quotation' });
  assert.equal(quotes.print.in_words, 'total');
  assert.equal(meta.entities.find(e => e.name === 'accounts').print, undefined);
  const doc = (await wang.get('/api/v1/openapi.json')).json;
  assert.ok(doc.paths['/api/v1/quotes/{id}/pdf'].get);
  assert.equal(doc.paths['/api/v1/accounts/{id}/pdf'], undefined);
  const r = await pdf(wang, `/api/v1/quotes/${quote.id}/pdf`, { 'Accept-Language': 'en' });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-disposition'), new RegExp(`filename\\*=UTF-8''Quotation-${quote.code}\\.pdf$`));
  const text = poppler('pdftotext', '-layout', r.file, '-');
  for (const s of ['Quotation', 'Account', 'Total in words', '人民币贰万玖仟零肆拾元玖角玖分', 'Page 1 of 1'])
    assert.ok(text.includes(s), `${s} missing from:\n${text}`);
});

test('a line field hidden from the reader is no column of their PDF', async () => {
  const ALL = { view: true, create: true, edit: true, delete: true, export: true };
  const p = await created(await admin.post('/api/v1/profiles', { name: '打印不见单价', permissions: { quotes: ALL, accounts: ALL, products: { view: true } },
    field_access: { quote_lines: { price: 'hidden', amount: 'hidden', tax: 'hidden' } } }));
  const role = await created(await admin.post('/api/v1/roles', { name: '打印单价保密岗', profile_ids: [p.id] }));
  const u = await created(await admin.post('/api/v1/users', { username: 'printnoprice', name: '周打印', password: 'Pass#2026word', role_id: role.id }));
  const c = await srv.client('printnoprice', 'Pass#2026word');
  const q = await created(await admin.post('/api/v1/quotes', { subject: '保密报价', account_id: account.id, owner_id: u.id,
    lines: [{ description: '保密行', quantity: 1, price: 777.77 }] }));
  const text = poppler('pdftotext', '-layout', (await pdf(c, `/api/v1/quotes/${q.id}/pdf`)).file, '-');
  assert.match(text, /数量/);
  assert.match(text, /保密行/);
  assert.ok(!/单价|777/.test(text.split('金额合计')[0]), text);
});
