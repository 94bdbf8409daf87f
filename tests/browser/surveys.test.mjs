// surveys.test.mjs - 调查问卷 in the browser: the campaign's contacts are
// invited from the survey's tab 统计与邀请, which shows each link once; a
// link opens the answering page without signing in, whose answers the
// server checks; the statistics then show the answers as bars.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

let srv, browser, page, survey, link;
const it = checkedIt(nodeIt, assert, 'surveys-', () => ({ page, browser }));
const api = async (method, path, body, status = 201) => {
  const r = await apiInPage(page, method, path, body);
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
};

describe('surveys (调查问卷)', () => {
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    const account = await api('POST', '/accounts', { name: '苏州明达机械有限公司' });
    const contact = await api('POST', '/contacts', { name: '刘洋', account_id: account.id });
    const campaign = await api('POST', '/campaigns', { name: '秋季新品推介会', type: 'seminar' });
    await api('POST', '/campaign_members', { campaign_id: campaign.id, member_type: 'contact', contact_id: contact.id });
    survey = await api('POST', '/surveys', { title: '推介会满意度调查', campaign_id: campaign.id, description: '<b>感谢</b>参加本次推介会',
      questions: [{ question: '总体评价', kind: 'single', choices: '非常满意\n满意\n一般' },
        { question: '关注哪些方面', kind: 'multiple', choices: '价格\n质量\n售后服务' },
        { question: '讲解人员评分', kind: 'scale' }, { question: '其他建议', kind: 'text', required: false }] });
    const future = new Date(Date.now() + 7 * 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
    await api('POST', `/surveys/${survey.id}/actions/publish`, { closes_at: future }, 200);
  });
  after(async () => { await closeApp({ srv, browser }); });

  it('invites the campaign contacts from the survey and shows the link once', async () => {
    await page.goto(`${srv.base}/surveys/${survey.id}`);
    await page.locator('.el-tabs__item', { hasText: '统计与邀请' }).click();
    await page.locator('[data-test=survey-invite]').click();
    const cell = page.locator('[data-test=survey-links] .el-table__row td').nth(1);
    await cell.waitFor();
    link = (await cell.innerText()).trim();
    assert.match(link, /\/s\/[A-Za-z0-9_-]{40,}$/);
    await page.getByText('已邀请 1 人，已答卷 0 份').waitFor();
    await screenshot(page, 'surveys-01-invited');
  });

  it('the link opens without signing in; answers go once', async () => {
    await page.context().clearCookies();
    await page.goto(link);
    await page.locator('[data-test=survey-answer]').getByText('推介会满意度调查').waitFor();
    await page.getByText('<b>感谢</b>参加本次推介会').waitFor(); // as text
    assert.ok(await page.locator('[data-test=survey-submit]').isDisabled(), 'the required ones first');
    await page.locator('[data-test=question-1]').getByText('非常满意').click();
    await page.locator('[data-test=question-2]').getByText('质量').click();
    await page.locator('[data-test=question-2]').getByText('价格').click();
    await page.locator('[data-test=question-3] .el-radio-button', { hasText: '4' }).click();
    await page.locator('[data-test=question-4] textarea').fill('希望增加现场演示环节');
    await screenshot(page, 'surveys-02-answering');
    await page.locator('[data-test=survey-submit]').click();
    await page.locator('[data-test=survey-thanks]').waitFor();
    await page.goto(link);
    await page.locator('[data-test=survey-unavailable]').getByText('已经提交过了', { exact: false }).waitFor();
    await screenshot(page, 'surveys-03-answered-once');
  });

  it('the statistics show the answer as bars and the text', async () => {
    await signIn(page, srv.base);
    await page.goto(`${srv.base}/surveys/${survey.id}`);
    await page.locator('.el-tabs__item', { hasText: '统计与邀请' }).click();
    await page.getByText('已邀请 1 人，已答卷 1 份').waitFor();
    await page.locator('[data-test=stat-3]').getByText('平均 4.00 分', { exact: false }).waitFor();
    await page.locator('[data-test=stat-4]').getByText('希望增加现场演示环节').waitFor();
    assert.equal(await page.locator('[data-test=survey-statistics] canvas').count() >= 3, true);
    await page.waitForTimeout(500);
    await screenshot(page, 'surveys-04-statistics');
  });
});
