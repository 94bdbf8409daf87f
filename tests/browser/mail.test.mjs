// mail.test.mjs - 通讯中心 in the browser: a 沟通模板's tab shows the merge
// fields and the message merged for a contact (a hostile name as text), a
// campaign's 批量沟通 follows each recipient to 已发送 (SMS through the test
// gateway), and the unsubscribe link opens a page without signing in.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

let srv, browser, page, emailTemplate, campaign, contact;
const it = checkedIt(nodeIt, assert, 'mail-', () => ({ page, browser }));
const api = async (method, path, body, status = 201) => {
  const r = await apiInPage(page, method, path, body);
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
};

describe('通讯中心 (templates, bulk send, unsubscribe)', () => {
  before(async () => {
    process.env.KEHU_MAIL_POLL_MS = '100';
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    await api('PUT', '/communications/settings', { public_url: srv.base, sms_provider: 'test', from_address: 'crm@xingjian.example' }, 200);
    const account = await api('POST', '/accounts', { name: '苏州明达机械有限公司' });
    contact = await api('POST', '/contacts', { name: '<script>alert(1)</script>', account_id: account.id, email: 'x@mingda.example', mobile: '13800001111' });
    const other = await api('POST', '/contacts', { name: '陈静', account_id: account.id, mobile: '13900002222' });
    campaign = await api('POST', '/campaigns', { name: '秋季新品推介会', type: 'seminar' });
    for (const c of [contact, other]) await api('POST', '/campaign_members', { campaign_id: campaign.id, member_type: 'contact', contact_id: c.id });
    emailTemplate = await api('POST', '/comm_templates', { name: '推介会邀请函', channel: 'email', subject: '诚邀{{account.name}}参加推介会',
      body: '尊敬的{{contact.name}}：\n诚邀您参加秋季新品推介会，报名请访问 https://www.xingjian.example/expo 。\n{{user.name}}' });
    await api('POST', '/comm_templates', { name: '推介会短信提醒', channel: 'sms', body: '【行健动力】{{contact.name}}您好，推介会明天上午九点开始。' });
  });
  after(async () => { delete process.env.KEHU_MAIL_POLL_MS; await closeApp({ srv, browser }); });

  it('the template tab lists the merge fields and previews the merged email, values as text', async () => {
    await page.goto(`${srv.base}/comm_templates/${emailTemplate.id}`);
    await page.locator('.el-tabs__item', { hasText: '合并字段与预览' }).click();
    await page.locator('[data-test="merge-contact.name"]').waitFor();
    await page.locator('[data-test=preview-contact]').click();
    await page.locator('.el-select-dropdown__item', { hasText: '<script>alert(1)</script>' }).click();
    const frame = page.frameLocator('[data-test=preview-html]');
    await frame.getByText('尊敬的<script>alert(1)</script>：').waitFor();
    await frame.getByText('点击退订').waitFor({ state: 'detached' }).catch(() => {}); // the preview carries no tracking
    await page.locator('[data-test=preview-result]').getByText('诚邀苏州明达机械有限公司参加推介会').waitFor();
    await screenshot(page, 'mail-01-preview');
  });

  it('a campaign\'s 批量沟通 shows each recipient\'s status until all are sent', async () => {
    await page.goto(`${srv.base}/campaigns/${campaign.id}`);
    await page.locator('[data-test=bulk-send]').click();
    await page.locator('[data-test=bulk-template]').click();
    await page.locator('.el-select-dropdown__item', { hasText: '推介会短信提醒' }).click();
    await page.locator('[data-test=bulk-go]').click();
    await page.locator('[data-test=bulk-counts]').getByText('共 2 条：已发送 2').waitFor({ timeout: 20000 });
    assert.equal(await page.locator('[data-test=bulk-rows] .el-table__row').count(), 2);
    await page.locator('[data-test=bulk-rows]').getByText('已发送').first().waitFor();
    await screenshot(page, 'mail-02-bulk');
    const box = await api('GET', '/communications/sms-outbox', undefined, 200);
    assert.equal(box.items.length, 2);
  });

  it('the unsubscribe link opens without signing in and sets 拒收邮件', async () => {
    const r = await api('POST', '/communications/send', { template_id: emailTemplate.id, contact_ids: [contact.id] }, 200);
    const rows = await api('GET', `/comm_messages?filter=${encodeURIComponent(JSON.stringify({ field: 'batch', op: 'eq', value: r.batch }))}`, undefined, 200);
    const token = rows.items[0].token;
    await page.context().clearCookies();
    await page.goto(`${srv.base}/u/${token}`);
    await page.locator('[data-test=mail-unsubscribe]').getByText('您确定不再接收').waitFor();
    await page.locator('[data-test=unsubscribe]').click();
    await page.locator('[data-test=unsubscribed]').waitFor();
    await screenshot(page, 'mail-03-unsubscribed');
    await signIn(page, srv.base);
    const c = await api('GET', `/contacts/${contact.id}`, undefined, 200);
    assert.equal(c.do_not_email, true);
  });
});
