// catalogue.test.mjs - 产品分类 in the browser: the categories' tree view,
// where an administrator drags a category onto another to move it under
// it (and a drop that would make a cycle is refused with the server's
// message), and the product list filtered by a category of the tree beside
// it, subcategories included.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

let srv, browser, page;
const it = checkedIt(nodeIt, assert, 'catalogue-', () => ({ page, browser }));
const api = async (method, path, body, status = 201) => {
  const r = await apiInPage(page, method, path, body);
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
};
const ids = {};
const node = id => page.locator(`[data-test=tree-node-${id}]`);

describe('product categories (产品分类)', () => {
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    ids.hw = (await api('POST', '/product_categories', { name: '硬件产品', code: 'YJ', sort_order: 1 })).id;
    ids.pc = (await api('POST', '/product_categories', { name: '电脑整机', code: 'YJ-01', parent_id: ids.hw, sort_order: 1 })).id;
    ids.nb = (await api('POST', '/product_categories', { name: '笔记本电脑', code: 'YJ-0101', parent_id: ids.pc })).id;
    ids.io = (await api('POST', '/product_categories', { name: '外设', code: 'WS', sort_order: 2 })).id;
    ids.sw = (await api('POST', '/product_categories', { name: '软件', code: 'RJ', sort_order: 3 })).id;
    await api('POST', '/products', { name: '商务笔记本电脑', category_id: ids.nb, price: 9999 });
    await api('POST', '/products', { name: '台式工作站', category_id: ids.pc, price: 12800 });
    await api('POST', '/products', { name: '27英寸显示器', category_id: ids.io, price: 2199 });
    await api('POST', '/products', { name: 'CRM 系统标准版', category_id: ids.sw, price: 36000 });
  });
  after(async () => { await closeApp({ srv, browser }); });

  it('drags 外设 onto 硬件产品: it moves under it', async () => {
    await page.goto(`${srv.base}/product_categories`);
    await page.locator('[data-test=view-tree]').click();
    await node(ids.io).waitFor();
    await screenshot(page, 'catalogue-01-tree');
    await node(ids.io).dragTo(node(ids.hw));
    await page.getByText('已将「外设」移到「硬件产品」下').waitFor();
    assert.equal((await api('GET', `/product_categories/${ids.io}`, undefined, 200)).parent_id, ids.hw);
    // the tree shows it below 硬件产品 now
    await page.locator('.el-tree-node', { has: node(ids.hw) }).locator(`[data-test=tree-node-${ids.io}]`).waitFor();
    await screenshot(page, 'catalogue-02-moved');
  });

  it('a drop the tree no longer allows (another administrator moved 软件 under 笔记本电脑 meanwhile) is refused by the server, with its message', async () => {
    await api('PATCH', `/product_categories/${ids.sw}`, { parent_id: ids.nb }, 200); // the tree on screen is now stale
    await node(ids.hw).dragTo(node(ids.sw));
    await page.getByText('「上级分类」不能是它自己或它的下级').first().waitFor();
    assert.equal((await api('GET', `/product_categories/${ids.hw}`, undefined, 200)).parent_id, null);
    // the tree is read again: 软件 shows where it is now
    await page.locator('.el-tree-node', { has: node(ids.nb) }).locator(`[data-test=tree-node-${ids.sw}]`).waitFor();
    await screenshot(page, 'catalogue-03-refused');
    await api('PATCH', `/product_categories/${ids.sw}`, { parent_id: null }, 200);
  });

  it('the product list filtered by 电脑整机 in the tree beside it shows its subcategory\'s products too', async () => {
    await page.goto(`${srv.base}/products`);
    const rows = page.locator('[data-test=list-table] .el-table__body-wrapper .el-table__row');
    await rows.filter({ hasText: 'CRM 系统标准版' }).waitFor();
    await page.locator('[data-test=tree-filter]').locator(`[data-test=tree-node-${ids.pc}]`).click();
    await rows.filter({ hasText: 'CRM 系统标准版' }).waitFor({ state: 'detached' });
    await page.locator('[data-test=list-total]').getByText('2').waitFor();
    const names = await rows.allInnerTexts();
    assert.equal(names.length, 2);
    assert.ok(names.some(n => n.includes('商务笔记本电脑')) && names.some(n => n.includes('台式工作站')), names.join('|'));
    await screenshot(page, 'catalogue-04-products-under');
  });

  it('a product picture is uploaded in the form, shown there and as a thumbnail in the list; an SVG is refused', async () => {
    const laptop = (await api('GET', `/products?filter=${encodeURIComponent(JSON.stringify({ field: 'name', op: 'eq', value: '商务笔记本电脑' }))}`, undefined, 200)).items[0];
    await page.goto(`${srv.base}/products/${laptop.id}/edit`);
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAABgAAAAYCAIAAABvFaqvAAAAH0lEQVR4nGOQS7lDFcQwatCoQaMGjRo0atCoQQNvEACzIxOubROZoQAAAABJRU5ErkJggg==', 'base64');
    await page.locator('[data-test=image-input] input[type=file]').setInputFiles({ name: '笔记本正面.png', mimeType: 'image/png', buffer: png });
    await page.locator('[data-test=image-input] [data-test=image-thumb]').waitFor();
    await screenshot(page, 'catalogue-05-image-form');
    await page.locator('[data-test=save]').click();
    await page.waitForURL(new RegExp(`/products/${laptop.id}$`));
    assert.ok((await api('GET', `/products/${laptop.id}`, undefined, 200)).image > 0);
    await page.goto(`${srv.base}/products`);
    await page.locator('[data-test=list-table] .el-table__row', { hasText: '商务笔记本电脑' }).locator('[data-test=image-thumb] img').waitFor();
    await screenshot(page, 'catalogue-06-image-list');
    // an SVG chosen anyway (the picker offers only pictures) is refused with the server's reason
    await page.goto(`${srv.base}/products/${laptop.id}/edit`);
    await page.locator('[data-test=image-input] input[type=file]').setInputFiles({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>') });
    await page.locator('[data-test=save]').click();
    await page.getByText('只接受 PNG、JPEG、GIF 或 WebP 图片').first().waitFor();
    await screenshot(page, 'catalogue-07-svg-refused');
  });
});
