// campaign_roi.test.mjs - 博星 实验六 市场管理 in the browser: 市场活动效果
// draws each campaign's 实际费用 and 赢单金额 with its 投资回报率, the table
// below giving the same figures as the campaign's computed fields; a
// 市场任务 given to a colleague is in their bell, opened from it, started and
// completed with its 完成情况, and the campaign counts it done; a 市场跟踪
// written for the task lands on the campaign.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

let srv, browser, page;
const it = checkedIt(nodeIt, assert, 'campaign-roi-', () => ({ page, browser }));
const api = async (method, path, body, status) => {
  const r = await apiInPage(page, method, path, body);
  if (status) assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
};
const bjDay = offset => new Date(Date.now() + 8 * 3600000 + offset * 86400000).toISOString().slice(0, 10);
const PW = 'Lina#2026word';

describe('市场活动效果 and 市场任务', () => {
  const ids = {};
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    const root = (await api('GET', '/roles')).items.find(r => r.name === '管理员');
    const all = { view: true, create: true, edit: true, export: true };
    const profile = await api('POST', '/profiles', { name: '市场专员', permissions: { campaigns: { view: true }, campaign_tasks: all, campaign_tracks: all } }, 201);
    const role = await api('POST', '/roles', { name: '市场专员', parent_id: root.id, profile_ids: [profile.id] }, 201);
    ids.lina = (await api('POST', '/users', { username: 'lina', name: '李娜', password: PW, role_id: role.id }, 201)).id;
    const customer = await api('POST', '/accounts', { name: '南京钢铁集团' }, 201);
    for (const [name, type, cost, won] of [['2026 南京智能制造展', 'exhibition', 40000, 120000], ['苏州客户答谢会', 'customer_event', 15000, 0]]) {
      const c = await api('POST', '/campaigns', { name, type, budget: cost * 1.5, start_date: bjDay(-30) }, 201);
      ids[type] = c.id;
      const x = await api('POST', '/expenses', { subject: `${name}场地费`, expense_type: 'conference', amount: cost, campaign_id: c.id }, 201);
      await api('POST', `/expenses/${x.id}/actions/submit`, {}, 200);
      if (won) {
        const o = await api('POST', '/opportunities', { name: `${name}赢单`, account_id: customer.id, amount: won, campaign_id: c.id }, 201);
        await api('POST', `/opportunities/${o.id}/actions/win`, {}, 200);
      }
      await api('POST', '/leads', { name: `${name}线索`, company: '常州某公司', campaign_id: c.id }, 201);
    }
    ids.task = (await api('POST', '/campaign_tasks', { subject: '邀约重点客户参展', kind: 'invitation', campaign_id: ids.exhibition,
      due_date: bjDay(1), owner_id: ids.lina }, 201)).id;
  });
  after(() => closeApp({ srv, browser }));

  it('市场活动效果 draws cost, won amount and ROI per campaign, as the campaign computes them', async () => {
    await page.locator('[data-test=main-menu] [data-entity="campaign-roi"]').click();
    await page.waitForURL(/\/campaign-roi/);
    const row = page.locator('[data-test=roi-table] tbody tr', { hasText: '2026 南京智能制造展' });
    await row.waitFor();
    const cells = await row.locator('td').evaluateAll(tds => tds.map(td => td.innerText.trim()));
    assert.deepEqual(cells, ['2026 南京智能制造展', '计划中', '60,000.00', '40,000.00', '120,000.00', '3', '1', '40,000.00', '0 / 1']);
    const other = await page.locator('[data-test=roi-table] tbody tr', { hasText: '苏州客户答谢会' }).locator('td').evaluateAll(tds => tds.map(td => td.innerText.trim()));
    assert.deepEqual(other.slice(3, 6), ['15,000.00', '0.00', '0']);
    await page.locator('[data-test=roi-chart] canvas').waitFor();
    const c = await api('GET', `/campaigns/${ids.exhibition}`);
    assert.deepEqual([c.actual_cost, c.won_amount, c.roi, c.cost_per_lead], [40000, 120000, 3, 40000]);
    await screenshot(page, 'campaign-roi-01-chart');
  });

  it('the colleague given the 市场任务 finds it in the bell, starts and completes it; the campaign counts it', async () => {
    await page.evaluate(async () => {
      const { csrf_token: token } = await (await fetch('/api/v1/session')).json();
      await fetch('/api/v1/session', { method: 'DELETE', headers: { 'X-CSRF-Token': token } });
    });
    await signIn(page, srv.base, 'lina', PW);
    await page.locator('[data-test=reminder-bell]').click();
    const item = page.locator('[data-test=reminder-list] li', { hasText: '邀约重点客户参展（2026 南京智能制造展）' });
    await item.waitFor();
    await item.getByText('市场任务').waitFor();
    await screenshot(page, 'campaign-roi-02-bell');
    await item.getByText('邀约重点客户参展').click();
    await page.waitForURL(new RegExp(`/campaign_tasks/${ids.task}$`));
    await page.locator('[data-test=start]').click();
    await page.locator('[data-test=complete]').waitFor();
    await page.locator('[data-test=complete]').click();
    const dialog = page.locator('[data-test=action-dialog]');
    await dialog.locator('[data-test=ask-result] textarea').fill('电话邀约 30 家，18 家确认到场。');
    await dialog.locator('[data-test=action-submit]').click();
    await page.locator('[data-test=reopen]').waitFor();
    await screenshot(page, 'campaign-roi-03-task-done');
    const t = await api('GET', `/campaign_tasks/${ids.task}`);
    assert.deepEqual([t.status, t.progress, t.completed_on], ['done', 100, bjDay(0)]);
    await api('POST', '/campaign_tracks', { subject: '邀约回执统计', task_id: ids.task, responses: 18, content: '18 家确认到场' }, 201);
    const c = await api('GET', `/campaigns/${ids.exhibition}`);
    assert.deepEqual([c.task_count, c.tasks_done, c.track_count, c.tracked_responses], [1, 1, 1, 18]);
    await page.goto(`${srv.base}/campaigns/${ids.exhibition}?tab=rel:tracks`);
    await page.getByText('邀约回执统计').waitFor();
    await screenshot(page, 'campaign-roi-04-tracking');
  });
});
