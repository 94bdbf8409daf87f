// sales.test.mjs - issue 6 screens in the browser: the pipeline board
// (drag a card to another stage, with real mouse moves), the funnel, the
// reminder bell, lead conversion, and the public pool (claim).
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp, dragOnto } from './harness.mjs';

let srv, browser, page;
const api = (method, path, body) => apiInPage(page, method, path, body);

const it = checkedIt(nodeIt, assert, 'sales-', () => ({ page, browser }));

describe('sales screens', () => {
  const ids = {};
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    const acc = await api('POST', '/accounts', { name: '杭州看板科技有限公司' });
    ids.account = acc.body.id;
    for (const [name, stage, amount] of [['看板商机甲', 'prospecting', 50000], ['看板商机乙', 'qualification', 120000], ['看板商机丙', 'proposal', 80000]])
      ids[name] = (await api('POST', '/opportunities', { name, stage, amount, account_id: acc.body.id, expected_close_date: '2026-12-20' })).body.id;
    const soon = new Date(Date.now() + 2 * 86400000).toISOString().slice(0, 19) + 'Z';
    const past = new Date(Date.now() - 86400000).toISOString().slice(0, 19) + 'Z';
    await api('POST', '/activities', { subject: '回访杭州看板', kind: 'call', account_id: acc.body.id, next_follow_up_at: soon });
    await api('POST', '/activities', { subject: '逾期的拜访', kind: 'visit', account_id: acc.body.id, start_at: past });
    ids.lead = (await api('POST', '/leads', { name: '周转换', company: '宁波转换贸易有限公司', mobile: '13900001111' })).body.id;
    ids.pool = (await api('POST', '/accounts', { name: '公海里的温州客户', owner_id: null })).body.id;
  });
  after(() => closeApp({ srv, browser }));

  it('pipeline board: drag a card to another stage; the stage and probability are saved', async () => {
    await page.locator('[data-test=main-menu] [data-entity="pipeline"]').click();
    await page.locator('[data-test=kanban] [data-card="看板商机甲"]').waitFor();
    const column = '[data-test=kanban] [data-stage="negotiation"]';
    await dragOnto(page, page.locator('[data-card="看板商机甲"]'), page.locator(column), page.locator(column + '.over'));
    await page.locator('.el-message--success').waitFor();
    await page.locator('[data-stage="negotiation"] [data-card="看板商机甲"]').waitFor();
    const saved = await api('GET', `/opportunities/${ids['看板商机甲']}`);
    assert.equal(saved.body.stage, 'negotiation');
    assert.equal(saved.body.probability, 70);
    await page.locator('[data-test=funnel-chart] [data-band=negotiation]').waitFor();
    await screenshot(page, 'sales-01-pipeline');
  });

  it('an opportunity shows its stage history: time in each stage and the changes', async () => {
    await api('PATCH', `/opportunities/${ids['看板商机乙']}`, { stage: 'proposal' });
    await page.goto(`${srv.base}/opportunities/${ids['看板商机乙']}?tab=stages`);
    const view = page.locator('[data-test=stage-history]');
    await view.locator('[data-stage="qualification"]').waitFor();
    await view.locator('[data-stage="proposal"]').waitFor();
    assert.match(await view.innerText(), /当前阶段，已/);
    assert.match(await view.innerText(), /需求确定[\s\S]*停留/);
    await screenshot(page, 'sales-09-stage-history');
  });

  it('the reminder bell counts due follow-ups and overdue activities and opens them', async () => {
    const bell = page.locator('[data-test=reminder-bell]');
    await page.locator('[data-test=reminder-bell] .el-badge__content', { hasText: '2' }).waitFor();
    await bell.click();
    await page.locator('[data-test=reminder-list] li', { hasText: '逾期的拜访' }).waitFor();
    await page.waitForTimeout(300);
    await screenshot(page, 'sales-02-bell');
    await page.locator('[data-test=reminder-list] li', { hasText: '回访杭州看板' }).click();
    await page.waitForURL(/\/activities\/\d+/);
  });

  it('the lead form does not offer 已转换, which only converting sets', async () => {
    await page.goto(`${srv.base}/leads/new`);
    await page.locator('[data-field=status] .el-select__wrapper').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '未处理' }).first().waitFor();
    const offered = await page.locator('.el-select-dropdown__item:visible').allInnerTexts();
    assert.ok(offered.length >= 3 && !offered.some(t => t.includes('已转换')), offered.join('|'));
    await page.keyboard.press('Escape');
  });

  it('converts a lead into a customer, a contact and an opportunity from its page', async () => {
    await page.goto(`${srv.base}/leads/${ids.lead}`);
    await page.locator('[data-test=convert]').click();
    await page.locator('[data-test=convert-submit]').waitFor();
    await page.waitForTimeout(400); // the dialog fades in
    await screenshot(page, 'sales-03-convert');
    await page.locator('[data-test=convert-submit]').click();
    await page.locator('[data-test=goto-account]').click();
    await page.waitForURL(/\/accounts\/\d+/);
    await page.locator('[data-test=record-title]', { hasText: '宁波转换贸易有限公司' }).waitFor();
    const lead = await api('GET', `/leads/${ids.lead}`);
    assert.equal(lead.body.status, 'converted');
  });

  it('a customer opens on its 360 view: contacts, opportunities, timeline, next follow-up', async () => {
    await api('POST', '/contacts', { name: '杭看板', title: '采购经理', mobile: '13812345678', account_id: ids.account });
    await page.goto(`${srv.base}/accounts/${ids.account}`);
    const view = page.locator('[data-test=account-360]');
    await view.locator('.ccard', { hasText: '杭看板' }).waitFor();
    await view.locator('.opp', { hasText: '看板商机乙' }).waitFor();
    await view.locator('[data-test=activity-timeline]', { hasText: '回访杭州看板' }).waitFor();
    assert.notEqual((await view.locator('[data-test=next-follow-up] b').innerText()).trim(), '未安排');
    // totals are the account's computed fields, as stored by the server
    const account = await api('GET', `/accounts/${ids.account}`);
    const pipeline = (await view.locator('[data-total=open_pipeline]', { hasText: '在谈机会金额' }).innerText()).replace(/[^0-9.]/g, '');
    assert.equal(Number(pipeline), account.body.open_pipeline);
    await view.locator('[data-total=done_activities]', { hasText: '已完成行动数' }).waitFor();
    await screenshot(page, 'sales-05-account-360');
    await view.locator('[data-test=new-activity]').click();
    await page.waitForURL(/\/activities\/new\?account_id=/);
  });

  it('the public pool is a tab of the customer list; claiming takes a customer', async () => {
    await page.goto(`${srv.base}/accounts`);
    await page.locator('[data-test=pool-toggle] label', { hasText: '公海' }).click();
    await page.locator('[data-test=list-table] a', { hasText: '公海里的温州客户' }).click();
    await page.locator('[data-test=claim]').click();
    await page.locator('[data-test=release]').waitFor();
    const acc = await api('GET', `/accounts/${ids.pool}`);
    assert.ok(acc.body.owner_id, 'claimed');
    await screenshot(page, 'sales-04-claimed');
  });

  it('address book: contacts as cards, the A-Z bar narrows them, vCards download', async () => {
    await api('POST', '/contacts', { name: '王通讯', mobile: '13700000000', email: 'wang@tongxun.cn', account_id: ids.account });
    await page.locator('[data-test=main-menu] [data-entity="address-book"]').click();
    await page.locator('[data-test=address-book] [data-contact="王通讯"]').waitFor();
    await page.locator('[data-test=initial-bar] [data-initial="W"]').click();
    await page.locator('[data-test=address-book] [data-contact="杭看板"]').waitFor({ state: 'detached' });
    assert.equal(await page.locator('[data-test=address-book] [data-contact="王通讯"] a[href="tel:13700000000"]').count(), 1);
    await screenshot(page, 'sales-06-address-book');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=vcard-export]').click()]);
    assert.match(download.suggestedFilename(), /\.vcf$/);
  });

  it('import wizard: upload a CSV, check the mapping, give the rows to the pool, import, see the bad row and the skipped duplicate', async () => {
    await page.goto(`${srv.base}/accounts`);
    await page.locator('[data-test=import]').click();
    const csv = '\uFEFF客户名称,城市,客户等级,员工人数\n向导导入甲公司,扬州,A类,20\n向导导入乙公司,镇江,,很多\n杭州看板科技有限公司,杭州,,\n';
    await page.locator('[data-test=import-upload] input[type=file]').setInputFiles({ name: '客户.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.locator('[data-test=import-mapping]').waitFor();
    await page.waitForTimeout(300);
    await screenshot(page, 'sales-07-import-mapping');
    await page.locator('[data-test=import-next]').click();
    await page.locator('[data-test=import-preview]').waitFor();
    await page.locator('[data-test=import-owner] label', { hasText: '放入公海' }).click();
    await screenshot(page, 'sales-08a-import-options');
    await page.locator('[data-test=import-run]').click();
    await page.locator('[data-test=import-errors]').waitFor();
    await page.locator('[data-test=import-result]', { hasText: '新建 1' }).waitFor();
    assert.equal(await page.locator('[data-test=import-errors] tbody tr').count(), 1);
    // the duplicate is named with a link to the record it matched
    await page.locator('[data-test=import-skipped] a', { hasText: '杭州看板科技有限公司' }).waitFor();
    await screenshot(page, 'sales-08-import-result');
    // the failed row comes back as the user's own CSV with the reason
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=import-failed-file]').click()]);
    const text = readFileSync(await download.path(), 'utf8');
    assert.match(text, /^\uFEFF客户名称,城市,客户等级,员工人数,错误原因\r\n向导导入乙公司,镇江,,很多,/);
    await page.locator('[data-test=import-close]').click();
    const made = await api('GET', '/accounts?q=' + encodeURIComponent('向导导入甲公司'));
    assert.equal(made.body.items[0].grade, 'A');
    assert.equal(made.body.items[0].owner_id, null, 'into the pool');
  });
});
