// hostile.test.mjs - what attack tools found (issue 14, "robust against
// hostile clients"): invalid UTF-8 in uploads, formulas hidden behind
// exotic whitespace in exports, numbers that underflow, filter limits, NUL
// bytes in headers, and spreadsheet bombs. Each answer is a clear 4xx in the
// documented error format, never a 500 nor invalid UTF-8.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { deflateRawSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
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

// ---- spreadsheet bombs, built here at test time ----

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
// A minimal zip (deflate, no data descriptors) of {name: Buffer}.
function zip(files) {
  const locals = [], central = [];
  let offset = 0;
  for (const [name, data] of Object.entries(files)) {
    const packed = deflateRawSync(data, { level: 9 });
    const nameBuf = Buffer.from(name);
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0); head.writeUInt16LE(20, 4); head.writeUInt16LE(8, 8);
    head.writeUInt32LE(crc32(data), 14); head.writeUInt32LE(packed.length, 18); head.writeUInt32LE(data.length, 22);
    head.writeUInt16LE(nameBuf.length, 26);
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0); cen.writeUInt16LE(20, 4); cen.writeUInt16LE(20, 6); cen.writeUInt16LE(8, 10);
    cen.writeUInt32LE(crc32(data), 16); cen.writeUInt32LE(packed.length, 20); cen.writeUInt32LE(data.length, 24);
    cen.writeUInt16LE(nameBuf.length, 28); cen.writeUInt32LE(offset, 42);
    locals.push(head, nameBuf, packed);
    central.push(cen, nameBuf);
    offset += head.length + nameBuf.length + packed.length;
  }
  const cd = Buffer.concat(central), end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(central.length / 2, 8); end.writeUInt16LE(central.length / 2, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
const SHEET_HEAD = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">';
const sheet = (rows, dimension = '') => Buffer.from(`${SHEET_HEAD}${dimension}<sheetData>${rows}</sheetData></worksheet>`);
const HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>客户名称</t></is></c></row>';
const workbook = parts => zip({ '[Content_Types].xml': Buffer.from('<Types/>'), ...parts });

// The server's peak resident memory (VmHWM), in MB.
const peakMB = () => Number(readFileSync(`/proc/${srv.proc.pid}/status`, 'utf8').match(/VmHWM:\s+(\d+)/)[1]) / 1024;

test('spreadsheet bombs are refused with 422 and a clear message; an import stays within its memory budget', { timeout: 600_000 }, async () => {
  const before = peakMB();
  const bombs = [];
  // 1. shared strings that inflate to 192 MB from a couple of hundred KB (as the attack tool's 488 KB file)
  const si = `<si><t>${'炸'.repeat(10000)}</t></si>`;
  const ssBomb = Buffer.alloc(Buffer.byteLength(si) * 6400);
  ssBomb.fill(si);
  bombs.push(['zip ratio', workbook({
    'xl/sharedStrings.xml': Buffer.concat([Buffer.from('<sst>'), ssBomb, Buffer.from('</sst>')]),
    'xl/worksheets/sheet1.xml': sheet(`${HEADER_ROW}<row r="2"><c r="A2" t="s"><v>0</v></c></row>`),
  }), /压缩比|炸弹/]);
  // 2. shared strings over their limit, compressed only about 20 times (no ratio alarm)
  const strings = [];
  for (let i = 0, size = 0; size < 34 << 20; i++) {
    const s = `<si><t>客户${i}-${randomBytes(12).toString('hex')}-${'有限公司'.repeat(40)}</t></si>`;
    strings.push(s);
    size += Buffer.byteLength(s);
  }
  bombs.push(['shared strings size', workbook({
    'xl/sharedStrings.xml': Buffer.from(`<sst>${strings.join('')}</sst>`),
    'xl/worksheets/sheet1.xml': sheet(`${HEADER_ROW}<row r="2"><c r="A2" t="s"><v>0</v></c></row>`),
  }), /共享字符串/]);
  strings.length = 0;
  // 3. more than 4,000,000 cells, with digits that do not compress much
  const rows = [HEADER_ROW];
  const digits = randomBytes(4_300_000);
  for (let r = 0; r < 21_500; r++) {
    let row = `<row r="${r + 2}">`;
    for (let c = 0; c < 200; c++) row += `<c><v>${digits[r * 200 + c] % 10}</v></c>`;
    rows.push(row + '</row>');
  }
  bombs.push(['cell count', workbook({ 'xl/worksheets/sheet1.xml': sheet(rows.join('')) }), /单元格/]);
  rows.length = 0;
  // 4. a declared sheet range of 200 columns by 1,048,576 rows
  bombs.push(['sheet dimension', workbook({
    'xl/worksheets/sheet1.xml': sheet(`${HEADER_ROW}<row r="2"><c r="A2"><v>1</v></c></row>`, '<dimension ref="A1:GR1048576"/>'),
  }), /工作表范围/]);
  // 5. an entity expansion (billion laughs) inside the XML
  const lol = '<!DOCTYPE s [<!ENTITY a "炸炸炸炸炸炸炸炸炸炸"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>';
  bombs.push(['entities', workbook({
    'xl/sharedStrings.xml': Buffer.from(`${lol}<sst><si><t>&d;&d;&d;&d;&d;&d;&d;&d;</t></si></sst>`),
    'xl/worksheets/sheet1.xml': sheet(`${HEADER_ROW}<row r="2"><c r="A2" t="s"><v>0</v></c></row>`),
  }), /DTD/]);
  // Building them kept the event loop busy: let the client see the keep-alive
  // connections the server closed meanwhile before it sends on them.
  await new Promise(r => setTimeout(r, 200));
  for (const [what, file, message] of bombs) {
    // four at once, as the attack did
    const answers = await Promise.all([0, 1, 2, 3].map(() => admin.req('POST', '/api/v1/accounts/import/preview', { raw: file, headers: XLSX })));
    for (const r of answers) {
      assertError(assert, r, 422, 'bad_file');
      assert.match(r.json.error.message, message, `${what}: ${r.json.error.message}`);
    }
    const grown = peakMB() - before;
    console.log(`${what}: ${(file.length / 1024).toFixed(0)} KB upload, 4 at once, server peak grew ${grown.toFixed(1)} MB`);
  }
  // Four imports at once: each holds at most its upload (twice while the body
  // grows) and the 64 MB budget; these bombs all stop far below it.
  // (Under AddressSanitizer freed memory waits in a quarantine of 256 MB:
  // the peak says nothing there.)
  const sanitized = !!process.env.ASAN_OPTIONS || /libasan|asan_rt/.test(readFileSync(`/proc/${srv.proc.pid}/maps`, 'utf8'));
  const largest = Math.max(...bombs.map(b => b[1].length)) / (1 << 20);
  const grown = peakMB() - before;
  if (!sanitized) {
    assert.ok(grown < 4 * (2 * largest + 64), `peak memory grew ${grown.toFixed(1)} MB`);
    assert.ok(grown < 200, `peak memory grew ${grown.toFixed(1)} MB (was about 1 GB per request)`);
  }
  // and a real workbook still imports
  const book = new ExcelJS.Workbook();
  book.addWorksheet('客户').addRows([['客户名称'], ['炸弹之后的正常公司']]);
  const ok = await admin.req('POST', '/api/v1/accounts/import/preview', { raw: Buffer.from(await book.xlsx.writeBuffer()), headers: XLSX });
  assert.equal(ok.status, 200, ok.text);
});
