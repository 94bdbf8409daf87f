// app.test.mjs - the web application in a real browser against a real
// `kehu serve`: the path a new user takes through Kehu, in Chinese first.
// Every step leaves a screenshot in tests/browser/screenshots/.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

const ACCOUNT = '南京奥派信息产业股份公司';
const CONTACT = '张三丰';
const OTHER_OWNER = '杭州云帆电子有限公司'; // a customer of another salesperson

let srv;
let browser;
let page;

// Element Plus puts dropdowns at the end of <body>; only the open one is visible.
const visibleOption = text => page.locator('.el-select-dropdown__item:visible', { hasText: text }).first();

async function fill(field, value) {
  await page.locator(`[data-field="${field}"] input, [data-field="${field}"] textarea`).first().fill(value);
}
async function pick(field, optionText) {
  await page.locator(`[data-field="${field}"] .el-select__wrapper`).click();
  await visibleOption(optionText).click();
}
async function pickLink(field, query, optionText) {
  await page.locator(`[data-field="${field}"] .el-select__wrapper`).click();
  await page.locator(`[data-field="${field}"] input`).fill(query);
  await visibleOption(optionText).click();
}
async function save() {
  await page.locator('[data-test=save]').click();
}
async function openMenu(entity) {
  await page.locator(`[data-entity="${entity}"]`).click();
  await page.locator('[data-test=list-table]').waitFor();
}
async function confirmBox() {
  await page.locator('.el-message-box .el-button--primary, .el-message-box .el-button--danger').last().click();
}
const api = (method, path, body) => apiInPage(page, method, path, body);
async function firstRowName() {
  return (await rowsOfList()).first().locator('a').first().innerText();
}
async function rowsOfList() {
  await page.locator('[data-test=list-table] .el-loading-mask').waitFor({ state: 'hidden' }).catch(() => {});
  return page.locator('[data-test=list-table] .el-table__body-wrapper tbody tr');
}

const it = checkedIt(nodeIt, assert, '', () => ({ page, browser }), { checkConsole: false });

describe('web application', () => {
  before(async () => {
    ({ srv, browser, page } = await openApp());
  });

  after(() => closeApp({ srv, browser }));

  it('serves the app with caching headers and index.html for client routes', async () => {
    const index = await fetch(srv.base + '/accounts/12', { headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type'), /text\/html/);
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    const html = await index.text();
    const asset = html.match(/\/assets\/[^"]+\.js/)[0];
    const etag = index.headers.get('etag');
    assert.equal((await fetch(srv.base + '/', { headers: { 'If-None-Match': etag } })).status, 304);
    const js = await fetch(srv.base + asset);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('cache-control'), /max-age=31536000, immutable/);
    assert.match(js.headers.get('content-type'), /javascript/);
    assert.equal(js.headers.get('content-encoding'), 'gzip'); // fetch asks for gzip and unpacks it
    assert.equal(js.headers.get('vary'), 'Accept-Encoding');
    const plain = await fetch(srv.base + asset, { headers: { 'Accept-Encoding': 'identity' } });
    assert.equal(plain.headers.get('content-encoding'), null);
    assert.equal(await plain.text(), await js.text());
    const head = await fetch(srv.base + '/contacts', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('etag'), etag);
    assert.equal((await fetch(srv.base + '/assets/missing-file.js')).status, 404);
    assert.equal((await fetch(srv.base + '/api/v1/nothing-here')).headers.get('content-type').includes('json'), true);
  });

  it('signs in as admin and shows the menu by area', async () => {
    await page.goto(srv.base + '/');
    await page.waitForURL(/\/login/);
    await screenshot(page, '01-login');
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码').fill('wrong-password');
    await page.locator('[data-test=login-submit]').click();
    await page.locator('[data-test=login-error]').waitFor({ timeout: 30000 }); // argon2id, as signedIn()
    await signIn(page, srv.base);
    const menu = page.locator('[data-test=main-menu]');
    for (const text of ['工作台', '客户管理', '客户', '联系人', '系统设置', '字段与字典']) {
      await assert.doesNotReject(menu.getByText(text, { exact: true }).first().waitFor(), text);
    }
    await page.waitForTimeout(500);
    await screenshot(page, '02-home');
  });

  it('creates a customer with a Chinese name', async () => {
    await openMenu('accounts');
    await page.locator('[data-test=create]').click();
    await page.locator('[data-test=entity-form]').waitFor();
    await fill('name', ACCOUNT);
    await pick('grade', 'A 类');
    await pick('industry', '信息技术');
    await fill('city', '南京');
    await fill('phone', '025-83412345');
    await screenshot(page, '03-account-form');
    await save();
    await page.locator('[data-test=record-title]', { hasText: ACCOUNT }).waitFor();
    await page.locator('.el-message--success').first().waitFor();
    assert.match(await page.locator('[data-field=grade]').innerText(), /A 类/);
    await screenshot(page, '04-account-detail');
  });

  it('creates a contact linked to the customer through remote search', async () => {
    await openMenu('contacts');
    await page.locator('[data-test=create]').click();
    await page.locator('[data-test=entity-form]').waitFor();
    await fill('name', CONTACT);
    await pickLink('account_id', '奥派', ACCOUNT);
    await fill('mobile', '13812345678');
    await save();
    await page.locator('[data-test=record-title]', { hasText: CONTACT }).waitFor();
    assert.match(await page.locator('[data-field=account_id]').innerText(), new RegExp(ACCOUNT));
    // The customer's related list shows the contact.
    await page.locator('[data-field=account_id] a').click();
    await page.locator('[data-test=record-title]', { hasText: ACCOUNT }).waitFor();
    await page.locator('.el-tabs__item', { hasText: '联系人' }).click();
    await page.locator('[data-related=contacts]').getByText(CONTACT).waitFor();
    await screenshot(page, '05-account-related');
  });

  it('finds both through global search', async () => {
    const search = page.locator('[data-test=global-search] input');
    await search.fill('奥派');
    await page.locator('.global-search-popper:visible').getByText(ACCOUNT).first().waitFor();
    await screenshot(page, '06-global-search');
    await search.fill(CONTACT);
    await page.locator('.global-search-popper:visible').getByText(CONTACT).first().click();
    await page.locator('[data-test=record-title]', { hasText: CONTACT }).waitFor();
    await search.fill('奥派');
    await page.locator('.global-search-popper:visible').getByText(ACCOUNT).first().waitFor();
    await search.press('Enter');
    await page.waitForURL(/\/search\?q=/);
    await page.locator('[data-test=search-group]').getByText(ACCOUNT).waitFor();
  });

  it('finds both through the list filters, quick search and the A-Z bar', async () => {
    // Records each filter must leave out, so a count of 1 means the filter
    // worked; they go to the recycle bin at the end, out of later tests' way.
    const other = await api('POST', '/users', { username: 'zhaoliu', name: '赵六', password: 'ZhaoLiu#2026' });
    assert.equal(other.status, 201, JSON.stringify(other.body));
    const seeded = [];
    for (const [entity, body] of [['accounts', { name: OTHER_OWNER, owner_id: other.body.id }],
      ['accounts', { name: '上海申城贸易有限公司' }], ['contacts', { name: '李四光' }]]) {
      const r = await api('POST', `/${entity}`, body);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      seeded.push(`/${entity}/${r.body.id}`);
    }
    try {
      await filtersLeaveOthersOut();
    } finally {
      for (const path of seeded) await api('DELETE', path);
    }
  });

  async function filtersLeaveOthersOut() {
    const table = page.locator('[data-test=list-table]');
    await openMenu('accounts');
    await table.getByText(OTHER_OWNER).waitFor();
    assert.equal(await (await rowsOfList()).count(), 3, 'three customers before filtering');
    await page.locator('[data-test=toggle-filters]').click();
    const panel = page.locator('[data-test=filter-panel]');
    await panel.locator('[data-filter=name] input').fill('奥派');
    await panel.locator('[data-test=filter-search]').click();
    await table.getByText(OTHER_OWNER).waitFor({ state: 'detached' });
    assert.equal(await (await rowsOfList()).count(), 1);
    await assert.doesNotReject((await rowsOfList()).first().getByText(ACCOUNT).waitFor());
    await panel.locator('[data-filter=name] input').fill('不存在的客户');
    await panel.locator('[data-test=filter-search]').click();
    await page.getByText('没有符合条件的记录').waitFor();
    await panel.getByRole('button', { name: '重置' }).click();
    await table.getByText(OTHER_OWNER).waitFor();
    await panel.locator('[data-filter=owner_id] .el-select__wrapper').click();
    await visibleOption('我负责的').click();
    await panel.locator('[data-test=filter-search]').click();
    await table.getByText(OTHER_OWNER).waitFor({ state: 'detached' });
    assert.equal(await (await rowsOfList()).count(), 2, 'my two customers, not 赵六\'s');
    await panel.getByRole('button', { name: '重置' }).click();
    // A picklist (any of) and a date range (创建时间, added as a condition).
    await panel.locator('[data-filter=type] .el-select__wrapper').click();
    await visibleOption('潜在客户').click();
    await panel.locator('[data-test=filter-search]').click();
    await page.getByText('没有符合条件的记录').waitFor();
    await panel.getByRole('button', { name: '重置' }).click();
    await panel.locator('[data-test=add-condition] .el-select__wrapper').click();
    await visibleOption('创建时间').click();
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    const range = panel.locator('[data-filter=created_at] input');
    await range.nth(0).fill('2020-01-01');
    await range.nth(1).fill(today);
    await range.nth(1).press('Enter');
    await panel.locator('[data-test=filter-search]').click();
    await table.getByText(ACCOUNT).waitFor();
    await table.getByText(OTHER_OWNER).waitFor();
    await range.nth(0).fill('2020-01-01');
    await range.nth(1).fill('2020-12-31');
    await range.nth(1).press('Enter');
    await panel.locator('[data-test=filter-search]').click();
    await page.getByText('没有符合条件的记录').waitFor();
    await panel.getByRole('button', { name: '重置' }).click();
    if (await page.locator('[data-test=initial-bar]').count()) {
      await page.locator('[data-initial=N]').click();
      await table.getByText(OTHER_OWNER).waitFor({ state: 'detached' });
      await (await rowsOfList()).first().getByText(ACCOUNT).waitFor();
      assert.equal(await (await rowsOfList()).count(), 1, 'only 南京 under N');
      await page.locator('[data-initial=Z]').click();
      await page.getByText('没有符合条件的记录').waitFor();
      await page.locator('[data-test=initial-bar] button', { hasText: '全部' }).click();
    }
    await screenshot(page, '07-account-list');

    await openMenu('contacts');
    await table.getByText('李四光').waitFor();
    await page.locator('[data-test=quick-search] input').fill('张三');
    await page.locator('[data-test=quick-search] input').press('Enter');
    await table.getByText('李四光').waitFor({ state: 'detached' });
    assert.equal(await (await rowsOfList()).count(), 1);
    await (await rowsOfList()).first().getByText(CONTACT).waitFor();
    await (await rowsOfList()).first().getByText(ACCOUNT).waitFor();
  }

  it('edits a field and shows the change in the history tab', async () => {
    await openMenu('accounts');
    await page.locator('[data-test=list-table]').getByText(ACCOUNT).click();
    await page.locator('[data-test=edit]').click();
    await page.locator('[data-test=entity-form]').waitFor();
    await fill('city', '苏州');
    await page.keyboard.press('Control+Enter'); // the keyboard way to save
    await page.locator('[data-test=record-title]', { hasText: ACCOUNT }).waitFor();
    assert.match(await page.locator('[data-field=city]').innerText(), /苏州/);
    await page.locator('.el-tabs__item', { hasText: '修改记录' }).click();
    const history = page.locator('[data-test=history]');
    await history.getByText('城市').waitFor();
    assert.match(await history.innerText(), /南京[\s\S]*苏州/);
    await screenshot(page, '08-history');
  });

  it('guards unsaved changes', async () => {
    await page.locator('[data-test=edit]').click();
    await page.locator('[data-test=entity-form]').waitFor();
    await fill('city', '无锡');
    await page.locator('[data-entity=contacts]').click();
    await page.locator('.el-message-box', { hasText: '尚未保存' }).waitFor();
    await page.locator('.el-message-box').getByRole('button', { name: '继续编辑' }).click();
    assert.match(page.url(), /\/edit$/);
    await page.locator('[data-test=entity-form]').getByRole('button', { name: '取消' }).click();
    await page.locator('.el-message-box').getByRole('button', { name: '离开' }).click();
    await page.locator('[data-test=record-title]', { hasText: ACCOUNT }).waitFor();
  });

  it('shows a server validation error at its field', async () => {
    await openMenu('contacts');
    await page.locator('[data-test=create]').click();
    await page.locator('[data-test=entity-form]').waitFor();
    await fill('name', '李四');
    await fill('email', 'not-an-email');
    await save();
    const error = page.locator('[data-field=email] .el-form-item__error');
    await error.waitFor();
    assert.match(await error.innerText(), /电子邮件/);
    await screenshot(page, '09-validation-error');
    // Fixing it saves.
    await fill('email', 'lisi@example.com');
    await save();
    await page.locator('[data-test=record-title]', { hasText: '李四' }).waitFor();
  });

  it('deletes a customer and restores it from the recycle bin', async () => {
    await openMenu('accounts');
    await page.locator('[data-test=list-table]').getByText(ACCOUNT).click();
    await page.locator('[data-test=delete]').click();
    await page.locator('.el-message-box', { hasText: ACCOUNT }).waitFor();
    await confirmBox();
    await page.waitForURL(/\/accounts$/);
    await page.getByText('还没有客户').waitFor();
    await page.locator('[data-test=main-menu]').getByText('回收站').click();
    const bin = page.locator('[data-test=recycle-table]');
    await bin.getByText(ACCOUNT).waitFor();
    await screenshot(page, '10-recycle-bin');
    // the bin also holds the records the filter test put there
    await bin.locator('tr', { hasText: ACCOUNT }).locator('[data-restore]').click();
    await bin.getByText(ACCOUNT).waitFor({ state: 'detached' });
    await openMenu('accounts');
    await (await rowsOfList()).first().getByText(ACCOUNT).waitFor();
  });

  it('warns of similar customer names while typing', async () => {
    await openMenu('accounts');
    await page.locator('[data-test=create]').click();
    await fill('name', '奥派');
    await page.locator('[data-test=similar]').getByText(ACCOUNT).waitFor();
    await screenshot(page, '10b-similar-name');
    await page.locator('[data-test=entity-form]').getByRole('button', { name: '取消' }).click();
    await page.locator('.el-message-box').getByRole('button', { name: '离开' }).click();
  });

  it('shows computed fields as the user types, from the expression the server evaluates', async () => {
    await openMenu('accounts');
    await page.locator('[data-test=create]').click();
    const value = page.locator('[data-field=revenue_per_employee] [data-test=computed-value]');
    await fill('annual_revenue', '1000');
    await fill('employees', '3');
    await page.locator('[data-field=employees] input').first().blur();
    await value.getByText('333.33').waitFor();
    await fill('employees', '0');
    await page.locator('[data-field=employees] input').first().blur();
    // 人均营业额 guards its division: no employees, no figure
    for (let i = 0; i < 40 && (await value.innerText()) !== ''; i++) await page.waitForTimeout(100);
    assert.equal(await value.innerText(), '');
    await screenshot(page, '10c-computed-field');
    await page.locator('[data-test=entity-form]').getByRole('button', { name: '取消' }).click();
    await page.locator('.el-message-box').getByRole('button', { name: '离开' }).click();
  });

  it('prefills the link when creating from a related list', async () => {
    await openMenu('accounts');
    await page.locator('[data-test=list-table]').getByText(ACCOUNT).click();
    await page.locator('.el-tabs__item', { hasText: '联系人' }).click();
    await page.locator('[data-related=contacts]').getByRole('button', { name: /新建/ }).click();
    await page.locator('[data-test=entity-form]').waitFor();
    await page.locator('[data-field=account_id]').getByText(ACCOUNT).waitFor();
    await fill('name', '王五');
    await save();
    await page.locator('[data-test=record-title]', { hasText: '王五' }).waitFor();
    assert.match(await page.locator('[data-field=account_id]').innerText(), new RegExp(ACCOUNT));
  });

  it('tells the user when someone else changed the record meanwhile', async () => {
    await page.locator('[data-test=edit]').click();
    await page.locator('[data-test=entity-form]').waitFor();
    const id = page.url().match(/contacts\/(\d+)\/edit/)[1];
    const other = await api('PATCH', `/contacts/${id}`, { title: '销售总监' });
    assert.equal(other.status, 200);
    await fill('department', '采购部');
    await save();
    await page.locator('[data-test=form-error]', { hasText: '已被他人修改' }).waitFor();
    // The form now holds the other user's change; saving again applies ours on top.
    assert.equal(await page.locator('[data-field=title] input').inputValue(), '销售总监');
    await fill('department', '采购部');
    await save();
    await page.locator('[data-test=record-title]', { hasText: '王五' }).waitFor();
    assert.match(await page.locator('[data-field=title]').innerText(), /销售总监/);
    assert.match(await page.locator('[data-field=department]').innerText(), /采购部/);
  });

  it('sorts by column, chooses columns, mass-updates and exports the list', async () => {
    const created = await api('POST', '/accounts', { name: '北京测试科技有限公司', city: '北京' });
    assert.equal(created.status, 201);
    await openMenu('accounts');
    const table = page.locator('[data-test=list-table]');
    const nameHeader = table.locator('thead th', { hasText: '客户名称' });
    await nameHeader.locator('.caret-wrapper .ascending').click();
    await page.waitForTimeout(300);
    assert.match(await firstRowName(), /北京测试/); // pinyin order: Beijing before Nanjing
    await nameHeader.locator('.caret-wrapper .descending').click();
    await page.waitForTimeout(300);
    assert.match(await firstRowName(), /南京奥派/);

    await page.locator('[data-test=column-chooser]').click();
    await page.locator('.el-popover:visible .el-checkbox', { hasText: '电话' }).first().click();
    await page.waitForTimeout(200);
    assert.equal(await table.locator('thead th', { hasText: /^电话$/ }).count(), 0);
    await page.locator('.el-popover:visible .el-checkbox', { hasText: '电话' }).first().click();
    await table.locator('thead th', { hasText: /^电话$/ }).first().waitFor();
    await page.keyboard.press('Escape');
    await page.locator('.page-title').click();

    await table.locator('thead .el-checkbox').first().click();
    await page.locator('[data-test=mass-update]').click();
    await page.locator('[data-test=mass-field] .el-select__wrapper').click();
    await visibleOption('客户等级').click();
    await pick('grade', 'B 类');
    await screenshot(page, '09b-mass-update');
    await page.locator('[data-test=mass-save]').click();
    await page.locator('.el-message--success', { hasText: '已修改 2 条记录' }).waitFor();
    await page.waitForTimeout(300);
    assert.equal(await table.locator('tbody tr', { hasText: 'B 类' }).count(), 2);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      (async () => {
        await page.getByRole('button', { name: '导出' }).click();
        await page.locator('.el-dropdown-menu__item:visible', { hasText: '导出当前列表 (CSV)' }).click();
      })(),
    ]);
    const file = await download.path();
    const { readFileSync } = await import('node:fs');
    const csv = readFileSync(file, 'utf8');
    assert.match(csv, /南京奥派信息产业股份公司/);
    assert.match(csv, /北京测试科技有限公司/);
  });

  it('lets an admin add a custom field and a picklist, then fill them', async () => {
    await page.locator('[data-test=main-menu]').getByText('字段与字典').click();
    await page.locator('[data-test=fields-table]').waitFor();
    await page.locator('[data-test=add-field]').click();
    const dialog = page.locator('.el-dialog:visible');
    await dialog.locator('input[name=label_zh]').fill('微信群');
    await dialog.locator('input[name=label_en]').fill('WeChat group');
    await dialog.locator('input[name=name]').fill('wechat_group');
    await screenshot(page, '11-add-field');
    await dialog.locator('[data-test=field-save]').click();
    await page.locator('[data-test=fields-table]').getByText('cf_wechat_group').waitFor();

    await page.locator('[data-test=add-field]').click();
    await dialog.locator('input[name=label_zh]').fill('合作意向');
    await dialog.locator('input[name=label_en]').fill('Intention');
    await dialog.locator('input[name=name]').fill('intention');
    await dialog.locator('[data-test=field-type] .el-select__wrapper').click();
    await visibleOption('下拉单选').click();
    const opts = dialog.locator('[data-test=options-editor]');
    await opts.locator('[data-option="0"] input').nth(0).fill('high');
    await opts.locator('[data-option="0"] input').nth(1).fill('强烈');
    await opts.locator('[data-option="0"] input').nth(2).fill('Strong');
    await opts.locator('[data-test=add-option]').click();
    await opts.locator('[data-option="1"] input').nth(0).fill('low');
    await opts.locator('[data-option="1"] input').nth(1).fill('一般');
    await dialog.locator('[data-test=field-save]').click();
    await page.locator('[data-test=fields-table]').getByText('cf_intention').waitFor();

    // Editing the picklist's values: a third option.
    await page.locator('[data-edit-options=cf_intention]').click();
    const editor = page.locator('.el-dialog:visible [data-test=options-editor]');
    await editor.locator('[data-test=add-option]').click();
    await editor.locator('[data-option="2"] input').nth(0).fill('none');
    await editor.locator('[data-option="2"] input').nth(1).fill('暂无意向');
    await page.locator('[data-test=picklist-save]').click();
    await page.locator('[data-test=fields-table]').getByText('暂无意向').waitFor();

    // Only the Chinese label: the name comes from its pinyin.
    await page.locator('[data-test=add-field]').click();
    assert.match(await dialog.locator('input[name=name]').getAttribute('placeholder'), /拼音/);
    await dialog.locator('input[name=label_zh]').fill('客户来源渠道');
    await dialog.locator('input[name=label_en]').fill('Source channel');
    await dialog.locator('[data-test=field-save]').click();
    await page.locator('[data-test=fields-table]').getByText('cf_kehulaiyuanqudao').waitFor();
    await screenshot(page, '12-fields');

    await openMenu('accounts');
    await page.locator('[data-test=list-table]').getByText(ACCOUNT).click();
    await page.locator('[data-test=edit]').click();
    await page.locator('[data-test=entity-form]').waitFor();
    await fill('cf_wechat_group', '奥派客户交流群');
    await pick('cf_intention', '暂无意向');
    await save();
    await page.locator('[data-test=record-title]', { hasText: ACCOUNT }).waitFor();
    assert.match(await page.locator('[data-field=cf_wechat_group]').innerText(), /奥派客户交流群/);
    assert.match(await page.locator('[data-field=cf_intention]').innerText(), /暂无意向/);
    await openMenu('accounts');
    const table = page.locator('[data-test=list-table]');
    await table.getByText('微信群').first().waitFor();
    await table.getByText('奥派客户交流群').waitFor();
  });

  it('lets an admin delete a custom field after a warning', async () => {
    await page.locator('[data-test=main-menu]').getByText('字段与字典').click();
    const table = page.locator('[data-test=fields-table]');
    await table.getByText('cf_kehulaiyuanqudao').waitFor();
    assert.equal(await page.locator('[data-delete-field=phone]').count(), 0, 'built-in fields stay');
    await page.locator('[data-delete-field=cf_kehulaiyuanqudao]').click();
    const box = page.locator('.el-message-box');
    await box.getByText('会同时清除所有记录中这个字段的数据').waitFor();
    await screenshot(page, '12b-delete-field');
    await box.getByRole('button', { name: /确定|OK/ }).click();
    await page.locator('.el-message--success', { hasText: '已删除' }).waitFor();
    await table.getByText('cf_kehulaiyuanqudao').waitFor({ state: 'detached' });
    await table.getByText('cf_wechat_group').waitFor();
    await openMenu('accounts'); // where the next step starts
    await page.locator('[data-test=list-table]').getByText(ACCOUNT).waitFor();
  });

  it('switches to English and back', async () => {
    await page.locator('[data-test=user-menu]').click();
    await page.locator('[data-test=lang-en]:visible').click();
    const menu = page.locator('[data-test=main-menu]');
    await menu.getByText('Workbench').waitFor();
    await menu.getByText('Accounts', { exact: true }).waitFor();
    await page.locator('[data-test=list-total]', { hasText: 'in total' }).waitFor();
    await page.getByRole('button', { name: 'Advanced search' }).or(page.getByRole('button', { name: 'Hide search' })).first().waitFor();
    await page.locator('.el-pagination').getByText('Total').waitFor(); // Element Plus's own locale follows
    const body = await page.locator('.main').innerText();
    const data = [ACCOUNT, '北京测试科技有限公司', '奥派客户交流群', '北京', '苏州', '暂无意向', '系统管理员'];
    assert.doesNotMatch(data.reduce((text, d) => text.replaceAll(d, ''), body), /[\u4e00-\u9fff]/,
      'no Chinese interface text left in English');
    await screenshot(page, '13-english');
    // Server messages follow the language too.
    await page.locator('[data-test=create]').click();
    await page.locator('[data-test=entity-form]').waitFor();
    const wrapped = await page.locator('[data-test=entity-form] .el-form-item__label').evaluateAll(ls =>
      ls.filter(l => l.getBoundingClientRect().height > 40).map(l => l.innerText));
    assert.deepEqual(wrapped, [], 'English labels stay on one line');
    await fill('name', ACCOUNT);
    await save();
    await page.locator('[data-field=name] .el-form-item__error').waitFor();
    assert.match(await page.locator('[data-field=name] .el-form-item__error').innerText(), /[A-Za-z]/);
    await page.locator('[data-test=entity-form]').getByRole('button', { name: 'Cancel' }).click();
    await page.locator('.el-message-box').getByRole('button', { name: 'Leave' }).click();
    // the home page's chart names its slices in English without a reload
    await menu.getByText('Home', { exact: true }).click();
    const chart = page.locator('.chart[data-names]').first();
    await chart.waitFor();
    assert.doesNotMatch(await chart.getAttribute('data-names'), /[\u4e00-\u9fff]/);
    await page.locator('[data-test=user-menu]').click();
    await page.locator('[data-test=lang-zh]:visible').click();
    await menu.getByText('工作台').waitFor();
    await page.waitForFunction(() => /[\u4e00-\u9fff]/.test(document.querySelector('.chart[data-names]')?.dataset.names || ''));
    await menu.getByText('客户', { exact: true }).waitFor();
  });

  it('sends an expired session back to the sign-in page', async () => {
    await openMenu('accounts');
    // End the session behind the app's back, as expiry would.
    await page.evaluate(async () => {
      const { csrf_token: token } = await (await fetch('/api/v1/session', { credentials: 'same-origin' })).json();
      await fetch('/api/v1/session', { method: 'DELETE', credentials: 'same-origin', headers: { 'X-CSRF-Token': token } });
    });
    await page.locator('[data-entity=contacts]').click();
    await page.waitForURL(/\/login/);
    await page.locator('[data-test=expired]', { hasText: '登录已过期，请重新登录' }).waitFor();
    await screenshot(page, '14-expired');
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码').fill(process.env.KEHU_TEST_ADMIN_PASSWORD || 'Admin#2026pass');
    await page.locator('[data-test=login-submit]').click();
    // back where the user was going: the path itself, not the sign-in page's
    // own address, whose ?redirect=/contacts matches a pattern of the URL
    await page.waitForURL(u => u.pathname === '/contacts', { timeout: 30000 });
    await page.locator('[data-test=list-table]').waitFor();
  });

  it('works at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(srv.base + '/accounts');
    await page.locator('[data-test=list-table]').getByText(ACCOUNT).waitFor();
    await screenshot(page, '15-phone-list');
    await page.locator('.topbar .toggle').click();
    await page.locator('.menu-drawer [data-test=main-menu]').waitFor();
    await page.waitForTimeout(400); // the drawer slides in
    await screenshot(page, '16-phone-menu');
    await page.locator('.menu-drawer [data-entity=contacts]').click();
    await page.locator('[data-test=list-table]').getByText(CONTACT).waitFor();
    await page.setViewportSize({ width: 1366, height: 768 });
  });

  it('changes the password, signs out and signs in with the new one', async () => {
    await page.locator('[data-test=user-menu]').click();
    await page.locator('[data-test=change-password]:visible').click();
    const dialog = page.locator('.el-dialog:visible');
    const inputs = dialog.locator('input[type=password]');
    await inputs.nth(0).fill('Admin#2026pass');
    await inputs.nth(1).fill('Kehu#2027new');
    await inputs.nth(2).fill('Kehu#2027new');
    await dialog.getByRole('button', { name: '保存' }).click();
    await page.locator('.el-message--success', { hasText: '密码已修改' }).waitFor();
    await page.locator('[data-test=user-menu]').click();
    await page.locator('[data-test=logout]:visible').click();
    await page.waitForURL(/\/login/);
    await signIn(page, srv.base, 'admin', 'Kehu#2027new');
  });

  it('had no console errors or Vue warnings', () => {
    assert.deepEqual(browser.problems, []);
  });
});
