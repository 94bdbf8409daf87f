// layout.test.mjs - 窗体布局 (the CRMS lab's task 3) in the browser: the
// administrator drags a field to another place with the mouse, moves a
// custom field into a group from the keyboard, adds and names a group,
// saves, and the new-customer form follows; reset brings the default back.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

let srv, browser, page;
const api = (method, path, body) => apiInPage(page, method, path, body);
const it = checkedIt(nodeIt, assert, 'layout-', () => ({ page, browser }));
const fieldsOf = group => page.locator(`[data-layout-group="${group}"] [data-layout-field]`)
  .evaluateAll(els => els.map(e => e.dataset.layoutField));
const accountsMeta = async () => (await api('GET', '/metadata')).body.entities.find(e => e.name === 'accounts');

describe('form layout designer', () => {
  let custom;
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await page.setViewportSize({ width: 1366, height: 900 });
    await signIn(page, srv.base);
    custom = (await api('POST', '/metadata/entities/accounts/fields', { label_zh: '售后专员', type: 'text' })).body.name;
  });
  after(() => closeApp({ srv, browser }));

  it('drag a field before another, move a custom field from the keyboard, add a group, save: the form follows', async () => {
    await page.goto(`${srv.base}/admin/fields/accounts?tab=layout`);
    await page.locator('[data-test=layout-editor]').waitFor();
    assert.deepEqual((await fieldsOf('basic')).slice(0, 2), ['code', 'name']);
    // the mouse: 电话 dropped onto 客户名称 goes before it
    await page.locator('[data-layout-field=phone]').dragTo(page.locator('[data-layout-group=basic] [data-layout-field=name]'));
    assert.deepEqual((await fieldsOf('basic')).slice(0, 3), ['code', 'phone', 'name']);
    // a new group, named in the prompt
    await page.locator('[data-test=layout-add-group]').click();
    await page.locator('.el-message-box input').fill('售后信息');
    await page.locator('.el-message-box .el-button--primary').click();
    const added = await page.locator('[data-layout-group]').last().getAttribute('data-layout-group');
    // the keyboard: the custom field moves to the next group (the new one) with Alt+→
    const cf = page.locator(`[data-layout-field="${custom}"]`);
    const groupsBefore = await page.locator('[data-layout-group]').evaluateAll(els => els.map(e => e.dataset.layoutGroup));
    for (let i = 0; i < groupsBefore.length && !(await fieldsOf(added)).includes(custom); i++) {
      await page.locator(`[data-layout-field="${custom}"]`).focus();
      await page.keyboard.press('Alt+ArrowRight');
    }
    assert.deepEqual(await fieldsOf(added), [custom]);
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.layoutField), custom, 'focus stays on the moved field');
    await cf.focus();
    await screenshot(page, 'layout-01-designer');
    await page.locator('[data-test=layout-save]').click();
    await page.locator('.el-message--success').waitFor();
    const meta = await accountsMeta();
    assert.deepEqual(meta.groups.find(g => g.key === 'basic').fields.slice(0, 3), ['code', 'phone', 'name']);
    const mine = meta.groups.find(g => g.key === added);
    assert.equal(mine.label, '售后信息');
    assert.deepEqual(mine.fields, [custom]);
    // the new-customer form shows the fields where they were put
    await page.goto(`${srv.base}/accounts/new`);
    await page.locator('[data-test=entity-form]').waitFor();
    const basic = await page.locator('[data-test=entity-form] section.group').first().locator('[data-field]')
      .evaluateAll(els => els.map(e => e.dataset.field));
    assert.ok(basic.indexOf('phone') >= 0 && basic.indexOf('phone') < basic.indexOf('name'), basic.join());
    const last = page.locator('[data-test=entity-form] section.group', { hasText: '售后信息' });
    assert.equal(await last.locator(`[data-field="${custom}"]`).count(), 1);
    await screenshot(page, 'layout-02-form');
  });

  it('back to default: the metadata\'s layout returns', async () => {
    await page.goto(`${srv.base}/admin/fields/accounts?tab=layout`);
    await page.locator('[data-test=layout-reset]').click();
    await page.locator('.el-message-box .el-button--primary').click();
    await page.locator('.el-message--success').waitFor();
    const meta = await accountsMeta();
    assert.ok(meta.groups.every(g => !g.fields));
    assert.deepEqual((await fieldsOf('basic')).slice(0, 2), ['code', 'name']);
  });
});
