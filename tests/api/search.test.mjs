// search.test.mjs - Chinese quick search on the pair index, pinyin search
// and sort, the A-Z initial bar, and the index following every write.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError } from './harness.mjs';

const srv = new Server();
let admin;
const names = ['南京奥派信息技术有限责任公司', '北京百度网讯科技有限公司', '长沙银行股份有限公司', '阿里巴巴（中国）有限公司', 'IBM 中国有限公司', '重庆长安汽车股份有限公司', '3M 中国有限公司'];

before(async () => {
  await srv.start();
  admin = await srv.client();
  for (const name of names) assert.equal((await admin.post('/api/v1/accounts', { name, phone: '025-83335555' })).status, 201);
});
after(async () => { await srv.stop(); srv.cleanup(); });

const q = async (text, extra = '') => {
  const r = await admin.get(`/api/v1/accounts?q=${encodeURIComponent(text)}&limit=100${extra}`);
  assert.equal(r.status, 200, r.text);
  return r.json.items.map(i => i.name);
};

test('two-character and longer Chinese queries find substrings', async () => {
  assert.deepEqual(await q('奥派'), ['南京奥派信息技术有限责任公司']);
  assert.deepEqual(await q('奥派信息'), ['南京奥派信息技术有限责任公司']);
  assert.deepEqual(await q('派奥'), []);
  assert.equal((await q('有限')).length, names.length);
  assert.deepEqual((await q('银行')), ['长沙银行股份有限公司']);
  assert.deepEqual((await q('行')), ['长沙银行股份有限公司'], 'one character still works (by scan)');
});

test('Latin and digits match by word prefix; pinyin finds Chinese names', async () => {
  assert.deepEqual(await q('ibm'), ['IBM 中国有限公司']);
  assert.deepEqual(await q('IB'), ['IBM 中国有限公司']);
  assert.equal((await q('8333')).length, names.length, 'phone prefix');
  assert.deepEqual(await q('njap'), ['南京奥派信息技术有限责任公司']);
  assert.deepEqual(await q('nanjing'), ['南京奥派信息技术有限责任公司']);
  assert.deepEqual(await q('csyh'), ['长沙银行股份有限公司'], 'polyphone 长 read chang, 行 read hang');
  assert.deepEqual(await q('chongqing'), ['重庆长安汽车股份有限公司']);
});

test('the index follows updates and deletes', async () => {
  const id = (await admin.get(`/api/v1/accounts?q=${encodeURIComponent('百度')}`)).json.items[0].id;
  await admin.patch(`/api/v1/accounts/${id}`, { name: '北京字节跳动科技有限公司' });
  assert.deepEqual(await q('百度'), []);
  assert.deepEqual(await q('字节'), ['北京字节跳动科技有限公司']);
  assert.deepEqual(await q('bjzjtd'), ['北京字节跳动科技有限公司'], 'pinyin matches from the start of the name');
  await admin.patch(`/api/v1/accounts/${id}`, { city: '北京' }); // not a search field
  assert.deepEqual(await q('字节'), ['北京字节跳动科技有限公司']);
  await admin.del(`/api/v1/accounts/${id}`);
  assert.deepEqual(await q('字节'), []);
  assert.deepEqual(await q('字节', '&deleted=true'), ['北京字节跳动科技有限公司']);
  const restored = await admin.post(`/api/v1/accounts/${id}/restore`);
  assert.equal(restored.status, 200, restored.text);
  assert.deepEqual(await q('字节'), ['北京字节跳动科技有限公司']);
});

test('lists sort by pinyin and the A-Z bar filters by initial', async () => {
  const all = (await admin.get('/api/v1/accounts?limit=100')).json.items.map(i => i.name);
  assert.deepEqual(all.slice(0, 2), ['3M 中国有限公司', '阿里巴巴（中国）有限公司']);
  assert.ok(all.indexOf('北京字节跳动科技有限公司') < all.indexOf('长沙银行股份有限公司'));
  assert.ok(all.indexOf('长沙银行股份有限公司') < all.indexOf('重庆长安汽车股份有限公司'));
  const c = (await admin.get('/api/v1/accounts?initial=c')).json.items.map(i => i.name);
  assert.deepEqual(c, ['长沙银行股份有限公司', '重庆长安汽车股份有限公司']);
  assert.deepEqual((await admin.get('/api/v1/accounts?initial=%23')).json.items.map(i => i.name), ['3M 中国有限公司']);
  assert.deepEqual((await admin.get('/api/v1/accounts?initial=I')).json.items.map(i => i.name), ['IBM 中国有限公司']);
  for (const bad of ['ab', '1', '%E4%B8%AD', '']) assertError(assert, await admin.get(`/api/v1/accounts?initial=${bad}`), 400, 'bad_param');
});

test('similar names warn while typing, ignoring legal forms and cities', async () => {
  const dup = async name => (await admin.get(`/api/v1/accounts/duplicates?name=${encodeURIComponent(name)}`)).json;
  let r = await dup('奥派信息技术（南京）有限公司');
  assert.equal(r.items[0].name, '南京奥派信息技术有限责任公司');
  assert.ok(r.items[0].score >= 0.9, JSON.stringify(r));
  assert.equal(r.items[0].exact, false);
  r = await dup('奥派');
  assert.deepEqual(r.items.map(i => i.name), ['南京奥派信息技术有限责任公司']);
  r = await dup('南京奥派信息技术有限责任公司');
  assert.equal(r.items[0].exact, true);
  assert.deepEqual((await dup('完全不相干的名字')).items, []);
  // a typo in the distinctive part ranks above another firm of the same trade
  for (const name of ['北京华兴汽车零部件集团有限公司', '北京海讯汽车零部件集团有限公司']) // a tie would put 华兴 first
    assert.equal((await admin.post('/api/v1/accounts', { name })).status, 201);
  r = await dup('北京海汛汽车零部件集团有限公司');
  assert.equal(r.items[0].name, '北京海讯汽车零部件集团有限公司', JSON.stringify(r));
  assert.ok(r.items[0].score > r.items[1].score, JSON.stringify(r));
  assert.deepEqual((await dup('有限公司')).items, [], 'a legal form alone is not a name');
  assertError(assert, await admin.get('/api/v1/accounts/duplicates'), 400, 'bad_param');
  // Only what the user may see: another user's customer is not revealed.
  srv.addUser('sunli', 'Sun#2026pw', { name: '孙丽' });
  const sun = await srv.client('sunli', 'Sun#2026pw');
  assert.deepEqual((await sun.get(`/api/v1/accounts/duplicates?name=${encodeURIComponent('奥派')}`)).json.items, []);
});

test('a search matching thousands gives the same pages as a filter', async () => {
  const csv = '客户名称\r\n' + Array.from({ length: 5100 }, (_, i) => `广州测试商贸${String(i).padStart(4, '0')}有限公司`).join('\r\n') + '\r\n';
  const imp = await admin.req('POST', '/api/v1/accounts/import?wait=true', { raw: csv, headers: { 'Content-Type': 'text/csv' } });
  assert.equal(imp.status, 200, imp.text);
  assert.equal(imp.json.created, 5100);
  const byFilter = async offset => (await admin.get('/api/v1/accounts?limit=50&offset=' + offset + '&filter=' +
    encodeURIComponent(JSON.stringify({ field: 'name', op: 'contains', value: '广州测试商贸' })))).json;
  for (const offset of [0, 2500]) {
    const q = (await admin.get(`/api/v1/accounts?q=gzcs&limit=50&offset=${offset}`)).json;
    const f = await byFilter(offset);
    assert.equal(q.total, 5100);
    assert.deepEqual(q.items.map(i => i.id), f.items.map(i => i.id), `offset ${offset}`);
  }
  // a narrow one still finds its few: 0042 in the name, or codes KH-0042xx
  const few = (await admin.get('/api/v1/accounts?q=' + encodeURIComponent('测试商贸0042'))).json;
  assert.equal(few.items[0].name, '广州测试商贸0042有限公司');
  assert.ok(few.total < 200 && few.items.every(i => i.name.includes('0042') || i.code.startsWith('KH-0042')), JSON.stringify(few.items.slice(0, 3)));
});

test('the global search gives the first hits of the list, in pinyin order', async () => {
  for (const text of ['测试商贸', 'gzcs', '有限公司']) {
    const list = (await admin.get(`/api/v1/accounts?q=${encodeURIComponent(text)}&limit=5`)).json.items.map(i => i.id);
    const g = await admin.get('/api/v1/search?q=' + encodeURIComponent(text));
    assert.equal(g.status, 200, g.text);
    const hits = g.json.items.filter(i => i.entity === 'accounts').map(i => i.id);
    assert.equal(hits.length, 5, text);
    assert.deepEqual(hits, list, text);
  }
  const titles = (await admin.get('/api/v1/search?q=' + encodeURIComponent('有限公司'))).json.items
    .filter(i => i.entity === 'accounts').map(i => i.title);
  // pinyin order: 阿 (ā) before 北 (běi), though 北 comes first in code points
  assert.deepEqual(titles.slice(0, 2), ['3M 中国有限公司', '阿里巴巴（中国）有限公司'], titles.join());
  assert.ok(titles[2].startsWith('北京'), titles.join());
});

test('pinyin of a part of the name finds it too: yunfan, yf, yfdz, aopai', async () => {
  assert.equal((await admin.post('/api/v1/accounts', { name: '杭州云帆电子商务有限公司' })).status, 201);
  const q = async text => (await admin.get('/api/v1/accounts?q=' + encodeURIComponent(text))).json.items.map(i => i.name);
  for (const text of ['yunfan', 'yf', 'yfdz', 'YunFan', 'fandian'])
    assert.ok((await q(text)).includes('杭州云帆电子商务有限公司'), text);
  assert.ok((await q('aopai')).includes('南京奥派信息技术有限责任公司'));
  assert.ok(!(await q('yunfei')).includes('杭州云帆电子商务有限公司'), 'not a loose match');
  // contacts by the given name's pinyin (姓名 is their name field)
  assert.equal((await admin.post('/api/v1/contacts', { name: '欧阳晓东' })).status, 201);
  const c = (await admin.get('/api/v1/contacts?q=xiaodong')).json.items.map(i => i.name);
  assert.ok(c.includes('欧阳晓东'), JSON.stringify(c));
});
