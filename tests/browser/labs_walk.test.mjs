// labs_walk.test.mjs - 博星卓越 实验六 市场管理 done by a student in the
// browser, with the experiment panel beside the CRM: the campaign and a
// 市场任务 are written on the forms (the task from the campaign's own list,
// so it names the campaign), the task is started and completed with its
// 完成情况, the campaign is ended with its 活动总结; the panel ticks each
// step from the student's records until every step is done.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, signedIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

let srv, browser, page;
const it = checkedIt(nodeIt, assert, 'labs-walk-', () => ({ page, browser }));
const LIVE = { timeout: 15000 };
const PW = 'Laoshi#2026pass';
const STUDENT_PW = 'Xuesheng#2026';
const visibleOption = text => page.locator('.el-select-dropdown__item:visible', { hasText: text }).first();
const api = async (method, path, body, status) => {
  const r = await apiInPage(page, method, path, body);
  if (status) assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
};
const bjDay = offset => new Date(Date.now() + 8 * 3600000 + offset * 86400000).toISOString().slice(0, 10);
async function signOut() {
  await apiInPage(page, 'DELETE', '/session');
  await page.context().clearCookies();
}

describe('博星 实验六 市场管理, by a student in the browser', () => {
  let first, no;
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    const u = await api('POST', '/users', { username: 'zhao_t', name: '赵老师', password: PW }, 201);
    assert.equal((await apiInPage(page, 'PUT', `/teachers/${u.id}`)).status, 204);
    await signOut();
    await signIn(page, srv.base, 'zhao_t', PW);
    const klass = await api('POST', '/classes', { name: '市场营销2402班' }, 201);
    const roster = await page.evaluate(async id => {
      const { csrf_token: token } = await (await fetch('/api/v1/session')).json();
      const r = await fetch(`/api/v1/classes/${id}/students/import`, { method: 'POST',
        headers: { 'Content-Type': 'text/csv; charset=utf-8', 'X-CSRF-Token': token }, body: '学号,姓名\n2024020101,孙悦\n' });
      return r.json();
    }, klass.id);
    ({ student_no: no, password: first } = roster.students[0]);
    const opens = new Date(Date.now() - 60000).toISOString().replace(/\.\d+Z$/, 'Z');
    const closes = new Date(Date.now() + 7 * 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
    await api('POST', '/assignments', { class_id: klass.id, experiment: 'bx-06', opens_at: opens, closes_at: closes }, 201);
    await signOut();
  });
  after(() => closeApp({ srv, browser }));

  it('the student starts 实验六 and writes the campaign on its form', async () => {
    await page.goto(srv.base + '/login');
    await page.getByLabel(/用户名|Username/).fill(no);
    await page.getByLabel(/^密码$|^Password$/).fill(first);
    await page.locator('[data-test=login-submit]').click();
    const form = page.locator('[data-test=first-password]');
    await form.waitFor({ timeout: 30000 });
    await form.getByLabel('新密码', { exact: true }).fill(STUDENT_PW);
    await form.getByLabel('确认新密码').fill(STUDENT_PW);
    await page.locator('[data-test=first-password-submit]').click();
    await signedIn(page);
    const card = page.locator('[data-test=my-assignment]', { hasText: '实验六' });
    await card.waitFor(LIVE);
    await card.locator('[data-test=start-experiment]').click();
    const panel = page.locator('[data-test=experiment-panel]');
    await panel.locator('[data-step=campaign] [data-test=step-why]', { hasText: '还没有填写了活动预算和开始日期的展会' }).waitFor(LIVE);

    await page.goto(`${srv.base}/campaigns/new`);
    await page.locator('[data-test=entity-form]').waitFor();
    await page.locator('[data-field=name] input').fill('2026 京津冀智慧教育装备展');
    await page.locator('[data-field=type] .el-select__wrapper').click();
    await visibleOption('展会').click();
    await page.locator('[data-field=start_date] input').fill(bjDay(10));
    await page.locator('[data-field=start_date] input').press('Enter');
    await page.locator('[data-field=budget] input').fill('80000');
    await page.locator('[data-test=save]').click();
    await page.waitForURL(/\/campaigns\/\d+$/);
    await panel.locator('[data-step=campaign][data-state=done]').waitFor(LIVE);
    await screenshot(page, 'labs-walk-01-campaign');
  });

  it('a 市场任务 from the campaign\'s own list names the campaign; started and completed from its page', async () => {
    const campaign = Number(page.url().match(/\/campaigns\/(\d+)$/)[1]);
    await page.goto(`${srv.base}/campaigns/${campaign}?tab=rel:tasks`);
    await page.getByRole('button', { name: '新建市场任务' }).click();
    await page.locator('[data-test=entity-form]').waitFor();
    await page.locator('[data-field=subject] input').fill('展位设计与搭建');
    await page.locator('[data-field=due_date] input').fill(bjDay(8));
    await page.locator('[data-field=due_date] input').press('Enter');
    await screenshot(page, 'labs-walk-02-task-form');
    await page.locator('[data-test=save]').click();
    await page.waitForURL(/\/(campaign_tasks|campaigns)\/\d+/);
    const task = (await api('GET', '/campaign_tasks')).items.find(t => t.subject === '展位设计与搭建');
    assert.deepEqual([task.campaign_id, task.due_date, task.kind, task.status], [campaign, bjDay(8), 'preparation', 'not_started']);
    for (const [subject, kind, due] of [['邀约重点学校参展', 'invitation', 9], ['展会效果评估', 'evaluation', 20]])
      await api('POST', '/campaign_tasks', { subject, kind, campaign_id: campaign, due_date: bjDay(due) }, 201);
    const panel = page.locator('[data-test=experiment-panel]');
    await panel.locator('[data-step=tasks][data-state=done]').waitFor(LIVE);
    await page.goto(`${srv.base}/campaign_tasks/${task.id}`);
    await page.locator('[data-test=start]').click();
    await page.locator('[data-test=complete]').click();
    const dialog = page.locator('[data-test=action-dialog]');
    await dialog.locator('[data-test=ask-result] textarea').fill('展位按期搭好，两台演示大屏调试完毕。');
    await dialog.locator('[data-test=action-submit]').click();
    await page.locator('[data-test=reopen]').waitFor();
    await panel.locator('[data-step=task_done][data-state=done]').waitFor(LIVE);
    await screenshot(page, 'labs-walk-03-task-done');
  });

  it('members, tracking, leads and the cost, then 结束活动 with its 活动总结: every step done', async () => {
    const campaign = (await api('GET', '/campaigns')).items[0];
    for (const name of ['北京市海淀实验小学', '天津市南开中学', '石家庄市第二中学']) await api('POST', '/accounts', { name }, 201);
    await api('POST', `/campaigns/${campaign.id}/members`, { entity: 'accounts', status: 'invited' }, 200);
    const members = (await api('GET', `/campaigns/${campaign.id}/related/members`)).items;
    for (const m of members.slice(0, 2)) await api('PATCH', `/campaign_members/${m.id}`, { status: 'attended' }, 200);
    const task = (await api('GET', '/campaign_tasks')).items.find(t => t.subject === '邀约重点学校参展');
    for (const day of ['第一天', '第二天'])
      await api('POST', '/campaign_tracks', { subject: `展会${day}现场统计`, task_id: task.id, responses: 30, content: '重点学校到访' }, 201);
    for (const [name, company] of [['周老师', '北京市海淀实验小学'], ['吴主任', '天津市南开中学']])
      await api('POST', '/leads', { name, company, source: 'campaign', campaign_id: campaign.id }, 201);
    const x = await api('POST', '/expenses', { subject: '展位费及搭建费', expense_type: 'conference', amount: 65000, campaign_id: campaign.id }, 201);
    await api('POST', `/expenses/${x.id}/actions/submit`, {}, 200);
    await page.goto(`${srv.base}/campaigns/${campaign.id}`);
    await page.locator('[data-test=start]').click();
    await page.locator('[data-test=complete]').click();
    const dialog = page.locator('[data-test=action-dialog]');
    await dialog.locator('[data-test=ask-summary] textarea').fill('三天到访 300 人次，获得销售线索 2 条，下周起逐一回访。');
    await dialog.locator('[data-test=action-submit]').click();
    const panel = page.locator('[data-test=experiment-panel]');
    await panel.locator('[data-step=complete][data-state=done]').waitFor(LIVE);
    const p = await api('GET', '/my-assignments');
    const mine = p.items.find(a => a.experiment.code === 'bx-06');
    assert.equal(mine.done, mine.total, JSON.stringify(mine.steps));
    await screenshot(page, 'labs-walk-04-all-done');
  });
});
