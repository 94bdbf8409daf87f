// office_lab.test.mjs - 行健动力 实验五 我的办公室 in the browser: 工作安排 (a
// 任务 planned from a free slot of the calendar, then given to a colleague
// as its 负责人) and 通讯录 (the contacts as cards, found by the
// initial of the family name and by pinyin initials, exported as vCard).
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

let srv, browser, page;
const it = checkedIt(nodeIt, assert, 'office-lab-', () => ({ page, browser }));
const api = async (method, path, body, status) => {
  const r = await apiInPage(page, method, path, body);
  if (status) assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
};
const visibleOption = text => page.locator('.el-select-dropdown__item:visible', { hasText: text }).first();
// The Monday of next week in Beijing, and a moment of it as the API writes it.
const monday = (() => {
  const d = new Date(Date.now() + 8 * 3600000);
  d.setUTCDate(d.getUTCDate() + ((8 - d.getUTCDay()) % 7 || 7));
  return d.toISOString().slice(0, 10);
})();

describe('行健 实验五: 工作安排 and 通讯录', () => {
  const ids = {};
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    ids.colleague = (await api('POST', '/users', { username: 'zhaomin', name: '赵敏', password: 'Zhao#2026word' }, 201)).id;
    const school = await api('POST', '/accounts', { name: '湖北省实验中学', city: '武汉' }, 201);
    const bureau = await api('POST', '/accounts', { name: '武汉市教育装备中心', city: '武汉' }, 201);
    for (const [name, account, mobile, title] of [['欧阳明', school, '13971000001', '信息中心主任'], ['张红', school, '13971000002', '总务处主任'],
      ['李建', bureau, '13971000003', '采购科科长']])
      await api('POST', '/contacts', { name, account_id: account.id, mobile, email: `${mobile}@example.cn`, title }, 201);
  });
  after(() => closeApp({ srv, browser }));

  it('工作安排: a 任务 planned from a free slot of the calendar and given to a colleague', async () => {
    await page.locator('[data-test=main-menu] [data-entity="calendar"]').click();
    const week = page.locator('[data-test=calendar-week]');
    await week.waitFor();
    // next week, where the Monday slot is free
    await page.locator('[data-test=calendar-next]').click();
    await week.locator(`[data-day="${monday}"] [data-slot="10:00"]`).click();
    await page.locator('[data-test=entity-form]').waitFor();
    await page.locator('[data-field=subject] input').fill('整理湖北省教育系统客户名单');
    await page.locator('[data-field=kind] .el-select__wrapper').click();
    await visibleOption('任务').click();
    await page.locator('[data-test=save]').click();
    await week.locator(`[data-day="${monday}"] [data-activity="整理湖北省教育系统客户名单"]`).waitFor();
    const made = (await api('GET', '/activities?q=' + encodeURIComponent('整理湖北省教育系统客户名单'))).items[0];
    assert.equal(made.kind, 'task');
    assert.equal(made.start_at, `${monday}T02:00:00Z`);
    // given to 赵敏: her name as the 负责人 on the form
    await page.goto(`${srv.base}/activities/${made.id}/edit`);
    await page.locator('[data-test=entity-form]').waitFor();
    await page.locator('[data-field=owner_id] .el-select__wrapper').click();
    await visibleOption('赵敏').click();
    await page.locator('[data-test=save]').click();
    await page.waitForURL(new RegExp(`/activities/${made.id}$`));
    await page.locator('[data-test=record-owner]', { hasText: '赵敏' }).waitFor();
    await screenshot(page, 'office-lab-01-work-assigned');
    assert.equal((await api('GET', `/activities/${made.id}`)).owner_id, ids.colleague);
  });

  it('通讯录: cards by the initial of the family name (欧阳 under O), pinyin initials, and the vCard file', async () => {
    await page.locator('[data-test=main-menu] [data-entity="address-book"]').click();
    const book = page.locator('[data-test=address-book]');
    await book.locator('[data-contact="李建"]').waitFor();
    assert.equal(await book.locator('[data-contact]').count(), 3);
    await page.locator('[data-test=initial-bar] [data-initial="O"]').click();
    await book.locator('[data-contact="李建"]').waitFor({ state: 'detached' });
    assert.deepEqual(await book.locator('[data-contact]').evaluateAll(cs => cs.map(c => c.dataset.contact)), ['欧阳明']);
    assert.match(await book.locator('[data-contact="欧阳明"]').innerText(), /信息中心主任 · 湖北省实验中学[\s\S]*13971000001[\s\S]*13971000001@example\.cn/);
    await screenshot(page, 'office-lab-02-address-book-O');
    await page.locator('[data-test=initial-bar] button', { hasText: '全部' }).click();
    await book.locator('[data-contact="张红"]').waitFor();
    await page.locator('input[data-test=book-search]').fill('lj'); // the initials of 李建
    await page.locator('input[data-test=book-search]').press('Enter');
    await book.locator('[data-contact="张红"]').waitFor({ state: 'detached' });
    await book.locator('[data-contact="欧阳明"]').waitFor({ state: 'detached' });
    assert.deepEqual(await book.locator('[data-contact]').evaluateAll(cs => cs.map(c => c.dataset.contact)), ['李建']);
    const download = page.waitForEvent('download');
    await page.locator('[data-test=vcard-export]').click();
    const file = await download;
    assert.match(file.suggestedFilename(), /\.vcf$/);
    const text = await (await import('node:fs/promises')).readFile(await file.path(), 'utf8');
    assert.match(text, /BEGIN:VCARD/);
    assert.match(text, /FN:李建/);
    await screenshot(page, 'office-lab-03-address-book-search');
  });
});
