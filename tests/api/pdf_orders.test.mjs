// pdf_orders.test.mjs - sales orders and invoices print like quotes (the
// "print" metadata of sales_orders.json and invoices.json; docs/engine.md
// "Printing"): company header, customer, line table, totals in figures and
// in capitals, terms, the signature block, paged. The text is read back
// with pdftotext; every page is rendered with pdftoppm (the PNGs are kept
// under $KEHU_PDF_PNG_DIR when it is set, to be looked at).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readdirSync, statSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, assertError, created, ok } from './harness.mjs';

const srv = new Server();
const dir = mkdtempSync(join(tmpdir(), 'kehu-pdf-orders-'));
let admin, wang, li, account, laptop, router, order;

before(async () => {
  await srv.start();
  srv.addUser('wangfang', 'Wang#2026pw', { name: '王芳' });
  srv.addUser('lilei', 'Li#2026pwd!', { name: '李雷' });
  admin = await srv.client();
  wang = await srv.client('wangfang', 'Wang#2026pw');
  li = await srv.client('lilei', 'Li#2026pwd!');
  await ok(await admin.patch(`/api/v1/companies/${admin.user.company_id}`, { name: '南京云帆科技有限公司' }));
  account = await created(await wang.post('/api/v1/accounts', { name: '苏州云帆精密机械有限公司' }));
  laptop = await created(await admin.post('/api/v1/products', { name: '笔记本电脑', unit: '台', price: 33.33 }));
  router = await created(await admin.post('/api/v1/products', { name: '企业路由器', unit: '台', price: 12800 }));
  order = await created(await wang.post('/api/v1/sales_orders', {
    subject: '机房改造', account_id: account.id, order_date: '2026-12-03', delivery_date: '2026-12-20',
    payment_terms: '合同签订后预付三成，验收合格后付清余款。', delivery_terms: '送货上门，含安装调试。',
    lines: [
      { product_id: laptop.id, quantity: 3, price: 33.33, tax_rate: 13, unit: '台' },
      { product_id: router.id, quantity: 2, price: 12800, tax_rate: 13, unit: '台', description: '含三年维保' },
    ],
  }));
});
after(async () => { await srv.stop(); srv.cleanup(); rmSync(dir, { recursive: true, force: true }); });

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

// Every page as a PNG at 60 dpi: each one is there and not blank (a page
// cairo failed to draw is a few hundred bytes of white).
function rendered(file, name) {
  const out = process.env.KEHU_PDF_PNG_DIR || join(dir, 'png');
  mkdirSync(out, { recursive: true });
  execFileSync('pdftoppm', ['-png', '-r', '60', file, join(out, name)]);
  const pngs = readdirSync(out).filter(f => f.startsWith(`${name}-`) && f.endsWith('.png'));
  assert.equal(pngs.length, pages(file));
  for (const p of pngs) assert.ok(statSync(join(out, p)).size > 8000, `${p} looks blank`);
  return pngs.length;
}

test('a sales order prints: letterhead, customer, lines, totals in figures and capitals, terms, both parties', async () => {
  assert.equal(order.total, 29040.99);
  const r = await pdf(wang, `/api/v1/sales_orders/${order.id}/pdf`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  assert.match(r.headers.get('content-disposition'), new RegExp(`filename\\*=UTF-8''${encodeURIComponent(`业务订单-${order.code}.pdf`)}$`));
  assert.match(poppler('pdffonts', r.file), /\+NotoSansCJKsc-Regular\s+CID Type 0C\s+Identity-H\s+yes\s+yes/);
  const text = poppler('pdftotext', '-layout', r.file, '-');
  for (const s of ['南京云帆科技有限公司', '业 务 订 单', order.code, '2026-12-03', '苏州云帆精密机械有限公司', '机房改造', '2026-12-20',
    '王芳', '笔记本电脑', '企业路由器', '含三年维保', '99.99', '25,600.00', '¥29,040.99', '人民币贰万玖仟零肆拾元玖角玖分',
    '合同签订后预付三成', '送货上门', '供方（盖章）', '需方（盖章）'])
    assert.ok(text.includes(s), `${s} missing from:\n${text}`);
  assert.match(text, /第\s*1\s*页\s*\/\s*共\s*1\s*页/);
  assert.equal(rendered(r.file, 'order'), 1);
});

test('an invoice prints with its number, order, VAT lines and the issuer block', async () => {
  await ok(await wang.post(`/api/v1/sales_orders/${order.id}/actions/submit`, {}));
  const made = await ok(await wang.post(`/api/v1/sales_orders/${order.id}/actions/invoice`, {}));
  const id = made.result.invoice_id;
  const inv = await ok(await wang.post(`/api/v1/invoices/${id}/actions/issue`, { invoice_number: '32000261', invoice_date: '2026-12-05' }));
  const r = await pdf(wang, `/api/v1/invoices/${id}/pdf`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-disposition'), new RegExp(`filename\\*=UTF-8''${encodeURIComponent(`发票-${inv.record.code}.pdf`)}$`));
  const text = poppler('pdftotext', '-layout', r.file, '-');
  for (const s of ['南京云帆科技有限公司', '发 票', inv.record.code, '2026-12-05', '32000261', '增值税专用发票', '已开', '业务订单：机房改造', '笔记本电脑',
    '苏州云帆精密机械有限公司', '含三年维保', '25,600.00', '3,328.00', '¥29,040.99', '人民币贰万玖仟零肆拾元玖角玖分',
    '开票人', '复核', '销售方（盖章）'])
    assert.ok(text.includes(s), `${s} missing from:\n${text}`);
  assert.equal(rendered(r.file, 'invoice'), 1);
});

test('a 150-line order runs over pages with the header row and running head on each, the totals at the end', async () => {
  const lines = Array.from({ length: 150 }, (_, i) => ({ description: `第${i + 1}项安装服务`, quantity: 2, price: 50, tax_rate: 6 }));
  const long = await created(await wang.post('/api/v1/sales_orders', { subject: '长订单', account_id: account.id, lines }));
  const r = await pdf(wang, `/api/v1/sales_orders/${long.id}/pdf`);
  const n = pages(r.file);
  assert.ok(n >= 3 && n <= 7, `${n} pages`);
  const text = poppler('pdftotext', '-layout', r.file, '-').split('\f').filter(p => p.trim());
  assert.equal(text.length, n);
  text.forEach((page, i) => {
    assert.match(page, /行号\s+产品\s+说明\s+数量/, `page ${i + 1} has no table header`);
    assert.match(page, new RegExp(`第\\s*${i + 1}\\s*页\\s*/\\s*共\\s*${n}\\s*页`));
    if (i) assert.ok(page.includes(`业务订单 ${long.code}（续）`), `page ${i + 1} has no running head`);
  });
  const all = text.join('\n');
  for (let i = 1; i <= 150; i++) assert.ok(all.includes(`第${i}项安装服务`), `line ${i} missing`);
  assert.ok(text[n - 1].includes('人民币壹万伍仟玖佰元整'), text[n - 1]); // 15,000.00 + 6 % tax
  assert.equal(rendered(r.file, 'long-order'), n);
});

test('reading the PDF is reading the record; English readers get English', async () => {
  assertError(assert, await li.get(`/api/v1/sales_orders/${order.id}/pdf`), 404, 'not_found');
  assertError(assert, await wang.get('/api/v1/invoices/999999/pdf'), 404, 'not_found');
  const meta = (await wang.get('/api/v1/metadata')).json;
  assert.deepEqual(meta.entities.find(e => e.name === 'sales_orders').print.title, { zh: '业务订单', en: 'Sales order' });
  assert.deepEqual(meta.entities.find(e => e.name === 'invoices').print.title, { zh: '发票', en: 'Invoice' });
  const doc = (await wang.get('/api/v1/openapi.json')).json;
  assert.ok(doc.paths['/api/v1/sales_orders/{id}/pdf'].get);
  assert.ok(doc.paths['/api/v1/invoices/{id}/pdf'].get);
  const r = await pdf(wang, `/api/v1/sales_orders/${order.id}/pdf`, { 'Accept-Language': 'en' });
  assert.match(r.headers.get('content-disposition'), new RegExp(`filename\\*=UTF-8''Sales%20order-${order.code}\\.pdf$`));
  const text = poppler('pdftotext', '-layout', r.file, '-');
  for (const s of ['Sales order', 'Account', 'Total in words', 'Customer (seal)', 'Page 1 of 1'])
    assert.ok(text.includes(s), `${s} missing from:\n${text}`);
});
