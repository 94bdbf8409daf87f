// lifecycle.test.mjs - the server as a process: graceful stop on SIGTERM
// with in-flight requests finishing, an acknowledged write surviving a
// crash (kill -9), first-start admin password handling, the access log,
// and per-owner visibility for a non-admin user.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError } from './harness.mjs';

test('SIGTERM stops gracefully: running requests finish, exit code 0', async () => {
  const srv = await new Server().start();
  const admin = await srv.client();
  const inflight = [];
  for (let i = 0; i < 20; i++) inflight.push(admin.post('/api/v1/accounts', { name: `优雅停机测试公司${i}` }));
  // SIGTERM once the first write is acknowledged, with the rest in flight:
  // the test then cannot pass on a server that answered nothing.
  await Promise.race(inflight);
  const stopped = srv.stop('SIGTERM');
  const results = await Promise.allSettled(inflight);
  const { code } = await stopped;
  assert.equal(code, 0, srv.log);
  assert.match(srv.log, /stopped/);
  const acked = results.filter(r => r.status === 'fulfilled' && r.value.status === 201).map(r => r.value.json);
  assert.ok(acked.length >= 1, `no write was acknowledged: ${JSON.stringify(results.map(r => r.value?.status ?? r.reason?.message))}`);
  // Every acknowledged write is there after a restart on the same database.
  const again = await new Server().start({ db: srv.db, dir: srv.dir });
  const a2 = await again.client();
  for (const rec of acked) {
    const back = await a2.get(`/api/v1/accounts/${rec.id}`);
    assert.equal(back.status, 200, `acknowledged ${rec.name} (${rec.id}) is gone`);
    assert.equal(back.json.name, rec.name);
  }
  const total = (await a2.get(`/api/v1/accounts?q=${encodeURIComponent('优雅停机测试公司')}`)).json.total;
  assert.ok(total >= acked.length, `acknowledged ${acked.length}, found ${total}`);
});

test('an acknowledged write survives kill -9', async () => {
  const srv = await new Server().start();
  const admin = await srv.client();
  const r = await admin.post('/api/v1/accounts', { name: '断电测试有限公司' });
  assert.equal(r.status, 201);
  await srv.stop('SIGKILL');
  const again = await new Server().start({ db: srv.db, dir: srv.dir });
  const a2 = await again.client();
  const back = await a2.get(`/api/v1/accounts/${r.json.id}`);
  assert.equal(back.status, 200);
  assert.equal(back.json.name, '断电测试有限公司');
  await again.stop();
  again.cleanup();
});

test('without --admin-password the first start generates and prints one password', async () => {
  // Started without the harness's --admin-password: the generated password
  // is read from the server's output.
  const srv = await new Server().start({ adminPassword: null });
  const m = srv.log.match(/password: (\S+)/);
  assert.ok(m, srv.log);
  const ok = await srv.request('POST', '/api/v1/session', { body: { username: 'admin', password: m[1] } });
  assert.equal(ok.status, 200);
  const wrong = await srv.request('POST', '/api/v1/session', { body: { username: 'admin', password: 'Admin#2026pass' } });
  assert.equal(wrong.status, 401);
});

test('the access log has one line per request without query strings or secrets', async () => {
  const srv = await new Server().start();
  const admin = await srv.client();
  await admin.get('/api/v1/accounts?q=secret-search-text');
  await srv.stop();
  assert.match(srv.log, /"GET \/api\/v1\/accounts" 200 \d+ [\d.]+ms u=1/);
  assert.doesNotMatch(srv.log, /secret-search-text/);
  assert.doesNotMatch(srv.log, new RegExp(admin.token));
  srv.cleanup();
});

test('KEHU_SLOW_SQL_MS logs slow statements with their time and SQL, never their values', async () => {
  const srv = await new Server().start({ env: { KEHU_SLOW_SQL_MS: '0' } }); // 0: every statement
  const admin = await srv.client();
  await admin.get('/api/v1/accounts?q=secret-search-text');
  await admin.post('/api/v1/accounts', { name: '慢语句日志测试有限公司' });
  await srv.stop();
  assert.match(srv.log, /kehu: slow statement \d+ ms: SELECT /);
  assert.match(srv.log, /kehu: slow statement \d+ ms: INSERT INTO accounts/);
  for (const secret of ['secret-search-text', '慢语句日志测试', admin.token, 'Admin#2026pass'])
    assert.ok(!srv.log.includes(secret), `the log holds ${secret}`);
  srv.cleanup();
});

test('without KEHU_SLOW_SQL_MS no statement is logged', async () => {
  const srv = await new Server().start();
  const admin = await srv.client();
  await admin.get('/api/v1/accounts');
  await srv.stop();
  assert.doesNotMatch(srv.log, /slow statement/);
  srv.cleanup();
});

test('a non-admin sees and changes only their own records; others answer 404', async () => {
  const srv = await new Server().start();
  srv.addUser('wangfang', 'Wang#2026pw', { name: '王芳' });
  srv.addUser('liuyang', 'Liu#2026pw', { name: '刘洋' });
  const wang = await srv.client('wangfang', 'Wang#2026pw');
  const liu = await srv.client('liuyang', 'Liu#2026pw');
  const admin = await srv.client();
  const mine = (await wang.post('/api/v1/accounts', { name: '王芳的客户有限公司' })).json;
  const theirs = (await liu.post('/api/v1/accounts', { name: '刘洋的客户有限公司' })).json;
  assert.equal(mine.owner_id, wang.user.id);
  const list = await wang.get('/api/v1/accounts');
  assert.deepEqual(list.json.items.map(i => i.name), ['王芳的客户有限公司']);
  assert.equal(list.json.total, 1);
  assertError(assert, await wang.get(`/api/v1/accounts/${theirs.id}`), 404);
  assertError(assert, await wang.get(`/api/v1/accounts/${theirs.id}/history`), 404);
  assertError(assert, await wang.patch(`/api/v1/accounts/${theirs.id}`, { city: '南京' }), 404);
  assertError(assert, await wang.del(`/api/v1/accounts/${theirs.id}`), 404);
  assertError(assert, await wang.get(`/api/v1/accounts/${theirs.id}/related/contacts`), 404);
  const q = await wang.get(`/api/v1/accounts?q=${encodeURIComponent('刘洋')}`);
  assert.equal(q.json.total, 0);
  const s = await wang.get(`/api/v1/search?q=${encodeURIComponent('刘洋')}`);
  assert.deepEqual(s.json.items.filter(i => i.entity !== 'users'), [], 'only the colleague directory entry');
  // Linking to a record one cannot see is refused as if it did not exist.
  const link = await wang.post('/api/v1/contacts', { name: '越权联系人', account_id: theirs.id });
  assertError(assert, link, 422);
  assert.equal(link.json.error.fields.account_id, 'not_found');
  // Only the assign right may set another owner.
  const give = await wang.post('/api/v1/accounts', { name: '转移测试公司', owner_id: liu.user.id });
  assertError(assert, give, 422);
  assert.equal(give.json.error.fields.owner_id, 'read_only');
  // Custom field administration is for admins.
  assertError(assert, await wang.post('/api/v1/metadata/entities/accounts/fields', { name: 'x', label_zh: 'x', type: 'text' }), 403, 'forbidden');
  assert.equal((await admin.get('/api/v1/accounts')).json.total, 2);
  await srv.stop();
  srv.cleanup();
});

test('--demo fills every sales area with Chinese data, once', async () => {
  const srv = await new Server().start({ args: ['--demo'] });
  const admin = await srv.client();
  const total = async path => (await admin.get(path)).json.total;
  const accounts = await total('/api/v1/accounts?limit=1');
  const rivals = await total('/api/v1/accounts?limit=1&filter=' + encodeURIComponent(JSON.stringify({ field: 'type', op: 'eq', value: 'competitor' })));
  assert.ok(accounts - rivals >= 60 && accounts - rivals <= 63, `60 customers and up to 3 from converted leads: ${accounts}`);
  // 市场管理: competitors named on deals, won and lost against them
  assert.ok(rivals >= 4, `competitors: ${rivals}`);
  const vs = (await admin.get('/api/v1/reports/competitors')).json.items;
  assert.ok(vs.some(r => r.won_count > 0) && vs.some(r => r.lost_count > 0), 'won and lost against competitors');
  const campaigns = (await admin.get('/api/v1/campaigns?limit=10')).json.items;
  assert.deepEqual([...new Set(campaigns.map(x => x.status))].sort(), ['completed', 'in_progress', 'planned']);
  const show = campaigns.find(x => x.status === 'completed');
  assert.ok(show.roi > 0 && show.cost_per_lead > 0 && show.member_count > 0, JSON.stringify(show));
  assert.equal(await total('/api/v1/accounts?pool=true&limit=1'), 10, 'ten in the public pool');
  assert.ok(await total('/api/v1/contacts?limit=1') >= 150);
  assert.ok(await total('/api/v1/leads?limit=1') >= 10);
  assert.ok(await total('/api/v1/activities?limit=1') >= 60);
  const funnel = (await admin.get('/api/v1/reports/funnel')).json;
  assert.ok(funnel.items.every(s => s.count > 0), 'opportunities in every stage');
  const acc = (await admin.get('/api/v1/accounts?limit=1')).json.items[0];
  assert.match(acc.name, /[\u4e00-\u9fff]/);
  // it reads like a real company's data: office numbers carry their city's
  // 区号, deals are named after their customer, no prospect bears a demo
  // user's name, prospects are hot, warm and cold, and open deals close
  // ahead (a few late ones, which the board flags)
  const AREA = { 北京: '010', 上海: '021', 南京: '025', 杭州: '0571', 广州: '020', 深圳: '0755', 成都: '028', 西安: '029' };
  const all = (await admin.get('/api/v1/accounts?limit=200')).json.items;
  let checked = 0;
  for (const a of all.filter(x => AREA[x.city] && x.phone)) {
    assert.ok(a.phone.startsWith(AREA[a.city] + '-'), `${a.name} in ${a.city}: ${a.phone}`);
    assert.match(a.phone, /^0\d{2,3}-[2-8]\d{7}$/);
    checked++;
  }
  assert.ok(checked > 0, 'some customers in the big cities');
  const leads = (await admin.get('/api/v1/leads?limit=100')).json.items;
  assert.ok(!leads.some(l => ['张伟', '李娜', '王强'].includes(l.name)), 'no prospect is named like the demo team');
  assert.deepEqual([...new Set(leads.map(l => l.rating))].sort(), ['cold', 'hot', 'warm']);
  const deals = (await admin.get('/api/v1/opportunities?limit=100')).json.items;
  assert.ok(!deals.some(d => /项目 \d+$/.test(d.name)), deals.map(d => d.name).join());
  const customersById = Object.fromEntries(all.map(a => [a.id, a.name]));
  for (const d of deals.slice(0, 10))
    assert.ok(customersById[d.account_id]?.includes(d.name.slice(0, 2)), `${d.name} is named after ${customersById[d.account_id]}`);
  const today = new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
  const open = deals.filter(d => !['won', 'lost'].includes(d.stage));
  const late = open.filter(d => d.expected_close_date < today);
  assert.ok(late.length >= 1 && late.length <= open.length / 5, `${late.length} of ${open.length} open deals are late`);
  assert.ok(deals.filter(d => ['won', 'lost'].includes(d.stage)).every(d => d.expected_close_date <= today));
  // the team signs in and sees its own customers, the manager the reps' too
  const lina = await srv.client('lina', 'Kehu#Demo2026');
  const zhang = await srv.client('zhangwei', 'Kehu#Demo2026');
  const linaCount = await (async () => (await lina.get('/api/v1/accounts?limit=1')).json.total)();
  const zhangCount = (await zhang.get('/api/v1/accounts?limit=1')).json.total;
  assert.ok(linaCount >= 15, `李娜's customers: ${linaCount}`);
  // 公告栏: the holiday notice and the sales plan reach 李娜, unread
  const notes = (await lina.get('/api/v1/announcement_receipts?limit=10')).json.items;
  assert.equal(notes.length, 2);
  assert.ok(notes.every(n => n.is_read === false));
  assert.equal((await lina.get(`/api/v1/announcements/${notes[0].announcement_id}`)).status, 200);
  // 知识库: articles and 常见问题 the team reads
  const kb = (await lina.get('/api/v1/kb_articles?limit=20')).json.items;
  assert.ok(kb.some(a => a.kind === 'faq') && kb.some(a => a.kind === 'article' && a.status === 'published'));
  assert.ok(zhangCount > linaCount * 2, `张伟 sees the team's: ${zhangCount}`);
  assert.ok((await admin.get('/api/v1/leads?limit=50')).json.items.some(l => l.status === 'converted'));
  // the money half: a catalogue, quotes, orders along their life, invoices and receipts
  assert.ok(await total('/api/v1/products?limit=1') >= 6);
  // 产品分类 as a tree the products hang in; contracts in force and drafted
  const cats = (await admin.get('/api/v1/product_categories?limit=50')).json.items;
  const pc = cats.find(c => c.name === '电脑整机');
  assert.equal(cats.find(c => c.id === pc.parent_id)?.name, '硬件产品');
  const hw = cats.find(c => c.name === '硬件产品').id;
  assert.ok(await total(`/api/v1/products?limit=1&filter=${encodeURIComponent(JSON.stringify({ field: 'category_id', op: 'under', value: hw }))}`) >= 4);
  const contracts = (await admin.get('/api/v1/contracts?limit=50')).json.items;
  assert.deepEqual([...new Set(contracts.map(c => c.status))].sort(), ['active', 'draft']);
  assert.ok(contracts.some(c => c.sales_order_id));
  const quotes = (await admin.get('/api/v1/quotes?limit=50')).json.items;
  assert.deepEqual([...new Set(quotes.map(q => q.status))].sort(), ['draft', 'ordered', 'rejected', 'sent']);
  const orders = (await admin.get('/api/v1/sales_orders?limit=50&sort=code')).json.items;
  assert.ok(['draft', 'approved', 'executing', 'completed', 'cancelled'].every(s => orders.some(o => o.status === s)));
  const done = orders.find(o => o.status === 'completed');
  assert.deepEqual([done.invoiced_total, done.received_total, done.outstanding], [done.total, done.total, 0]);
  assert.match(done.total_in_words, /^[零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整]+$/);
  const invoices = (await admin.get('/api/v1/invoices?limit=50')).json.items;
  assert.deepEqual([...new Set(invoices.map(i => i.status))].sort(), ['draft', 'issued', 'void']);
  // the team's profile reaches them; the catalogue is read-only for it
  assert.ok((await lina.get('/api/v1/sales_orders?limit=1')).json.total >= 1);
  assertError(assert, await lina.post('/api/v1/products', { name: '自建产品' }), 403);
  assert.ok((await zhang.get('/api/v1/metadata')).json.menu.find(g => g.key === 'orders').items.includes('invoices'));
  // 折扣规则 of each kind, and 李娜's large order and travel expense waiting in 张伟's 待我审批
  const rules = (await admin.get('/api/v1/price_rules?limit=50')).json.items;
  assert.deepEqual([...new Set(rules.map(r => r.kind))].sort(), ['agent', 'customer', 'position', 'volume']);
  const inbox = (await zhang.get('/api/v1/approvals/inbox')).json;
  assert.deepEqual(inbox.items.map(i => i.entity).sort(), ['documents', 'expenses', 'sales_orders'],
    'the order, 李娜\'s 投稿 (文档中心) and her 费用 over 3,000 元');
  const expense = (await zhang.get(`/api/v1/expenses/${inbox.items.find(i => i.entity === 'expenses').record_id}`)).json;
  assert.deepEqual([expense.status, expense.expense_type, expense.owner_name], ['pending', 'travel', '李娜']);
  // the campaigns' bills came before the flow: approved at once, so 实际费用 stands
  assert.ok((await admin.get('/api/v1/expenses?limit=50')).json.items.filter(x => x.campaign_id).every(x => x.status === 'approved'));
  const order = inbox.items.find(i => i.entity === 'sales_orders');
  const waiting = (await zhang.get(`/api/v1/sales_orders/${order.record_id}`)).json;
  assert.equal(waiting.status, 'pending');
  assert.match(waiting.lines[0].price_rule, /销量折扣「电脑整机满10台」3%$/);
  // 客户服务: tickets in every state, one breached and escalated to 张伟, the queues' and the bell's
  const tickets = (await admin.get('/api/v1/tickets?limit=50')).json.items;
  assert.deepEqual([...new Set(tickets.map(t => t.status))].sort(), ['closed', 'in_progress', 'new', 'resolved', 'waiting_customer']);
  assert.ok(tickets.some(t => t.kind === 'complaint' && t.status === 'closed' && t.satisfaction));
  // escalated by the server's sweep (its first round after the start)
  let queue, breached;
  for (let tries = 0; tries < 100 && !breached?.escalated_at; tries++) {
    if (tries) await new Promise(r => setTimeout(r, 100));
    queue = (await zhang.get('/api/v1/service/queue?limit=50')).json.items;
    breached = queue.find(t => t.resolution_breached);
  }
  assert.equal(breached?.escalated_to, (await zhang.get('/api/v1/session')).json.user.id);
  assert.ok(queue.some(t => t.queue_name === '售后维修组'));
  assert.ok((await lina.get('/api/v1/reminders?days=7')).json.items.some(i => i.kind === 'sla_breach'));
  await srv.stop();
  const again = await new Server().start({ db: srv.db, dir: srv.dir, args: ['--demo'] });
  const a2 = await again.client();
  assert.equal((await a2.get('/api/v1/accounts?limit=1')).json.total, accounts, 'a second start adds nothing');
  await again.stop();
  again.cleanup();
});
