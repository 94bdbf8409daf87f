// hostile.test.mjs - what attack tools found (issue 14, "robust against
// hostile clients"): invalid UTF-8 in uploads, formulas hidden behind
// exotic whitespace in exports, numbers that underflow, filter limits, NUL
// bytes in headers, and spreadsheet bombs. Each answer is a clear 4xx in the
// documented error format, never a 500 nor invalid UTF-8. Spreadsheet bombs
// are in bombs.test.mjs, slow connections in connections.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import ExcelJS from 'exceljs';
import { Server, assertError, filterParam } from './harness.mjs';

const srv = new Server();
let admin;
const CSV = { 'Content-Type': 'text/csv; charset=utf-8' };
const XLSX = { 'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };

before(async () => { await srv.start(); admin = await srv.client(); });
after(async () => { await srv.stop(); srv.cleanup(); });

// The raw bytes of a response, to check them as UTF-8 (fetch's text()
// would silently replace invalid bytes with U+FFFD).
async function rawRequest(method, path, { raw, headers = {} } = {}) {
  const res = await fetch(srv.base + path, { method, body: raw, headers: { Authorization: `Bearer ${admin.token}`, ...headers } });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, bytes, json: (() => { try { return JSON.parse(bytes.toString('utf8')); } catch { return null; } })() };
}
const isUtf8 = bytes => { try { new TextDecoder('utf-8', { fatal: true }).decode(bytes); return true; } catch { return false; } };

test('a CSV with UTF-8-encoded surrogates (ED B0 80) answers 422, and no answer carries invalid UTF-8', async () => {
  const surrogate = Buffer.from([0xed, 0xb0, 0x80]);
  const files = [
    Buffer.concat([Buffer.from('客户名称,城市\n代理对公司'), surrogate, Buffer.from(',南京\n')]),
    Buffer.concat([Buffer.from('客户名称'), surrogate, Buffer.from(',城市\n甲公司,南京\n')]), // in a header
    Buffer.concat([Buffer.from('客户名称\n'), Buffer.from([0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]), Buffer.from('\n')]), // a CESU pair
    Buffer.concat([Buffer.from('客户名称\n超长编码'), Buffer.from([0xe0, 0x80, 0xaf]), Buffer.from('\n')]), // overlong
    Buffer.concat([Buffer.from('客户名称\n越界'), Buffer.from([0xf4, 0x90, 0x80, 0x80]), Buffer.from('\n')]), // > U+10FFFF
  ];
  for (const file of files) {
    for (const path of ['/api/v1/accounts/import/preview', '/api/v1/accounts/import?wait=true']) {
      const r = await rawRequest('POST', path, { raw: file, headers: CSV });
      assert.equal(r.status, 422, `${path}: ${r.bytes.toString('latin1')}`);
      assert.ok(isUtf8(r.bytes), `${path}: the answer is valid UTF-8`);
      assert.equal(r.json.error.code, 'bad_file');
      assert.match(r.json.error.message, /UTF-8/);
    }
  }
  // a form upload goes the same way
  const form = new FormData();
  form.append('file', new Blob([files[0]]), '客户.csv');
  const f = await rawRequest('POST', '/api/v1/accounts/import/preview', { raw: form });
  assert.equal(f.status, 422);
  assert.ok(isUtf8(f.bytes));
  // GBK files (not UTF-8 at all) still import
  const ok = await rawRequest('POST', '/api/v1/accounts/import/preview', { raw: Buffer.from([0xbf, 0xcd, 0xbb, 0xa7, 0xc3, 0xfb, 0xb3, 0xc6, 0x0a, 0x41, 0x0a]), headers: CSV });
  assert.equal(ok.status, 200, ok.bytes.toString('latin1'));
  assert.equal(ok.json.headers[0], '客户名称');
});

test('an .xlsx whose strings hold surrogates answers 422 with valid UTF-8', async () => {
  const book = new ExcelJS.Workbook();
  book.addWorksheet('客户').addRows([['客户名称'], ['SURRO']]);
  const buf = await book.xlsx.writeBuffer();
  // exceljs writes valid XML; swap the cell text for a character reference
  // to a surrogate, which XML forbids too
  const JSZip = (await import('jszip')).default;
  const zip = await JSZip.loadAsync(buf);
  for (const name of Object.keys(zip.files).filter(n => /sharedStrings|sheet1/.test(n))) {
    const xml = await zip.file(name).async('string');
    zip.file(name, xml.replace('SURRO', '&#xDC00;'));
  }
  const r = await rawRequest('POST', '/api/v1/accounts/import/preview', { raw: await zip.generateAsync({ type: 'nodebuffer' }), headers: XLSX });
  assert.equal(r.status, 422, r.bytes.toString('latin1'));
  assert.ok(isUtf8(r.bytes));
});

test('CSV and Excel exports neutralise formulas behind every whitespace a spreadsheet skips', async () => {
  const blanks = ['\u3000', '\u00a0', '\u000b', '\u000c', '\u2002', '\u2009', '\u200b', '\u202f', '\u205f', '\ufeff', '\u1680', '\u0085', ' \u3000 '];
  const leads = ['=1+1', '+1+1', '-1+1', '@SUM(A1)', '\uff1d1+1'];
  const names = [];
  for (const [i, b] of blanks.entries()) names.push(`${b}${leads[i % leads.length]}公式${i}`);
  for (const name of names) {
    const r = await admin.post('/api/v1/accounts', { name: `公式测试${names.indexOf(name)}`, description: name });
    assert.equal(r.status, 201, r.text);
  }
  const filter = filterParam({ field: 'name', op: 'starts', value: '公式测试' });
  const csv = await admin.get(`/api/v1/accounts/export?format=csv&fields=name,description&filter=${filter}`);
  assert.equal(csv.status, 200, csv.text);
  for (const name of names) {
    const stored = (await admin.get(`/api/v1/accounts?filter=${filterParam({ field: 'name', op: 'eq', value: `公式测试${names.indexOf(name)}` })}`)).json.items[0].description;
    assert.ok(csv.text.includes(`"'${stored.replaceAll('"', '""')}"`), `CSV: ${JSON.stringify(stored)} is prefixed with '`);
  }
  const x = await fetch(`${srv.base}/api/v1/accounts/export?format=xlsx&fields=name,description&filter=${filter}`, { headers: { Authorization: `Bearer ${admin.token}` } });
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(await x.arrayBuffer()));
  const cells = [];
  book.worksheets[0].eachRow((row, n) => { if (n > 1) cells.push(String(row.getCell(2).value)); });
  assert.equal(cells.length, names.length);
  for (const c of cells) assert.ok(c.startsWith('\''), `xlsx: ${JSON.stringify(c)} is prefixed with '`);
  // ordinary text is left alone
  await admin.post('/api/v1/accounts', { name: '公式测试普通', description: '\u3000普通的备注 = 不是公式' });
  const plain = await admin.get(`/api/v1/accounts/export?format=csv&fields=description&filter=${filterParam({ field: 'name', op: 'eq', value: '公式测试普通' })}`);
  assert.match(plain.text, /\r\n普通的备注 = 不是公式|\r\n\u3000普通的备注 = 不是公式/);
});

test('an integer or decimal field refuses numbers that underflow to 0 (1e-400)', async () => {
  for (const raw of ['{"name":"下溢公司","employees":1e-400}', '{"name":"下溢公司","annual_revenue":1e-400}',
    '{"name":"下溢公司","employees":-2.5E-999}']) {
    const r = await admin.req('POST', '/api/v1/accounts', { raw, headers: { 'Content-Type': 'application/json' } });
    assertError(assert, r, 422);
  }
  assert.equal((await admin.get(`/api/v1/accounts?filter=${filterParam({ field: 'name', op: 'eq', value: '下溢公司' })}`)).json.total, 0);
  // an honest zero still is one
  const zero = await admin.req('POST', '/api/v1/accounts', { raw: '{"name":"零员工公司","employees":0e5,"annual_revenue":0.0}', headers: { 'Content-Type': 'application/json' } });
  assert.equal(zero.status, 201, zero.text);
  assert.equal(zero.json.employees, 0);
});

test('a filter of exactly the documented 100 conditions works; 101 is refused with a clear message', async () => {
  const conds = n => Array.from({ length: n }, (_, i) => ({ field: 'city', op: 'ne', value: `不存在的城市${i}` }));
  for (const shape of [c => ({ and: c }), c => c, c => ({ or: [{ and: c.slice(0, 50) }, { and: c.slice(50) }] })]) {
    const r = await admin.get(`/api/v1/accounts?limit=1&filter=${filterParam(shape(conds(100)))}`);
    assert.equal(r.status, 200, r.text);
    const over = await admin.get(`/api/v1/accounts?limit=1&filter=${filterParam(shape(conds(101)))}`);
    assertError(assert, over, 400, 'bad_filter');
    assert.match(over.json.error.message, /100/);
  }
});

// Sends raw bytes as one request and gives the status line's code.
function rawHttp(bytes) {
  return new Promise((ok, fail) => {
    const sock = connect(srv.port, '127.0.0.1', () => sock.end(bytes));
    let data = '';
    sock.on('data', d => { data += d; });
    sock.on('end', () => ok(data));
    sock.on('error', e => (e.code === 'ECONNRESET' ? ok(data) : fail(e)));
  });
}

test('a NUL byte inside a header value answers 400, not a value cut short', async () => {
  const req = value => Buffer.concat([Buffer.from('GET /api/v1/accounts?limit=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: '),
    value, Buffer.from('\r\n\r\n')]);
  const good = await rawHttp(req(Buffer.from(`Bearer ${admin.token}`)));
  assert.match(good, /^HTTP\/1\.1 200 /);
  const cut = await rawHttp(req(Buffer.concat([Buffer.from(`Bearer ${admin.token}`), Buffer.from([0]), Buffer.from('garbage')])));
  assert.match(cut, /^HTTP\/1\.1 400 /, cut.slice(0, 200));
  assert.match(cut, /bad_header/);
  // what is not a NUL is not refused: bare LF line ends, trailing blanks, empty values
  const lf = await rawHttp(Buffer.from(`GET /api/v1/accounts?limit=1 HTTP/1.1\nHost: x \nX-Empty:\nAccept-Language: zh\t \nAuthorization: Bearer ${admin.token}\nConnection: close\n\n`));
  assert.match(lf, /^HTTP\/1\.1 200 /, lf.slice(0, 300));
  const other = await rawHttp(Buffer.from(`GET /api/v1/metadata HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAccept-Language: en\0zh\r\n\r\n`));
  assert.match(other, /^HTTP\/1\.1 400 /, other.slice(0, 200));
});
