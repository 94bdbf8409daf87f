// mail.test.mjs - 通讯中心 in the browser: a 沟通模板's tab shows the merge
// fields and the message merged for a contact (a hostile name as text), a
// campaign's 批量沟通 follows each recipient to 已发送 (SMS through the test
// gateway), 群发 from the contacts and the leads lists (the lead's own
// address, its 拒收邮件 honoured), the 接收邮箱 set up on 邮件设置 turns a customer's mail (from a
// dovecot on loopback) into a 服务工单 linked from the page, and the
// unsubscribe link opens a page without signing in.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';
import { freePort } from '../api/harness.mjs';

let srv, browser, page, emailTemplate, campaign, contact, imap;
const it = checkedIt(nodeIt, assert, 'mail-', () => ({ page, browser }));
const api = async (method, path, body, status = 201) => {
  const r = await apiInPage(page, method, path, body);
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
};

describe('通讯中心 (templates, bulk send, unsubscribe)', () => {
  before(async () => {
    process.env.KEHU_MAIL_POLL_MS = '100';
    process.env.KEHU_IMAP_POLL_SECONDS = '0';
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
  after(async () => {
    delete process.env.KEHU_MAIL_POLL_MS;
    delete process.env.KEHU_IMAP_POLL_SECONDS;
    await closeApp({ srv, browser });
    if (imap && imap.exitCode === null) { const gone = new Promise(r => imap.on('exit', r)); imap.stdin.end(); await gone; }
  });

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
    await page.locator('[data-test=send-template]').click();
    await page.locator('.el-select-dropdown__item', { hasText: '推介会短信提醒' }).click();
    await page.locator('[data-test=send-go]').click();
    await page.locator('[data-test=bulk-counts]').getByText('共 2 条：已发送 2').waitFor({ timeout: 20000 });
    assert.equal(await page.locator('[data-test=bulk-rows] .el-table__row').count(), 2);
    await page.locator('[data-test=bulk-rows]').getByText('已发送').first().waitFor();
    await screenshot(page, 'mail-02-bulk');
    const box = await api('GET', '/communications/sms-outbox', undefined, 200);
    assert.equal(box.items.length, 2);
  });

  it('群发 from the contacts list: the selected rows, then all the list shows after a search', async () => {
    await page.goto(`${srv.base}/contacts`);
    const table = page.locator('[data-test=list-table]');
    await table.locator('.el-table__row').first().waitFor();
    await table.locator('thead .el-checkbox').first().click();
    await page.locator('[data-test=list-bulk-send]').click();
    await page.locator('[data-test=send-template]').click();
    await page.locator('.el-select-dropdown__item', { hasText: '推介会短信提醒' }).click();
    await page.locator('[data-test=list-bulk-selected]').getByText('选中的 2 位联系人').waitFor();
    await page.locator('[data-test=send-go]').click();
    await page.locator('[data-test=bulk-counts]').getByText('共 2 条：已发送 2').waitFor({ timeout: 20000 });
    await screenshot(page, 'mail-03-list-bulk');
    await page.keyboard.press('Escape');
    await table.locator('thead .el-checkbox').first().click();
    await page.getByPlaceholder('输入名称、电话或拼音首字母搜索').fill('陈静');
    await page.getByPlaceholder('输入名称、电话或拼音首字母搜索').press('Enter');
    await table.locator('.el-table__row').filter({ hasText: '陈静' }).waitFor();
    await page.locator('[data-test=list-bulk-send]').click();
    await page.locator('[data-test=send-template]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '推介会短信提醒' }).click();
    await page.locator('[data-test=list-bulk-all]').getByText('列表中全部 1 位联系人').click();
    await page.locator('[data-test=send-go]').click();
    await page.locator('[data-test=bulk-counts]:visible').getByText('共 1 条：已发送 1').waitFor({ timeout: 20000 });
    await page.keyboard.press('Escape');
  });

  it('群发 from the leads list: a lead template to the selected leads, the one who refuses email gets nothing', async () => {
    const mk = body => api('POST', '/leads', { company: '南通群发线索机电有限公司', ...body });
    await mk({ name: '王强', email: 'wangqiang@lead.example', mobile: '13700003333' });
    await mk({ name: '李静', email: 'lijing@lead.example', do_not_email: true });
    await api('POST', '/comm_templates', { name: '线索报价邀请', channel: 'email', subject: '{{lead.name}}，{{lead.company}}的专属报价',
      body: '尊敬的{{lead.name}}：\n请查看报价 https://www.xingjian.example/offer' });
    await page.goto(`${srv.base}/leads`);
    const table = page.locator('[data-test=list-table]');
    await table.locator('.el-table__row').filter({ hasText: '李静' }).waitFor();
    await page.getByPlaceholder('输入名称、电话或拼音首字母搜索').fill('南通群发');
    await page.getByPlaceholder('输入名称、电话或拼音首字母搜索').press('Enter');
    await table.locator('.el-table__row').filter({ hasText: '王强' }).waitFor();
    await table.locator('thead .el-checkbox').first().click();
    await page.locator('[data-test=list-bulk-send]').click();
    await page.locator('[data-test=send-template]:visible').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '线索报价邀请' }).click();
    await page.locator('[data-test=list-bulk-selected]:visible').getByText('选中的 2 条线索').waitFor();
    await page.locator('[data-test=send-go]:visible').click();
    const counts = page.locator('[data-test=bulk-counts]:visible');
    await counts.getByText(/共 2 条：.*已退订 1/).waitFor({ timeout: 20000 });
    const rows = page.locator('[data-test=bulk-rows]:visible');
    await rows.getByText('李静').waitFor();
    await rows.getByText('已退订').waitFor();
    await rows.getByText('王强').waitFor();
    await screenshot(page, 'mail-07-leads-bulk');
    await page.keyboard.press('Escape');
    const sent = await api('GET', `/comm_messages?filter=${encodeURIComponent(JSON.stringify({ field: 'to_address', op: 'eq', value: 'wangqiang@lead.example' }))}`, undefined, 200);
    assert.equal(sent.items.length, 1);
    assert.equal(sent.items[0].subject, '王强，南通群发线索机电有限公司的专属报价');
  });

  it('邮件设置 → 接收邮箱: a customer\'s mail becomes a 服务工单, linked from the list of recent mail', async () => {
    const port = await freePort();
    const here = dirname(fileURLToPath(import.meta.url));
    imap = spawn('/usr/bin/python3', [join(here, '../api/imap_server.py'), String(port), 'kefu@xingjian.example', 'Imap#pw'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: imap.stdout })[Symbol.asyncIterator]();
    assert.equal((await lines.next()).value, 'ready');
    await page.goto(`${srv.base}/mail-settings`);
    const box = page.locator('[data-test=mailbox-settings]');
    await box.locator('input[data-test=imap-host]').fill('127.0.0.1');
    await box.locator('[data-test=imap-port] input, input[data-test=imap-port]').first().fill(String(port));
    await box.locator('.el-radio', { hasText: '不加密' }).click();
    await box.locator('input[data-test=imap-user]').fill('kefu@xingjian.example');
    await box.locator('input[data-test=imap-password]').fill('Imap#pw');
    await box.locator('[data-test=imap-enabled]').click();
    await box.locator('[data-test=mailbox-save]').click();
    await page.getByText('已保存').first().waitFor();
    const raw = 'From: x@mingda.example\r\nSubject: =?UTF-8?B?' + Buffer.from('数控机床无法启动').toString('base64') + '?=\r\nMessage-ID: <b1@mingda.example>\r\n\r\n今天早上开机报警，请派人来看看。\r\n';
    imap.stdin.write(JSON.stringify({ raw: Buffer.from(raw).toString('base64') }) + '\n');
    await lines.next();
    const link = box.locator('[data-test=imap-recent]').getByText('服务工单 #');
    for (let i = 0; i < 100 && !(await link.count()); i++) {
      await box.getByText('↻').click();
      await page.waitForTimeout(200);
    }
    // when the poll never brought the mail, say what the mailbox last knew
    if (!(await link.count())) assert.fail(`no 服务工单 from the mail; mailbox: ${JSON.stringify(await api('GET', '/communications/mailbox', undefined, 200))}`);
    await box.locator('[data-test=imap-recent]').getByText('数控机床无法启动').waitFor();
    await screenshot(page, 'mail-04-mailbox');
    await link.click();
    await page.getByText('今天早上开机报警，请派人来看看。').first().waitFor();
    await screenshot(page, 'mail-05-ticket-from-mail');
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
    await screenshot(page, 'mail-06-unsubscribed');
    await signIn(page, srv.base);
    const c = await api('GET', `/contacts/${contact.id}`, undefined, 200);
    assert.equal(c.do_not_email, true);
  });
});
