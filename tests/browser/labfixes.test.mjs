// labfixes.test.mjs - what the QA walkthrough of the student labs found:
// buttons that would always be refused are not shown (分配 without the
// assign right, 编辑/删除 of a public-pool customer), 公海 as the owner of
// such a customer, pickers narrowed to the chosen customer, lead
// conversion onto a customer of the same name, 完成 of planned activities
// (record page and reminder bell), 丢单 asking for the reason on the
// pipeline board, the calendar's defaults and date pickers, the 重复日程
// tab only for a series, wording, the home page's 近期待办 and the import
// template. The browser runs in Asia/Shanghai.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp, dragOnto } from './harness.mjs';

let srv, browser, page;
const api = (method, path, body) => apiInPage(page, method, path, body);
const it = checkedIt(nodeIt, assert, 'labfixes-', () => ({ page, browser }));
const visibleOption = text => page.locator('.el-select-dropdown__item:visible', { hasText: text }).first();
const iso = ms => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const HOUR = 3600000, DAY = 86400000;
const text = s => s.replace(/\s+/g, '');

async function signInAs(username, password) {
  await page.context().clearCookies();
  await signIn(page, srv.base, username, password);
}
// The options a link picker offers once opened (and after typing `q`).
async function linkOptions(field, q) {
  // a dropdown just closed (the customer picked) may still be fading out
  await page.locator('.el-select-dropdown__item:visible').first().waitFor({ state: 'hidden', timeout: 3000 }).catch(() => {});
  await page.locator(`[data-field="${field}"] .el-select__wrapper`).click();
  if (q !== undefined) await page.locator(`[data-field="${field}"] input`).fill(q);
  // the remote search answers: wait for the network to go quiet rather than
  // a fixed time, which a busy machine overruns
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(100);
  // this select's own list (its input names it in aria-controls), not a
  // dropdown of another field that is still closing
  const list = await page.locator(`[data-field="${field}"] input`).getAttribute('aria-controls');
  const texts = await page.locator(`[id="${list}"] .el-select-dropdown__item:visible`).allInnerTexts();
  return texts.map(s => s.trim());
}
async function drag(cardName, stage) {
  const column = `[data-test=kanban] [data-stage="${stage}"]`;
  await dragOnto(page, page.locator(`[data-card="${cardName}"]`), page.locator(column), page.locator(column + '.over'));
}

describe('fixes from the lab walkthrough', () => {
  const ids = {};
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    ids.sales = (await api('POST', '/users', { username: 'xiaoli', name: '小李', password: 'Xiaoli#2026pw' })).body.id;
    ids.mine = (await api('POST', '/accounts', { name: '小李负责的常熟客户', owner_id: ids.sales })).body.id;
    ids.pool = (await api('POST', '/accounts', { name: '公海里的常州客户', owner_id: null })).body.id;
    ids.a = (await api('POST', '/accounts', { name: '常州甲方电子有限公司' })).body.id;
    ids.b = (await api('POST', '/accounts', { name: '无锡乙方机械有限公司' })).body.id;
    ids.contactA = (await api('POST', '/contacts', { name: '甲方联系人', account_id: ids.a })).body.id;
    ids.contactB = (await api('POST', '/contacts', { name: '乙方联系人', account_id: ids.b })).body.id;
    ids.oppA = (await api('POST', '/opportunities', { name: '甲方的商机', stage: 'proposal', amount: 30000, account_id: ids.a })).body.id;
    ids.oppB = (await api('POST', '/opportunities', { name: '乙方的商机', stage: 'qualification', amount: 60000, account_id: ids.b })).body.id;
  });
  after(() => closeApp({ srv, browser }));

  it('a sales user sees no 分配 (the owner field is read-only for them) and no 编辑/删除 on a pool customer, whose 负责人 reads 公海', async () => {
    await signInAs('xiaoli', 'Xiaoli#2026pw');
    try { await asSalesUser(); } finally { await signInAs('admin', 'Admin#2026pass'); }
  });
  async function asSalesUser() {
    const meta = (await api('GET', '/metadata')).body;
    assert.equal(meta.entities.find(e => e.name === 'accounts').fields.find(f => f.name === 'owner_id').readonly, true);

    await page.goto(`${srv.base}/accounts/${ids.mine}`);
    await page.locator('[data-test=release]').waitFor();
    await page.locator('[data-test=edit]').waitFor();
    await page.locator('[data-test=delete]').waitFor();
    assert.equal(await page.locator('[data-test=assign]').count(), 0, 'no 分配 without the assign right');

    // the public pool list offers no 编辑 either
    await page.goto(`${srv.base}/accounts?pool=true`);
    const row = page.locator('[data-test=list-table] .el-table__body-wrapper tr', { hasText: '公海里的常州客户' });
    await row.waitFor();
    assert.equal(await page.locator('[data-test=list-table] [data-test=row-edit]').count(), 0);

    await page.goto(`${srv.base}/accounts/${ids.pool}?tab=info`);
    await page.locator('[data-test=claim]').waitFor();
    for (const b of ['assign', 'edit', 'delete']) assert.equal(await page.locator(`[data-test=${b}]`).count(), 0, b);
    assert.equal(text(await page.locator('[data-test=record-owner]').innerText()), '负责人：公海');
    assert.equal((await page.locator('[data-field=owner_id]').innerText()).trim(), '公海');
    await screenshot(page, 'labfixes-01-pool-sales');

    // claiming makes it theirs: now it can be edited and deleted
    await page.locator('[data-test=claim]').click();
    await page.locator('[data-test=release]').waitFor();
    await page.locator('[data-test=edit]').waitFor();
    await page.locator('[data-test=delete]').waitFor();
    assert.equal(text(await page.locator('[data-test=record-owner]').innerText()), '负责人：小李');
    assert.equal((await api('POST', `/accounts/${ids.pool}/release`)).status, 200);
  }

  it('an administrator may edit, delete and assign a pool customer; the 分配 dialog says 分配给', async () => {
    await page.goto(`${srv.base}/accounts?pool=true`);
    await page.locator('[data-test=list-table] .el-table__body-wrapper tr', { hasText: '公海里的常州客户' }).locator('[data-test=row-edit]').waitFor();
    await page.goto(`${srv.base}/accounts/${ids.pool}`);
    await page.locator('[data-test=record-owner]', { hasText: '公海' }).waitFor();
    for (const b of ['claim', 'assign', 'edit', 'delete']) await page.locator(`[data-test=${b}]`).waitFor();
    await page.locator('[data-test=assign]').click();
    const dialog = page.locator('[data-test=assign-dialog]');
    assert.equal((await dialog.locator('.el-form-item__label').innerText()).trim(), '分配给');
    await dialog.locator('[data-test=assign-owner] .el-select__wrapper').click();
    await visibleOption('小李').click();
    await page.waitForTimeout(300);
    await screenshot(page, 'labfixes-02-assign');
    await dialog.locator('[data-test=assign-submit]').click();
    await page.locator('[data-test=record-owner]', { hasText: '小李' }).waitFor();
    assert.equal((await api('GET', `/accounts/${ids.pool}`)).body.owner_id, ids.sales);
  });

  it('an activity\'s contact and opportunity pickers list only the chosen customer\'s; another customer clears them', async () => {
    await page.goto(`${srv.base}/activities/new`);
    await page.locator('[data-field=subject] input').fill('核对常州甲方的需求');
    // no customer yet: every contact
    assert.deepEqual((await linkOptions('contact_id')).sort(), ['乙方联系人', '甲方联系人'].sort());
    await page.keyboard.press('Escape');
    await page.locator('[data-field=account_id] .el-select__wrapper').click();
    await page.locator('[data-field=account_id] input').fill('常州甲方');
    await visibleOption('常州甲方电子有限公司').click();
    assert.deepEqual(await linkOptions('contact_id', ''), ['甲方联系人']);
    assert.deepEqual(await linkOptions('contact_id', '联系人'), ['甲方联系人'], 'typing searches within the customer');
    await visibleOption('甲方联系人').click();
    assert.deepEqual(await linkOptions('opportunity_id'), ['甲方的商机']);
    await visibleOption('甲方的商机').click();
    await screenshot(page, 'labfixes-03-scoped-pickers');

    // another customer: the contact and opportunity of the first one go
    await page.locator('[data-field=account_id] .el-select__wrapper').click();
    await page.locator('[data-field=account_id] input').fill('无锡乙方');
    await visibleOption('无锡乙方机械有限公司').click();
    for (const f of ['contact_id', 'opportunity_id']) await page.locator(`[data-field=${f}] .el-select__placeholder.is-transparent`).waitFor();
    assert.deepEqual(await linkOptions('contact_id', ''), ['乙方联系人']);
    await visibleOption('乙方联系人').click();
    await page.locator('[data-test=save]').click();
    await page.waitForURL(/\/activities\/\d+$/);
    const made = (await api('GET', '/activities?q=' + encodeURIComponent('核对常州甲方的需求'))).body.items[0];
    assert.equal(made.account_id, ids.b);
    assert.equal(made.contact_id, ids.contactB);
    assert.equal(made.opportunity_id, null);
  });

  it('a contact picked before the customer fills in its customer', async () => {
    await page.goto(`${srv.base}/opportunities/new`);
    await page.locator('[data-field=contact_id] .el-select__wrapper').click();
    await page.locator('[data-field=contact_id] input').fill('乙方');
    await visibleOption('乙方联系人').click();
    await page.locator('[data-field=account_id] .el-select__selected-item', { hasText: '无锡乙方机械有限公司' }).waitFor();
  });

  it('converting a lead whose company is an existing customer links to that customer; the labels stay on one line', async () => {
    ids.same = (await api('POST', '/accounts', { name: '绍兴同名纺织有限公司' })).body.id;
    const lead = (await api('POST', '/leads', { name: '钱同名', company: '绍兴同名纺织有限公司', mobile: '13900002222' })).body.id;
    await page.goto(`${srv.base}/leads/${lead}`);
    await page.locator('[data-test=convert]').click();
    const dialog = page.locator('[data-test=convert-dialog]');
    await dialog.locator('[data-test=convert-same-name]').waitFor();
    assert.ok(await dialog.locator('.el-radio', { hasText: '关联已有客户' }).evaluate(e => e.classList.contains('is-checked')));
    await dialog.locator('[data-test=convert-account] .el-select__selected-item', { hasText: '绍兴同名纺织有限公司' }).waitFor();
    await page.waitForTimeout(400); // the dialog fades in
    // 同时创建销售机会 on one line, above (not over) the next field
    const label = dialog.locator('.el-form-item__label', { hasText: '同时创建销售机会' });
    const box = await label.boundingBox();
    const nextItem = await dialog.locator('.el-form-item', { hasText: '机会名称' }).boundingBox();
    assert.ok(box.height <= 34, `one line: ${box.height}px`);
    assert.ok(box.y + box.height <= nextItem.y + 1, 'does not reach into the next field');
    await screenshot(page, 'labfixes-04-convert-same-name');
    await dialog.locator('[data-test=convert-submit]').click();
    await dialog.locator('[data-test=goto-account]').waitFor();
    const done = (await api('GET', `/leads/${lead}`)).body;
    assert.equal(done.converted_account_id, ids.same);
    assert.equal((await api('GET', '/accounts?q=' + encodeURIComponent('绍兴同名纺织'))).body.total, 1, 'no second customer');
  });

  it('a lead whose company is new still converts into a new customer', async () => {
    const lead = (await api('POST', '/leads', { name: '孙新客', company: '嘉兴全新包装有限公司' })).body.id;
    await page.goto(`${srv.base}/leads/${lead}`);
    await page.locator('[data-test=convert]').click();
    const dialog = page.locator('[data-test=convert-dialog]');
    await page.waitForTimeout(500);
    assert.ok(await dialog.locator('.el-radio', { hasText: '新建客户' }).evaluate(e => e.classList.contains('is-checked')));
    await page.keyboard.press('Escape');
  });

  it('完成 on a planned activity\'s page marks it done', async () => {
    const id = (await api('POST', '/activities', { subject: '电话确认报价', kind: 'call', account_id: ids.a, start_at: iso(Date.now() + 2 * HOUR) })).body.id;
    await page.goto(`${srv.base}/activities/${id}`);
    await page.locator('[data-test=complete]').waitFor();
    assert.equal(await page.locator('.el-tabs__item', { hasText: '重复日程' }).count(), 0, 'no series, no 重复日程 tab');
    await screenshot(page, 'labfixes-10-activity-complete');
    await page.locator('[data-test=complete]').click();
    // 完成 asks the 行动结果 (and 下次回访时间), as its action declares
    await page.locator('[data-test=action-dialog] [data-test=ask-result] textarea').fill('客户确认报价无误');
    await page.locator('[data-test=action-submit]').click();
    await page.locator('.el-message--success', { hasText: '已完成' }).waitFor();
    await page.locator('[data-test=complete]').waitFor({ state: 'detached' });
    await page.locator('[data-field=status]', { hasText: '已完成' }).waitFor();
    const saved = (await api('GET', `/activities/${id}`)).body;
    assert.deepEqual([saved.status, saved.result], ['done', '客户确认报价无误']);
  });

  it('the reminder bell: 完成 on an activity, 联系客户 for a customer due, which opens the customer', async () => {
    const id = (await api('POST', '/activities', { subject: '拜访常州甲方', kind: 'visit', account_id: ids.a, start_at: iso(Date.now() + DAY) })).body.id;
    const acc = (await api('GET', `/accounts/${ids.b}`)).body;
    const set = await api('PATCH', `/accounts/${ids.b}`, { next_contact_at: iso(Date.now() - HOUR), version: acc.version });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    await page.goto(`${srv.base}/`);
    await page.locator('[data-test=reminder-bell]').click();
    const list = page.locator('[data-test=reminder-list]');
    const visit = list.locator('li', { hasText: '拜访常州甲方' });
    await visit.waitFor();
    await page.waitForTimeout(300);
    await screenshot(page, 'labfixes-05-bell');
    await visit.locator('[data-test=reminder-done]').click();
    await page.locator('[data-test=done-dialog] [data-test=done-submit]').click();
    await page.locator('.el-message--success', { hasText: '拜访常州甲方' }).waitFor();
    assert.equal((await api('GET', `/activities/${id}`)).body.status, 'done');
    assert.match(page.url(), /\/$/, 'completing does not open the activity');

    await page.locator('[data-test=reminder-bell]').click(); // the dialog closed the list
    const due = list.locator('li[data-kind=contact]', { hasText: '无锡乙方机械有限公司' });
    await due.waitFor();
    assert.equal(await list.locator('li', { hasText: '拜访常州甲方' }).count(), 0, 'the done one left the list');
    assert.equal((await due.locator('.el-tag').innerText()).trim(), '联系客户');
    assert.match(await due.innerText(), /已逾期/);
    assert.equal(await due.locator('[data-test=reminder-done]').count(), 0, 'a customer is not "done"');
    await due.click();
    await page.waitForURL(new RegExp(`/accounts/${ids.b}$`));
  });

  it('dropping a card on 丢单 asks for the reason: cancel puts it back, a reason saves it', async () => {
    await page.setViewportSize({ width: 2000, height: 900 }); // every column in view: the drag needs no scrolling
    try { await lostReason(); } finally { await page.setViewportSize({ width: 1366, height: 768 }); }
  });
  async function lostReason() {
    await page.goto(`${srv.base}/pipeline`);
    await page.locator('[data-test=kanban] [data-stage="proposal"] [data-card="甲方的商机"]').waitFor();
    await drag('甲方的商机', 'lost');
    const dialog = page.locator('[data-test=lost-dialog]');
    await dialog.locator('.el-form-item__label', { hasText: '丢单原因' }).waitFor();
    assert.ok(await dialog.locator('[data-test=lost-submit]').isDisabled(), 'no reason, no 丢单');
    await dialog.locator('[data-test=lost-cancel]').click();
    await dialog.waitFor({ state: 'hidden' });
    await page.locator('[data-stage="proposal"] [data-card="甲方的商机"]').waitFor();
    assert.equal((await api('GET', `/opportunities/${ids.oppA}`)).body.stage, 'proposal');

    await drag('甲方的商机', 'lost');
    await dialog.locator('[data-test=lost-reason] .el-select__wrapper').click();
    await visibleOption('竞争对手').click();
    await page.waitForTimeout(300);
    await screenshot(page, 'labfixes-06-lost-reason');
    await dialog.locator('[data-test=lost-submit]').click();
    await page.locator('.el-message--success', { hasText: '甲方的商机' }).waitFor();
    await page.locator('[data-stage="lost"] [data-card="甲方的商机"]').waitFor();
    const saved = (await api('GET', `/opportunities/${ids.oppA}`)).body;
    assert.equal(saved.stage, 'lost');
    assert.equal(saved.lost_reason, 'competitor');
  }

  it('新建日程 today starts at the next whole hour; 发布行程 offers 本周/下周/本月; date pickers start on Monday', async () => {
    await page.goto(`${srv.base}/calendar`);
    await page.locator('[data-test=calendar-week]').waitFor();
    const expected = () => page.evaluate(() => { const d = new Date(); d.setMinutes(0, 0, 0); d.setHours(d.getHours() + 1); return d.toISOString().replace(/\.\d{3}Z$/, 'Z'); });
    const before = await expected();
    await page.getByRole('button', { name: '新建日程' }).click();
    await page.locator('[data-test=entity-form]').waitFor();
    const start = new URL(page.url()).searchParams.get('start_at');
    assert.ok([before, await expected()].includes(start), `${start} is the next whole hour`);
    assert.ok(new Date(start) > new Date(), 'not in the past');
    await page.getByRole('button', { name: '取消' }).click();

    await page.locator('[data-test=calendar-share]').click();
    await page.locator('[data-test=share-dialog] .el-date-editor').click();
    const panel = page.locator('.el-date-range-picker:visible');
    await panel.locator('.el-picker-panel__shortcut').first().waitFor();
    assert.deepEqual(await panel.locator('.el-picker-panel__shortcut').allInnerTexts(), ['本周', '下周', '本月']);
    assert.equal((await panel.locator('.el-date-table th').first().innerText()).trim(), '一', 'weeks start on Monday');
    await page.waitForTimeout(300);
    await screenshot(page, 'labfixes-07-share-shortcuts');
    await panel.locator('.el-picker-panel__shortcut', { hasText: '下周' }).click();
    const [from, to] = await page.locator('[data-test=share-dialog] .el-range-input').evaluateAll(els => els.map(e => e.value));
    const want = await page.evaluate(() => {
      const d = new Date(); d.setHours(0, 0, 0, 0); d.setDate(d.getDate() - ((d.getDay() + 6) % 7) + 7);
      const e = new Date(d); e.setDate(e.getDate() + 6);
      const k = x => `${x.getFullYear()}-${String(x.getMonth() + 1).padStart(2, '0')}-${String(x.getDate()).padStart(2, '0')}`;
      return [k(d), k(e)];
    });
    assert.deepEqual([from, to], want);
    await page.keyboard.press('Escape');

    // an ordinary date field, in English too
    await page.goto(`${srv.base}/opportunities/new`);
    await page.locator('[data-field=expected_close_date] input').click();
    assert.equal((await page.locator('.el-date-picker:visible .el-date-table th').first().innerText()).trim(), '一');
    await page.keyboard.press('Escape');
    await page.evaluate(() => localStorage.setItem('kehu.locale', 'en'));
    await page.reload();
    await page.locator('[data-field=expected_close_date] input').click();
    assert.equal((await page.locator('.el-date-picker:visible .el-date-table th').first().innerText()).trim(), 'Mon');
    await page.keyboard.press('Escape');
    await page.evaluate(() => localStorage.setItem('kehu.locale', 'zh-CN'));
    await page.goto(`${srv.base}/`);
  });

  it('the 重复日程 tab only on an activity that repeats', async () => {
    const once = (await api('POST', '/activities', { subject: '一次性的拜访', kind: 'visit', start_at: iso(Date.now() + 3 * DAY) })).body.id;
    const weekly = await api('POST', '/activities', { subject: '每周例会', kind: 'meeting', start_at: iso(Date.now() + DAY), repeat: 'weekly',
      repeat_until: new Date(Date.now() + 22 * DAY).toISOString().slice(0, 10) });
    assert.equal(weekly.status, 201, JSON.stringify(weekly.body));
    await page.goto(`${srv.base}/activities/${once}`);
    await page.locator('.el-tabs__item', { hasText: '修改记录' }).waitFor();
    assert.equal(await page.locator('.el-tabs__item', { hasText: '重复日程' }).count(), 0);
    await page.goto(`${srv.base}/activities/${weekly.body.id}`);
    await page.locator('.el-tabs__item', { hasText: '重复日程' }).waitFor();
  });

  it('wording: 新增行动记录, 新增销售机会, 导出当前列表 (it exports what the list shows), 当前阶段，已停留', async () => {
    await page.goto(`${srv.base}/accounts/${ids.a}`);
    const view = page.locator('[data-test=account-360]');
    await view.getByRole('button', { name: '新增行动记录' }).waitFor();
    await view.getByRole('button', { name: '新增销售机会' }).waitFor();
    await screenshot(page, 'labfixes-11-account-360');

    await page.goto(`${srv.base}/accounts`);
    await page.locator('[data-test=pool-toggle] label', { hasText: '公海' }).click();
    const pooled = (await api('POST', '/accounts', { name: '公海里的泰州客户', owner_id: null })).body.id;
    assert.ok(pooled);
    await page.locator('[data-test=quick-search] input').fill('泰州');
    await page.keyboard.press('Enter');
    await page.locator('[data-test=list-table] a', { hasText: '公海里的泰州客户' }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      (async () => {
        await page.getByRole('button', { name: '导出' }).click();
        await page.locator('.el-dropdown-menu__item:visible', { hasText: '导出当前列表 (CSV)' }).click();
      })(),
    ]);
    const csv = readFileSync(await download.path(), 'utf8');
    assert.match(csv, /公海里的泰州客户/);
    assert.doesNotMatch(csv, /常州甲方电子有限公司/, 'only the current list');
    // ...in the columns the list shows, in their order
    const head = csv.replace(/^\uFEFF/, '').split('\r\n')[0].split(',');
    const shown = (await page.locator('[data-test=list-table] thead th').allInnerTexts()).map(x => x.trim()).filter(Boolean);
    assert.ok(head.every(h => shown.includes(h)), `export ${head} vs list ${shown}`);
    assert.deepEqual(head, shown.filter(x => head.includes(x)), 'in the order of the list');
    assert.ok(head.length >= 5 && !head.includes('资信额度'), head.join('|'));

    await page.goto(`${srv.base}/opportunities/${ids.oppB}?tab=stages`);
    await page.locator('[data-test=stage-history] [data-stage="qualification"]').waitFor();
    assert.match(await page.locator('[data-test=stage-history]').innerText(), /当前阶段，已停留/);
    await screenshot(page, 'labfixes-12-stage-history');
  });

  it('the home page lists 近期待办: overdue first, each opening its record', async () => {
    const late = (await api('POST', '/activities', { subject: '逾期未回的电话', kind: 'call', start_at: iso(Date.now() - 2 * DAY) })).body.id;
    await api('POST', '/activities', { subject: '后天的演示', kind: 'meeting', start_at: iso(Date.now() + 2 * DAY) });
    await api('POST', '/activities', { subject: '下个月的拜访', kind: 'visit', start_at: iso(Date.now() + 20 * DAY) });
    await page.goto(`${srv.base}/`);
    const panel = page.locator('[data-test=upcoming]');
    await panel.locator('li', { hasText: '后天的演示' }).waitFor();
    const rows = await panel.locator('li').allInnerTexts();
    assert.match(rows[0], /逾期未回的电话/, 'overdue first');
    assert.match(rows[0], /已逾期/);
    assert.ok(!rows.some(r => r.includes('下个月的拜访')), 'only the next 7 days');
    await page.waitForTimeout(400); // the chart and the tags settle
    await screenshot(page, 'labfixes-08-home-upcoming');
    await panel.locator('li', { hasText: '逾期未回的电话' }).locator('a').click();
    await page.waitForURL(new RegExp(`/activities/${late}$`));
  });

  it('the import wizard offers a template: UTF-8 with BOM, the importable fields\' labels, required first; it imports as is', async () => {
    await page.goto(`${srv.base}/accounts`);
    await page.locator('[data-test=import]').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=import-template]').click()]);
    assert.match(download.suggestedFilename(), /^客户导入模板\.csv$/);
    const bytes = readFileSync(await download.path());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'BOM');
    const header = bytes.subarray(3).toString('utf8').trim().split(',');
    assert.equal(header[0], '客户名称', 'the required name first');
    for (const label of ['客户等级', '城市', '负责人', '下次联系时间']) assert.ok(header.includes(label), label);
    for (const label of ['编号', '创建时间', '客户编号']) assert.ok(!header.includes(label), `${label} is not imported`);
    await screenshot(page, 'labfixes-09-import-template');

    const filled = bytes.toString('utf8').trim() + '\r\n' + header.map(h => (h === '客户名称' ? '模板导入的镇江客户' : h === '城市' ? '镇江' : '')).join(',') + '\r\n';
    await page.locator('[data-test=import-upload] input[type=file]').setInputFiles({ name: '模板.csv', mimeType: 'text/csv', buffer: Buffer.from(filled) });
    await page.locator('[data-test=import-mapping]').waitFor();
    assert.equal(await page.locator('[data-test=import-mapping] .el-select').count(), header.length);
    const unmapped = await page.locator('[data-test=import-mapping] .el-select__placeholder.is-transparent').count();
    assert.equal(unmapped, 0, 'every column of the template maps to its field');
    await page.locator('[data-test=import-next]').click();
    await page.locator('[data-test=import-run]').click();
    await page.locator('[data-test=import-result]', { hasText: '新建 1' }).waitFor();
    await page.locator('[data-test=import-close]').click();
    const made = (await api('GET', '/accounts?q=' + encodeURIComponent('模板导入的镇江客户'))).body.items[0];
    assert.equal(made.city, '镇江');
  });
});
