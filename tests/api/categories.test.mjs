// categories.test.mjs - 产品分类 as a tree (issue 12 item 1, SPEC §5):
// categories are records with a parent; the engine's `tree` declaration
// refuses cycles (for departments and roles too), filters a category with
// everything below it (`under`), and a database from before, with text
// categories, is upgraded so no product loses its category.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Server, BACKEND, assertError, filterParam, created, ok } from './harness.mjs';

const srv = new Server();
let admin;
const category = async body => created(await admin.post('/api/v1/product_categories', body));
const names = list => list.items.map(x => x.name).sort();

before(async () => {
  await srv.start();
  admin = await srv.client();
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('metadata declares the trees; products link to a category', async () => {
  const m = ok(await admin.get('/api/v1/metadata'));
  const by = n => m.entities.find(x => x.name === n);
  for (const n of ['product_categories', 'departments', 'roles', 'profiles']) assert.equal(by(n).tree, 'parent_id', n);
  assert.equal(by('products').tree, undefined);
  const f = by('products').fields.find(x => x.name === 'category_id');
  assert.equal(f.type, 'link');
  assert.equal(f.link_entity, 'product_categories');
});

test('re-parenting: onto another category is an update; onto itself or one below it is refused with a clear error', async () => {
  const hw = await category({ name: '硬件', code: 'HW' });
  const pc = await category({ name: '电脑', parent_id: hw.id });
  const nb = await category({ name: '笔记本电脑', parent_id: pc.id });
  const sw = await category({ name: '软件', code: 'SW' });

  for (const [id, parent] of [[hw.id, hw.id], [hw.id, pc.id], [hw.id, nb.id], [pc.id, nb.id]]) {
    const r = await admin.patch(`/api/v1/product_categories/${id}`, { parent_id: parent });
    assertError(assert, r, 422, 'validation_failed');
    assert.equal(r.json.error.fields.parent_id, 'cycle');
    assert.match(r.json.error.message, /上级分类.*不能是它自己或它的下级/);
  }
  // the refused writes changed nothing
  assert.equal(ok(await admin.get(`/api/v1/product_categories/${hw.id}`)).parent_id, null);

  // dragging 电脑 (with 笔记本电脑 below it) under 软件 is allowed, and back
  assert.equal(ok(await admin.patch(`/api/v1/product_categories/${pc.id}`, { parent_id: sw.id })).parent_id, sw.id);
  const r = await admin.patch(`/api/v1/product_categories/${sw.id}`, { parent_id: nb.id });
  assert.equal(r.status, 422, 'now 软件 is above 笔记本电脑');
  ok(await admin.patch(`/api/v1/product_categories/${pc.id}`, { parent_id: hw.id }));
  // a top-level category again
  assert.equal(ok(await admin.patch(`/api/v1/product_categories/${sw.id}`, { parent_id: null })).parent_id, null);
});

test('departments and roles get the same cycle check from the same declaration', async () => {
  const head = created(await admin.post('/api/v1/departments', { name: '华东大区' }));
  const branch = created(await admin.post('/api/v1/departments', { name: '上海分公司', parent_id: head.id }));
  let r = await admin.patch(`/api/v1/departments/${head.id}`, { parent_id: branch.id });
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields.parent_id, 'cycle');
  const boss = created(await admin.post('/api/v1/roles', { name: '大区经理' }));
  const rep = created(await admin.post('/api/v1/roles', { name: '区域代表', parent_id: boss.id }));
  r = await admin.patch(`/api/v1/roles/${boss.id}`, { parent_id: rep.id });
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields.parent_id, 'cycle');
  // the `under` filter works on any tree
  const under = ok(await admin.get(`/api/v1/departments?filter=${filterParam({ field: 'id', op: 'under', value: head.id })}`));
  assert.deepEqual(names(under), ['上海分公司', '华东大区']);
});

test('the product list filtered by a category includes the categories below it, not the ones beside or above', async () => {
  const office = await category({ name: '办公设备' });
  const printers = await category({ name: '打印机', parent_id: office.id });
  const laser = await category({ name: '激光打印机', parent_id: printers.id });
  const paper = await category({ name: '纸张耗材' });
  const gone = await category({ name: '停用分类', parent_id: office.id });
  created(await admin.post('/api/v1/products', { name: '办公桌', category_id: office.id }));
  created(await admin.post('/api/v1/products', { name: '喷墨打印机', category_id: printers.id }));
  created(await admin.post('/api/v1/products', { name: '黑白激光打印机', category_id: laser.id }));
  created(await admin.post('/api/v1/products', { name: 'A4复印纸', category_id: paper.id }));
  created(await admin.post('/api/v1/products', { name: '无分类产品' }));
  const list = async (value, extra) => ok(await admin.get(`/api/v1/products?filter=${filterParam(
    extra ? { and: [{ field: 'category_id', op: 'under', value }, extra] } : { field: 'category_id', op: 'under', value })}`));
  assert.deepEqual(names(await list(office.id)), ['办公桌', '喷墨打印机', '黑白激光打印机']);
  assert.deepEqual(names(await list(printers.id)), ['喷墨打印机', '黑白激光打印机']);
  assert.deepEqual(names(await list(laser.id)), ['黑白激光打印机']);
  assert.deepEqual(names(await list(office.id, { field: 'name', op: 'contains', value: '打印' })), ['喷墨打印机', '黑白激光打印机']);
  // the categories themselves: the tree below 办公设备
  const cats = ok(await admin.get(`/api/v1/product_categories?filter=${filterParam({ field: 'id', op: 'under', value: office.id })}`));
  assert.deepEqual(names(cats), ['停用分类', '办公设备', '打印机', '激光打印机']);
  // bad input: a field that is not a tree link, a value that is not an id
  assertError(assert, await admin.get(`/api/v1/products?filter=${filterParam({ field: 'name', op: 'under', value: 1 })}`), 400, 'bad_filter');
  assertError(assert, await admin.get(`/api/v1/products?filter=${filterParam({ field: 'category_id', op: 'under', value: '办公' })}`), 400, 'bad_filter');
  assert.equal((await list(999999999)).total, 0);
  // a category that still holds products or subcategories stays; an empty one goes
  assertError(assert, await admin.del(`/api/v1/product_categories/${printers.id}`), 409, 'in_use');
  assert.equal((await admin.del(`/api/v1/product_categories/${gone.id}`)).status, 204);
});

test('global search finds a category; categories export', async () => {
  await category({ name: '网络安全设备', code: 'NS-01' });
  const found = ok(await admin.get('/api/v1/search?q=' + encodeURIComponent('网络安全')));
  assert.ok(found.items.some(x => x.entity === 'product_categories' && x.title === '网络安全设备'), JSON.stringify(found));
  const x = await admin.get('/api/v1/product_categories/export?format=csv');
  assert.equal(x.status, 200, x.text);
  assert.match(x.text, /网络安全设备/);
});

test('an old database: text categories become category records, products and volume rules keep them', async () => {
  const old = new Server();
  await old.start();
  try {
    const c = await old.client();
    const p1 = created(await c.post('/api/v1/products', { name: '升级前的笔记本', price: 5000 }));
    const p2 = created(await c.post('/api/v1/products', { name: '升级前的台式机', price: 4000 }));
    const p3 = created(await c.post('/api/v1/products', { name: '升级前的鼠标', price: 50 }));
    const p4 = created(await c.post('/api/v1/products', { name: '升级前的杂项', price: 1 }));
    const kept = await c.post('/api/v1/product_categories', { name: '外设' }); // one of that name already there
    created(kept);
    const acc = created(await c.post('/api/v1/accounts', { name: '升级测试客户' }));
    const rule = created(await c.post('/api/v1/price_rules', { name: '电脑满10台', kind: 'volume', product_id: p1.id, min_quantity: 10, discount: 4 }));
    await old.stop();
    // as a database from before: the text column, filled
    const sql = stmt => (BACKEND === 'sqlite' ? execFileSync('sqlite3', [old.db, stmt]) : execFileSync('psql', [old.db, '-qAt', '-c', stmt]));
    sql('ALTER TABLE products ADD COLUMN category TEXT');
    sql('ALTER TABLE price_rules ADD COLUMN category TEXT');
    sql('UPDATE products SET category_id = NULL');
    sql(`UPDATE products SET category = '电脑' WHERE id IN (${p1.id}, ${p2.id})`);
    sql(`UPDATE products SET category = '外设' WHERE id = ${p3.id}`);
    sql(`UPDATE products SET category = '' WHERE id = ${p4.id}`);
    sql(`UPDATE price_rules SET product_id = NULL, category = '电脑' WHERE id = ${rule.id}`);

    await old.start({ db: old.db, dir: old.dir });
    const c2 = await old.client();
    const cats = ok(await c2.get('/api/v1/product_categories?sort=name')).items;
    assert.deepEqual(cats.map(x => x.name).sort(), ['外设', '电脑']);
    const pc = cats.find(x => x.name === '电脑');
    assert.equal(cats.find(x => x.name === '外设').id, kept.json.id, 'the existing 外设 is reused');
    const cat = async p => ok(await c2.get(`/api/v1/products/${p.id}`)).category_id;
    assert.equal(await cat(p1), pc.id);
    assert.equal(await cat(p2), pc.id);
    assert.equal(await cat(p3), kept.json.id);
    assert.equal(await cat(p4), null);
    assert.equal(ok(await c2.get(`/api/v1/price_rules/${rule.id}`)).category_id, pc.id);
    // the volume rule now applies to both computers through the category
    const p = ok(await c2.get(`/api/v1/prices?product_id=${p2.id}&account_id=${acc.id}&quantity=10`));
    assert.deepEqual([p.discount, p.price], [4, 3840]);
    // and it ran once: a second start makes nothing new
    await old.stop();
    await old.start({ db: old.db, dir: old.dir });
    const c3 = await old.client();
    assert.equal(ok(await c3.get('/api/v1/product_categories')).total, 2);
  } finally {
    await old.stop();
    old.cleanup();
  }
});
