// import.test.mjs - importing CSV and Excel files into any entity: the
// suggested mapping from Chinese headers, preview, duplicate policies,
// per-row errors, all-or-nothing, access rights, and hostile files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { Server, assertError, filterParam } from './harness.mjs';

const srv = new Server();
let admin, wang;
const CSV = { 'Content-Type': 'text/csv; charset=utf-8' };
const XLSX = { 'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };

async function upload(client, entity, raw, headers = CSV) {
  return client.req('POST', `/api/v1/${entity}/import/preview`, { raw, headers });
}
async function runJob(client, id, body) {
  const r = await client.req('POST', `/api/v1/imports/${id}/run`, { body });
  assert.equal(r.status, 202, r.text);
  for (let i = 0; i < 400; i++) {
    const s = await client.get(`/api/v1/imports/${id}`);
    if (s.json.status !== 'running') return s.json;
    await new Promise(ok => setTimeout(ok, 50));
  }
  throw new Error('import did not finish');
}
const names = async (client, q) => (await client.get(`/api/v1/accounts?limit=500&q=${encodeURIComponent(q)}`)).json.items.map(a => a.name).sort();

before(async () => {
  await srv.start();
  srv.addUser('wangfang', 'Wang#2026pw', { name: '王芳' });
  admin = await srv.client();
  wang = await srv.client('wangfang', 'Wang#2026pw');
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('CSV with BOM and Chinese headers: mapping suggested, preview, rows imported with labels and links', async () => {
  const csv = '\uFEFF客户名称,客户类型,客户等级,城市,员工人数,资信额度,备注,不认识的列\r\n' +
    '导入甲有限公司,客户,A 类,南京,120,"1,000.50","多行\n备注, 含逗号",x\r\n' +
    '"导入乙""引号""公司",合作伙伴,,苏州,,,,\r\n';
  const p = await upload(wang, 'accounts', csv);
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.total, 2);
  assert.equal(p.json.mapping['客户名称'], 'name');
  assert.equal(p.json.mapping['客户类型'], 'type');
  assert.equal(p.json.mapping['不认识的列'], undefined);
  assert.deepEqual(p.json.rows[1].slice(0, 2), ['导入乙"引号"公司', '合作伙伴']);
  assert.ok(p.json.fields.some(f => f.name === 'name' && f.required));
  const job = await runJob(wang, p.json.id, { mapping: p.json.mapping });
  assert.equal(job.status, 'done', JSON.stringify(job));
  assert.deepEqual([job.created, job.failed], [2, 0], JSON.stringify(job.errors));
  const a = (await wang.get('/api/v1/accounts?filter=' + filterParam({ field: 'name', op: 'eq', value: '导入甲有限公司' }))).json.items[0];
  assert.equal(a.type, 'customer');
  assert.equal(a.employees, 120);
  assert.equal(a.credit_limit, 1000.5);
  assert.equal(a.description, '多行\n备注, 含逗号');
  assert.equal(a.owner_id, wang.user.id);
  // a contact file links to the customer by name
  const c = await upload(wang, 'contacts', '姓名,客户,手机\n导入联系人,导入甲有限公司,13912345678\n无主联系人,不存在的公司,\n');
  const cj = await runJob(wang, c.json.id, { mapping: c.json.mapping });
  assert.equal(cj.created, 1);
  assert.equal(cj.failed, 1);
  assert.deepEqual(cj.errors[0], { row: 3, message: cj.errors[0].message, fields: { account_id: 'not_found' } });
});

test('GBK-encoded CSV (as Excel saves it in China) and tab-separated text', async () => {
  const gbk = iconv.encode('客户名称,城市\n国标编码公司,杭州\n', 'gbk');
  const p = await upload(wang, 'accounts', gbk);
  assert.equal(p.status, 200, p.text);
  assert.deepEqual(p.json.rows[0], ['国标编码公司', '杭州']);
  const tsv = await upload(wang, 'accounts', '客户名称\t城市\n制表符公司\t宁波\n');
  assert.deepEqual(tsv.json.rows[0], ['制表符公司', '宁波']);
});

test('Excel .xlsx made by exceljs: strings, numbers, dates, booleans', async () => {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('客户');
  sheet.addRow(['客户名称', '员工人数', '热点客户', '下次联系时间', '客户等级', '成立日期']);
  // Excel keeps the wall-clock time the user typed (no zone); exceljs
  // writes a Date's UTC fields as that wall clock: 09:00 typed in China.
  sheet.addRow(['表格导入公司', 35, true, new Date(Date.UTC(2026, 11, 24, 9, 0)), 'B 类', new Date(Date.UTC(2020, 4, 1))]);
  sheet.addRow(['表格导入二公司', 7, false, null, null, null]);
  sheet.getColumn(4).numFmt = 'yyyy"年"m"月"d"日" hh:mm';
  sheet.getColumn(6).numFmt = 'yyyy/m/d';
  const buf = Buffer.from(await book.xlsx.writeBuffer());
  const p = await upload(wang, 'accounts', buf, XLSX);
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.mapping['热点客户'], 'is_hot');
  // The preview shows dates as people read them, not Excel's serials.
  assert.equal(p.json.rows[0][3], '2026-12-24 09:00:00');
  assert.equal(p.json.rows[0][5], '2020-05-01');
  const job = await runJob(wang, p.json.id, { mapping: p.json.mapping });
  assert.equal(job.created, 2, JSON.stringify(job.errors));
  const a = (await wang.get('/api/v1/accounts?filter=' + filterParam({ field: 'name', op: 'eq', value: '表格导入公司' }))).json.items[0];
  assert.equal(a.employees, 35);
  assert.equal(a.is_hot, true);
  assert.equal(a.next_contact_at, '2026-12-24T01:00:00Z', '09:00 China time');
  assert.equal(a.grade, 'B');
  // A date-time cell into a date field keeps its day.
  const cbook = new ExcelJS.Workbook();
  const cs = cbook.addWorksheet('联系人');
  cs.addRow(['姓名', '客户', '生日']);
  cs.addRow(['表格生日联系人', '表格导入公司', new Date(Date.UTC(1990, 4, 1, 23, 30))]);
  cs.getColumn(3).numFmt = 'yyyy-mm-dd hh:mm';
  const cp = await upload(wang, 'contacts', Buffer.from(await cbook.xlsx.writeBuffer()), XLSX);
  assert.equal(cp.json.rows[0][2], '1990-05-01 23:30:00');
  const cjob = await runJob(wang, cp.json.id, { mapping: cp.json.mapping });
  assert.equal(cjob.created, 1, JSON.stringify(cjob.errors));
  const c = (await wang.get('/api/v1/contacts?filter=' + filterParam({ field: 'name', op: 'eq', value: '表格生日联系人' }))).json.items[0];
  assert.equal(c.birthday, '1990-05-01');
});

test('a plain number cell mapped to a date field is read as an Excel serial in China time', async () => {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('客户');
  sheet.addRow(['客户名称', '下次联系时间']);
  sheet.addRow(['序列号日期公司', 46380.375]); // 2026-12-24 09:00
  const p = await upload(wang, 'accounts', Buffer.from(await book.xlsx.writeBuffer()), XLSX);
  assert.equal(p.json.rows[0][1], '46380.375');
  const job = await runJob(wang, p.json.id, { mapping: p.json.mapping });
  assert.equal(job.created, 1, JSON.stringify(job.errors));
  const a = (await wang.get('/api/v1/accounts?filter=' + filterParam({ field: 'name', op: 'eq', value: '序列号日期公司' }))).json.items[0];
  assert.equal(a.next_contact_at, '2026-12-24T01:00:00Z');
  const cbook = new ExcelJS.Workbook();
  const cs = cbook.addWorksheet('联系人');
  cs.addRow(['姓名', '客户', '生日']);
  cs.addRow(['序列号生日联系人', '序列号日期公司', 32994]); // 1990-05-01
  const cp = await upload(wang, 'contacts', Buffer.from(await cbook.xlsx.writeBuffer()), XLSX);
  const cjob = await runJob(wang, cp.json.id, { mapping: cp.json.mapping });
  assert.equal(cjob.created, 1, JSON.stringify(cjob.errors));
  const c = (await wang.get('/api/v1/contacts?filter=' + filterParam({ field: 'name', op: 'eq', value: '序列号生日联系人' }))).json.items[0];
  assert.equal(c.birthday, '1990-05-01');
});

test('broken rows are reported by row number; the good ones go in; all-or-nothing stores nothing', async () => {
  const csv = '客户名称,员工人数,客户类型,成立日期,城市\n' +
    '好行一公司,10,客户,,\n' +
    ',5,,,\n' +                          // row 3: name missing
    '坏数字公司,十个,,,\n' +             // row 4: not a number
    '坏类型公司,,外星人,,\n' +           // row 5: not an option
    `${'长'.repeat(300)},,,,\n` +         // row 6: too long
    '好行一公司,,,,\n' +                 // row 7: duplicate within the file
    '好行二公司,,,,\n';
  const fields = 'name,employees,type,founded,city';
  let p = await upload(wang, 'accounts', csv);
  const mapping = Object.fromEntries(p.json.headers.map((h, i) => [h, p.json.mapping[h] ?? null]));
  const job = await runJob(wang, p.json.id, { mapping, duplicates: 'create' });
  assert.equal(job.created, 2);
  assert.equal(job.failed, 5);
  const byRow = Object.fromEntries(job.errors.map(e => [e.row, e.fields]));
  assert.equal(byRow[3].name, 'required');
  assert.equal(byRow[4].employees, 'invalid_format');
  assert.equal(byRow[5].type, 'not_an_option');
  assert.equal(byRow[6].name, 'too_long');
  assert.equal(byRow[7].name, 'duplicate');
  assert.deepEqual(Object.keys(byRow).map(Number), [3, 4, 5, 6, 7], 'exactly the broken rows are reported');
  for (const e of job.errors)
    for (const k of Object.keys(e.fields)) assert.ok(fields.split(',').includes(k), `row ${e.row}: ${k} is not a column of the file`);
  assert.deepEqual(await names(wang, '好行'), ['好行一公司', '好行二公司'], 'the good rows went in');
  p = await upload(wang, 'accounts', csv.replaceAll('好行', '全有或全无'));
  const all = await runJob(wang, p.json.id, { mapping, all_or_nothing: true, duplicates: 'create' });
  assert.equal(all.created, 0);
  assert.ok(all.failed > 0);
  assert.deepEqual(await names(wang, '全有或全无'), []);
});

test('a required field of only blanks (spaces, full-width 　) is a row error, not a record', async () => {
  const csv = '客户名称,城市\n空白名称检查甲公司,南京\n   ,无名一\n\u3000\u3000,无名二\n\" \u3000 \",无名三\n';
  const p = await upload(wang, 'accounts', csv);
  assert.equal(p.status, 200, p.text);
  const job = await runJob(wang, p.json.id, { mapping: p.json.mapping, duplicates: 'create' });
  assert.deepEqual([job.created, job.failed], [1, 3], JSON.stringify(job.errors));
  assert.deepEqual(job.errors.map(e => [e.row, e.fields.name]), [[3, 'required'], [4, 'required'], [5, 'required']]);
  for (const city of ['无名一', '无名二', '无名三'])
    assert.equal((await wang.get('/api/v1/accounts?filter=' + filterParam({ field: 'city', op: 'eq', value: city }))).json.total, 0);
});

test('duplicate policies: skip, update, create', async () => {
  await wang.post('/api/v1/accounts', { name: '策略公司', city: '旧城' });
  const csv = '客户名称,城市\n策略公司,新城\n';
  const run = async duplicates => {
    const p = await upload(wang, 'accounts', csv);
    return runJob(wang, p.json.id, { mapping: p.json.mapping, duplicates });
  };
  assert.equal((await run('skip')).skipped, 1);
  assert.equal((await wang.get('/api/v1/accounts?q=' + encodeURIComponent('策略公司'))).json.items[0].city, '旧城');
  assert.equal((await run('update')).updated, 1);
  assert.equal((await wang.get('/api/v1/accounts?q=' + encodeURIComponent('策略公司'))).json.items[0].city, '新城');
  const created = await run('create');
  assert.equal(created.failed, 1, 'the name is unique: a second one is refused');
});

async function download(client, path) {
  const r = await fetch(srv.base + path, { headers: { Authorization: `Bearer ${client.token}` } });
  return { status: r.status, type: r.headers.get('content-type'), disposition: r.headers.get('content-disposition'),
    bytes: Buffer.from(await r.arrayBuffer()) };
}

test('what an import leaves: the skipped duplicates by row and the failed rows as a CSV to correct', async () => {
  const kept = (await wang.post('/api/v1/accounts', { name: '留痕甲公司', city: '旧城' })).json;
  const csv = '客户名称,城市,员工人数\n留痕甲公司,新城,\n留痕乙公司,南京,\n,无名城,\n留痕丙公司,苏州,十个\n留痕丁公司,"无锡, 江阴",\n';
  const p = await upload(wang, 'accounts', csv);
  const job = await runJob(wang, p.json.id, { mapping: p.json.mapping });
  assert.deepEqual([job.created, job.skipped, job.failed], [2, 1, 2], JSON.stringify(job));
  assert.deepEqual(job.skipped_rows, [{ row: 2, value: '留痕甲公司', id: kept.id }]);
  assert.equal(job.failed_file, true);
  const f = await download(wang, `/api/v1/imports/${p.json.id}/failed`);
  assert.equal(f.status, 200);
  assert.match(f.type, /^text\/csv/);
  assert.match(f.disposition, /filename\*=UTF-8''%E5%AF%BC%E5%85%A5/, 'named 导入失败的行');
  const text = f.bytes.toString('utf8');
  assert.ok(text.startsWith('\uFEFF客户名称,城市,员工人数,错误原因\r\n'), text);
  const lines = text.slice(1).trim().split('\r\n');
  assert.equal(lines.length, 3, text);
  assert.match(lines[1], /^,无名城,,.*客户名称/);
  assert.match(lines[2], /^留痕丙公司,苏州,十个,.*员工人数/);
  // corrected and imported again, the file goes in
  const fixed = text.replace(',无名城,', '留痕戊公司,无名城,').replace('十个', '10').split('\r\n')
    .map(l => l.split(',').slice(0, 3).join(',')).join('\r\n');
  const again = await wang.req('POST', '/api/v1/accounts/import?wait=true', { raw: fixed, headers: CSV });
  assert.deepEqual([again.json.created, again.json.failed, again.json.failed_file], [2, 0, false], again.text);
  assertError(assert, await wang.get(`/api/v1/imports/${again.json.id}/failed`), 404);
  // the file is the uploader's alone
  assertError(assert, await admin.get(`/api/v1/imports/${p.json.id}/failed`), 404);
});

test('failed rows of an .xlsx come back as an .xlsx a spreadsheet reader opens', async () => {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('客户');
  sheet.addRow(['客户名称', '客户类型', '城市']);
  sheet.addRow(['表格留痕一公司', '客户', '南京']);
  sheet.addRow(['表格留痕二公司', '外星人', '上海']);
  const p = await upload(wang, 'accounts', Buffer.from(await book.xlsx.writeBuffer()), XLSX);
  const job = await runJob(wang, p.json.id, { mapping: p.json.mapping });
  assert.deepEqual([job.created, job.failed, job.failed_file], [1, 1, true], JSON.stringify(job));
  const f = await download(wang, `/api/v1/imports/${p.json.id}/failed`);
  assert.equal(f.status, 200);
  assert.match(f.type, /spreadsheetml/);
  const back = new ExcelJS.Workbook();
  await back.xlsx.load(f.bytes);
  const rows = back.worksheets[0].getSheetValues().filter(Boolean).map(r => r.slice(1));
  assert.deepEqual(rows[0], ['客户名称', '客户类型', '城市', '错误原因']);
  assert.deepEqual(rows[1].slice(0, 3), ['表格留痕二公司', '外星人', '上海']);
  assert.match(String(rows[1][3]), /客户类型/);
  assert.equal(rows.length, 2);
});

test('the importer chooses who owns the rows: a colleague below, or the public pool; the file\'s own owner column wins', async () => {
  const csv = `客户名称,负责人\n归属甲公司,\n归属乙公司,\n归属丙公司,${admin.user.name}\n`;
  let p = await upload(admin, 'accounts', csv);
  let job = await runJob(admin, p.json.id, { mapping: p.json.mapping, owner: wang.user.id });
  assert.equal(job.created, 3, JSON.stringify(job.errors));
  const owner = async name => (await admin.get('/api/v1/accounts?filter=' + filterParam({ field: 'name', op: 'eq', value: name }))).json.items[0].owner_id;
  assert.equal(await owner('归属甲公司'), wang.user.id);
  assert.equal(await owner('归属丙公司'), admin.user.id, 'the row names its owner');
  p = await upload(admin, 'accounts', '客户名称\n公海导入公司\n');
  job = await runJob(admin, p.json.id, { mapping: p.json.mapping, owner: null });
  assert.equal(job.created, 1, JSON.stringify(job.errors));
  assert.equal(await owner('公海导入公司'), null, 'into the pool');
  const pool = await admin.req('POST', '/api/v1/accounts/import?wait=true&owner=pool', { raw: '客户名称\n公海导入二公司\n', headers: CSV });
  assert.equal(pool.json.created, 1, pool.text);
  assert.equal(await owner('公海导入二公司'), null);
  // a salesperson gives nothing away, and the choice is checked before any row
  p = await upload(wang, 'accounts', '客户名称\n越权归属公司\n');
  assertError(assert, await wang.req('POST', `/api/v1/imports/${p.json.id}/run`, { body: { mapping: p.json.mapping, owner: admin.user.id } }), 422);
  assertError(assert, await wang.req('POST', `/api/v1/imports/${p.json.id}/run`, { body: { mapping: p.json.mapping, owner: null } }), 422);
  assertError(assert, await wang.req('POST', `/api/v1/imports/${p.json.id}/run`, { body: { mapping: p.json.mapping, owner: 'me' } }), 422);
  assertError(assert, await admin.req('POST', '/api/v1/accounts/import?owner=abc', { raw: '客户名称\n坏参数公司\n', headers: CSV }), 422);
  assert.deepEqual(await names(admin, '越权归属'), []);
  assert.deepEqual(await names(admin, '坏参数'), []);
});

test('export then import round-trips; the one-call import works for scripts', async () => {
  const exp = await wang.get('/api/v1/accounts/export?format=csv&q=' + encodeURIComponent('导入甲'));
  const csv = exp.text.replace('导入甲有限公司', '导入甲往返公司');
  const r = await wang.req('POST', '/api/v1/accounts/import?wait=true&duplicates=create', { raw: csv, headers: CSV });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.created, 1, JSON.stringify(r.json.errors));
  const back = (await wang.get('/api/v1/accounts?q=' + encodeURIComponent('导入甲往返公司'))).json.items[0];
  assert.equal(back.employees, 120);
  assert.equal(back.type, 'customer');
});

test('access: another user\'s job is not found; hostile and broken files are 4xx', async () => {
  const p = await upload(wang, 'accounts', '客户名称\n别人的任务公司\n');
  assertError(assert, await admin.get(`/api/v1/imports/${p.json.id}`), 404);
  assertError(assert, await admin.req('POST', `/api/v1/imports/${p.json.id}/run`, { body: { mapping: {} } }), 404);
  assertError(assert, await wang.req('POST', `/api/v1/imports/${p.json.id}/run`, { body: { mapping: { 客户名称: 'nope' } } }), 422);
  assertError(assert, await wang.req('POST', `/api/v1/imports/${p.json.id}/run`, { body: { mapping: {}, extra: 1 } }), 422);
  assertError(assert, await wang.req('POST', `/api/v1/imports/${p.json.id}/run`, { body: { mapping: { 客户名称: 'name' }, duplicates: 'merge' } }), 422);
  assertError(assert, await wang.req('POST', `/api/v1/imports/${p.json.id}/run`, { body: { mapping: { 客户名称: 'code' } } }), 422);
  for (const [raw, headers] of [
    [Buffer.from([0, 1, 2, 3, 255, 254, 0, 0]), CSV],
    [Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100, 7)]), XLSX],
    ['', CSV],
    ['客户名称\n', CSV],
    ['客户名称\n"未闭合的引号\n', CSV],
    [`客户名称\n${'x'.repeat(40000)}\n`, CSV]]) {
    const r = await upload(wang, 'accounts', raw, headers);
    assert.ok(r.status >= 400 && r.status < 500, `${r.status} ${r.text}`);
    assert.ok(r.json && r.json.error, r.text);
  }
  assertError(assert, await wang.req('POST', '/api/v1/users/import/preview', { raw: 'username\nx\n', headers: CSV }), 403);
  assertError(assert, await wang.get('/api/v1/imports/00000000000000000000000000000000'), 404);
});

test('many uploads of one user do not take away another user\'s; one upload runs once even when started twice at once', async () => {
  const csv = n => `客户名称\r\n并发导入${n}有限公司\r\n`;
  const theirs = await upload(wang, 'accounts', csv('王'));
  assert.equal(theirs.status, 200, theirs.text);
  const mine = [];
  for (let i = 0; i < 70; i++) {
    const r = await upload(admin, 'accounts', csv(i));
    assert.equal(r.status, 200, r.text);
    mine.push(r.json.id);
  }
  // the admin keeps the newest few of theirs; the oldest went
  assertError(assert, await admin.get(`/api/v1/imports/${mine[0]}`), 404);
  assert.equal((await admin.get(`/api/v1/imports/${mine[69]}`)).status, 200);
  // 王芳's upload is still there and runs, once
  const body = { mapping: { 客户名称: 'name' } };
  const [a, b] = await Promise.all([0, 1].map(() => wang.req('POST', `/api/v1/imports/${theirs.json.id}/run`, { body })));
  assert.deepEqual([a.status, b.status].sort(), [202, 409], a.text + b.text);
  for (let i = 0; i < 200 && (await wang.get(`/api/v1/imports/${theirs.json.id}`)).json.status === 'running'; i++)
    await new Promise(ok => setTimeout(ok, 25));
  const done = (await wang.get(`/api/v1/imports/${theirs.json.id}`)).json;
  assert.equal(done.status, 'done');
  assert.equal(done.created, 1);
  assert.deepEqual(await names(wang, '并发导入王'), ['并发导入王有限公司']);
});

test('form uploads (multipart/form-data) as a browser or curl -F sends them', async () => {
  // undici's FormData encodes it: a text field first, then the file
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('客户').addRows([['客户名称', '城市'], ['表单上传甲有限公司', '苏州']]);
  const form = new FormData();
  form.append('note', '第一部分不是文件');
  form.append('upload', new Blob([await wb.xlsx.writeBuffer()]), '客户.xlsx');
  const r = await admin.req('POST', '/api/v1/accounts/import/preview', { raw: form });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.mapping['客户名称'], 'name');
  const done = await runJob(admin, r.json.id, { mapping: r.json.mapping });
  assert.equal(done.created, 1);
  // a hand-made body with a quoted boundary and a part named "file" without a filename
  const b = 'kehu b=1?';
  const body = `preamble\r\n--${b}\r\nContent-Disposition: form-data; name="file"\r\nContent-Type: text/csv\r\n\r\n客户名称\r\n表单上传乙有限公司\r\n--${b}--\r\n`;
  const r2 = await admin.req('POST', '/api/v1/accounts/import?wait=true', { raw: body, headers: { 'Content-Type': `multipart/form-data; boundary="${b}"` } });
  assert.equal(r2.status, 200, r2.text);
  assert.equal(r2.json.created, 1);
  assert.deepEqual(await names(admin, '表单上传'), ['表单上传乙有限公司', '表单上传甲有限公司']);
  // broken forms are 422, never a crash
  for (const [ct, raw] of [
    ['multipart/form-data', body],                                   // no boundary
    [`multipart/form-data; boundary=${'x'.repeat(80)}`, body],        // too long
    ['multipart/form-data; boundary=zz', '--zz\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--zz--'], // no file
    [`multipart/form-data; boundary="${b}"`, body.slice(0, 60)],      // cut short
  ]) assertError(assert, await admin.req('POST', '/api/v1/accounts/import/preview', { raw, headers: { 'Content-Type': ct } }), 422);
});

test('the wizard\'s steps may reach different processes on one database: upload here, run there, status here', async () => {
  const other = await new Server().start({ db: srv.db, dir: srv.dir });
  try {
    const auth = { Authorization: `Bearer ${admin.token}` };
    const rows = Array.from({ length: 3000 }, (_, i) => `两进程导入${i}有限公司`).join('\r\n');
    const up = await upload(admin, 'accounts', `客户名称\r\n${rows}\r\n`);
    assert.equal(up.status, 200, up.text);
    const run = await other.request('POST', `/api/v1/imports/${up.json.id}/run`, { body: { mapping: up.json.mapping }, headers: auth });
    assert.equal(run.status, 202, run.text);
    let s;
    // 3,000 rows on PostgreSQL take seconds alone and far longer on two
    // busy cores: wait on the job, up to two minutes
    for (const end = Date.now() + 120_000; Date.now() < end;) {
      s = await admin.get(`/api/v1/imports/${up.json.id}`); // this process did not run it: the table tells
      assert.equal(s.status, 200, s.text);
      if (s.json.status !== 'running') break;
      await new Promise(ok => setTimeout(ok, 100));
    }
    assert.equal(s.json.status, 'done', s.text);
    assert.equal(s.json.created, 3000);
    assertError(assert, await admin.req('POST', `/api/v1/imports/${up.json.id}/run`, { body: { mapping: up.json.mapping } }), 409);
  } finally {
    await other.stop();
  }
});
