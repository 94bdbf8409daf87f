// export.test.mjs - the list as CSV and Excel, read back by a spreadsheet
// library nobody here wrote (exceljs): Chinese headers, exact numbers,
// custom fields at once, formula injection neutralised, and visibility.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { Server, assertError, filterParam } from './harness.mjs';

const srv = new Server();
let admin;

before(async () => {
  await srv.start();
  admin = await srv.client();
  await admin.post('/api/v1/metadata/entities/accounts/fields', { name: 'tax_no', label_zh: '税号', label_en: 'Tax number', type: 'text' });
  for (const a of [
    { name: '南京奥派信息技术有限责任公司', city: '南京', annual_revenue: 1234567.89, grade: 'A', cf_tax_no: '91320100MA1X' },
    { name: '=HYPERLINK("http://evil","点我")', city: '上海' },
    { name: '逗号,和"引号"有限公司', city: '南京', is_hot: true },
  ]) assert.equal((await admin.post('/api/v1/accounts', a)).status, 201);
  const acc = (await admin.get(`/api/v1/accounts?q=${encodeURIComponent('奥派')}`)).json.items[0];
  await admin.post('/api/v1/contacts', { name: '欧阳晓东', account_id: acc.id });
});
after(async () => { await srv.stop(); srv.cleanup(); });

async function download(path) {
  const res = await fetch(srv.base + path, { headers: { Authorization: `Bearer ${admin.token}` } });
  return { status: res.status, headers: res.headers, buf: Buffer.from(await res.arrayBuffer()) };
}

// Minimal RFC 4180 reader, enough for the test.
function parseCsv(text) {
  const rows = []; let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; }
    else if (ch === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; }
    else cell += ch;
  }
  return rows;
}

test('CSV export: BOM, Chinese headers, filtered rows, custom field, neutralised formulas', async () => {
  const r = await download(`/api/v1/accounts/export?format=csv&sort=name&filter=${filterParam({ field: 'city', op: 'in', value: ['南京', '上海'] })}`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  assert.match(r.headers.get('content-disposition'), /attachment; filename="accounts-\d{8}\.csv"; filename\*=UTF-8''%E5%AE%A2%E6%88%B7-/);
  assert.deepEqual([...r.buf.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const rows = parseCsv(r.buf.subarray(3).toString('utf8'));
  const head = rows[0];
  for (const label of ['客户编号', '客户名称', '城市', '年营业额', '税号', '负责人']) assert.ok(head.includes(label), label);
  const col = name => head.indexOf(name);
  assert.equal(rows.length, 4);
  const aopai = rows.find(r => r[col('客户名称')].includes('奥派'));
  assert.equal(aopai[col('年营业额')], '1234567.89');
  assert.equal(aopai[col('客户等级')], 'A 类（重点客户）');
  assert.equal(aopai[col('税号')], '91320100MA1X');
  assert.equal(aopai[col('负责人')], '系统管理员');
  assert.ok(rows.some(r => r[col('客户名称')] === '\'=HYPERLINK("http://evil","点我")'), 'formula neutralised');
  assert.ok(rows.some(r => r[col('客户名称')] === '逗号,和"引号"有限公司' && r[col('热点客户')] === '是'));
});

test('Excel export is read back by exceljs with numbers as numbers', async () => {
  const r = await download('/api/v1/accounts/export?format=xlsx&sort=name');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(r.buf);
  const sheet = wb.worksheets[0];
  assert.equal(sheet.name, '客户');
  const head = sheet.getRow(1).values.slice(1);
  const col = name => head.indexOf(name) + 1;
  assert.equal(sheet.rowCount, 4);
  let found = false;
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    const name = row.getCell(col('客户名称')).value;
    if (String(name).includes('奥派')) {
      found = true;
      assert.equal(row.getCell(col('年营业额')).value, 1234567.89);
      assert.equal(row.getCell(col('城市')).value, '南京');
    }
    assert.ok(!String(name).startsWith('='), 'no live formula');
  });
  assert.ok(found);
  const en = await fetch(srv.base + '/api/v1/accounts/export?format=xlsx', { headers: { Authorization: `Bearer ${admin.token}`, 'Accept-Language': 'en' } });
  const wb2 = new ExcelJS.Workbook();
  await wb2.xlsx.load(Buffer.from(await en.arrayBuffer()));
  assert.equal(wb2.worksheets[0].name, 'Accounts');
  assert.ok(wb2.worksheets[0].getRow(1).values.includes('Account name'));
});

test('contacts export shows the customer name for the link', async () => {
  const r = await download('/api/v1/contacts/export?format=csv');
  const rows = parseCsv(r.buf.subarray(3).toString('utf8'));
  const col = rows[0].indexOf('所属客户');
  assert.equal(rows[1][col], '南京奥派信息技术有限责任公司');
});

test('export sees only what the list sees; bad parameters are 400', async () => {
  srv.addUser('zhaolei', 'Zhao#2026pw', { name: '赵磊' });
  const zhao = await srv.client('zhaolei', 'Zhao#2026pw');
  await zhao.post('/api/v1/accounts', { name: '赵磊的客户有限公司' });
  const res = await fetch(srv.base + '/api/v1/accounts/export?format=csv', { headers: { Authorization: `Bearer ${zhao.token}` } });
  const rows = parseCsv((await res.text()).replace(/^\uFEFF/, ''));
  assert.equal(rows.length, 2);
  assert.ok(rows[1].includes('赵磊的客户有限公司'));
  assertError(assert, await admin.get('/api/v1/accounts/export?format=pdf'), 400, 'bad_param');
  assertError(assert, await admin.get(`/api/v1/accounts/export?filter=${filterParam({ field: 'x', op: 'eq', value: 1 })}`), 400, 'bad_filter');
  assertError(assert, await admin.get('/api/v1/nosuch/export'), 404);
});

test('contacts export as vCards that a real parser (ical.js) reads back', async () => {
  const ICAL = (await import('ical.js')).default;
  const acc = await admin.post('/api/v1/accounts', { name: '上海名片科技有限公司' });
  const longNote = '第一行；含分号, 逗号\\和反斜杠\n第二行' + '很长的备注'.repeat(20);
  for (const c of [
    { name: '欧阳娜娜', title: '销售总监', mobile: '13900002222', phone: '021-66667777', email: 'ouyang@mingpian.cn', address: '上海市浦东新区世纪大道100号', description: longNote },
    { name: '张伟', title: '采购', mobile: '13800001111' },
    { name: 'John Smith', email: 'john@example.com' }])
    assert.equal((await admin.post('/api/v1/contacts', { ...c, account_id: acc.json.id })).status, 201);
  const r = await admin.get('/api/v1/contacts/export?format=vcf&q=' + encodeURIComponent('') + '&filter=' +
    encodeURIComponent(JSON.stringify({ field: 'account_id', op: 'eq', value: acc.json.id })));
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /text\/vcard/);
  for (const line of r.text.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, `folded: ${line}`);
  const cards = ICAL.parse(r.text).map(j => new ICAL.Component(j));
  assert.equal(cards.length, 3);
  const byName = Object.fromEntries(cards.map(c => [c.getFirstPropertyValue('fn'), c]));
  const oy = byName['欧阳娜娜'];
  assert.deepEqual(oy.getFirstPropertyValue('n'), ['欧阳', '娜娜', '', '', '']);
  assert.deepEqual([].concat(oy.getFirstPropertyValue('org')), ['上海名片科技有限公司']);
  assert.equal(oy.getFirstPropertyValue('title'), '销售总监');
  assert.equal(oy.getFirstPropertyValue('email'), 'ouyang@mingpian.cn');
  assert.ok(oy.getAllProperties('tel').map(p => p.getFirstValue()).includes('13900002222'));
  assert.equal(oy.getFirstPropertyValue('note'), longNote);
  assert.deepEqual(byName['张伟'].getFirstPropertyValue('n').slice(0, 2), ['张', '伟']);
  assert.deepEqual(byName['John Smith'].getFirstPropertyValue('n').slice(0, 2), ['Smith', 'John']);
  assertError(assert, await admin.get('/api/v1/accounts/export?format=vcf'), 400, 'bad_param');
});

test('exports speak to people: times in China time (and back the same through import), no version column', async () => {
  const a = (await admin.post('/api/v1/activities', { subject: '导出时间测试', kind: 'visit', start_at: '2026-12-03T02:00:00Z' })).json;
  const csv = (await download('/api/v1/activities/export?format=csv&filter=' + filterParam({ field: 'id', op: 'eq', value: a.id }))).buf.toString('utf8').replace(/^\uFEFF/, '');
  const [head, row] = parseCsv(csv);
  assert.ok(!head.includes('版本') && !head.includes('删除时间'), head.join('|'));
  assert.equal(row[head.indexOf('开始时间')], '2026-12-03 10:00:00');
  // a file exported and imported back updates the record with the same time
  const imp = await admin.req('POST', '/api/v1/activities/import?wait=true&duplicates=update&match=subject', { raw: csv, headers: { 'Content-Type': 'text/csv' } });
  assert.equal(imp.status, 200, imp.text);
  assert.deepEqual([imp.json.updated, imp.json.failed], [1, 0], imp.text);
  assert.equal((await admin.get(`/api/v1/activities/${a.id}`)).json.start_at, '2026-12-03T02:00:00Z');
  // the recycle bin's export keeps when each record was deleted
  await admin.del(`/api/v1/activities/${a.id}`);
  const bin = parseCsv((await download('/api/v1/activities/export?format=csv&deleted=true')).buf.toString('utf8').replace(/^\uFEFF/, ''));
  assert.ok(bin[0].includes('删除时间'));
});

test('Excel export for people: the visible columns in their order, real dates, frozen header, widths, China date in the name', async () => {
  const act = (await admin.post('/api/v1/activities', { subject: 'Excel 日期测试', kind: 'visit', start_at: '2026-12-03T01:00:00Z' })).json;
  const r = await download('/api/v1/activities/export?format=xlsx&fields=subject,start_at,owner_id&filter=' +
    filterParam({ field: 'id', op: 'eq', value: act.id }));
  assert.equal(r.status, 200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(r.buf);
  const sheet = wb.worksheets[0];
  assert.deepEqual(sheet.getRow(1).values.slice(1), ['主题', '开始时间', '负责人']);
  const cell = sheet.getRow(2).getCell(2);
  // A date cell that a spreadsheet sorts and filters as a date, showing
  // the China time 09:00 (exceljs reads Excel's wall clock as UTC fields).
  assert.ok(cell.value instanceof Date, `a date cell, got ${typeof cell.value}`);
  assert.equal(cell.value.toISOString(), '2026-12-03T09:00:00.000Z');
  assert.match(cell.numFmt, /yyyy-mm-dd hh:mm/);
  assert.equal(sheet.views[0].state, 'frozen');
  assert.equal(sheet.views[0].ySplit, 1);
  assert.ok(sheet.getColumn(1).width >= 12, `width ${sheet.getColumn(1).width}`);
  assert.ok(sheet.getRow(1).getCell(1).font?.bold, 'bold header');
  const chinaDay = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10).replaceAll('-', '');
  assert.match(r.headers.get('content-disposition'), new RegExp(`activities-${chinaDay}\\.xlsx`));
  // An unknown field name is refused; with no fields, every visible field.
  assertError(assert, await admin.get('/api/v1/activities/export?format=xlsx&fields=subject,nosuch'), 400, 'bad_param');
  const csv = (await download('/api/v1/activities/export?format=csv&fields=start_at,subject&filter=' +
    filterParam({ field: 'id', op: 'eq', value: act.id }))).buf.toString('utf8').replace(/^\uFEFF/, '');
  assert.deepEqual(parseCsv(csv), [['开始时间', '主题'], ['2026-12-03 09:00:00', 'Excel 日期测试']]);
});

test('a field the user may not see is left out of an export even when named', async () => {
  const prof = (await admin.post('/api/v1/profiles', {
    name: '隐藏年营业额', permissions: { accounts: { view: true, export: true } }, field_access: { accounts: { annual_revenue: 'hidden' } },
  })).json;
  const role = (await admin.post('/api/v1/roles', { name: '导出测试岗位', profile_ids: [prof.id] })).json;
  srv.addUser('export_fields', 'Export#2026pass');
  const uid = (await admin.get('/api/v1/users?q=export_fields')).json.items[0].id;
  await admin.patch(`/api/v1/users/${uid}`, { role_id: role.id });
  const u = await srv.client('export_fields', 'Export#2026pass');
  await u.post('/api/v1/accounts', { name: '字段导出测试公司', annual_revenue: 99999 });
  const res = await fetch(srv.base + '/api/v1/accounts/export?format=csv&fields=name,annual_revenue', { headers: { Authorization: `Bearer ${u.token}` } });
  const rows = parseCsv((await res.text()).replace(/^\uFEFF/, ''));
  assert.deepEqual(rows[0], ['客户名称']);
  assert.ok(!rows.flat().includes('99999') && !rows.flat().includes('99999.00'));
});
