// stats.test.mjs - 客情统计 (customers counted by type, grade, city, ...:
// chart and table with share and total) and 合并 in the generic list
// (keep one record, take a field value from the other, the rest goes to
// the recycle bin and its contacts follow), with the rights that hide them.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

let srv, browser, page;
const api = (method, path, body) => apiInPage(page, method, path, body);
const it = checkedIt(nodeIt, assert, 'stats-', () => ({ page, browser }));

// The rows of the statistics table as [label, count, share] and its total row.
async function statsRows() {
  const table = page.locator('[data-test=stats-table]');
  const rows = await table.locator('.el-table__body-wrapper tbody tr').evaluateAll(trs =>
    trs.map(tr => [...tr.querySelectorAll('td')].map(td => td.innerText.trim())));
  const total = await table.locator('.el-table__footer-wrapper tr td').evaluateAll(tds => tds.map(td => td.innerText.trim()));
  return { rows, total };
}

// The chart's pixels, to see it drawn again.
const chartPixels = () => page.locator('[data-test=stats-chart] canvas').evaluate(c => c.toDataURL());

// Hovers the ring at 3 o'clock (the largest group starts at 12 o'clock and
// runs clockwise) and reads the tooltip.
async function pieTooltipAtThree() {
  const box = await page.locator('[data-test=stats-chart]').boundingBox();
  const r = Math.min(box.width, box.height) / 2 * 0.54; // between the 40 % and 68 % radii
  await page.mouse.move(box.x + box.width / 2 + r, box.y + box.height * 0.44);
  const tip = page.locator('[data-test=stats-chart] div', { hasText: '：' }).last();
  await tip.waitFor();
  return (await tip.innerText()).replace(/\s+/g, '');
}

async function waitForStats(text) {
  await page.locator('[data-test=stats-table] tbody tr', { hasText: text }).first().waitFor();
  await page.waitForTimeout(700); // the chart animates
}

describe('客情统计 and 合并', () => {
  const ids = {};
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
  });
  after(() => closeApp({ srv, browser }));

  it('with no customers the statistics page says so instead of drawing an empty chart', async () => {
    await page.locator('[data-test=main-menu] [data-entity="account-stats"]').click();
    await page.waitForURL(/\/account-stats/);
    await page.locator('[data-test=stats-empty]').getByText('还没有可统计的客户').waitFor();
    assert.equal(await page.locator('[data-test=stats-chart]').count(), 0);
    assert.match(await page.locator('[data-test=stats-total]').innerText(), /共 0 家客户/);
    await screenshot(page, 'stats-01-empty');
  });

  it('counts seeded customers by type with share and a total row; the ring shows the same', async () => {
    // 6 customers: type 客户 ×4, 合作伙伴 ×2; grade A ×3, B ×2, C ×1; 10 cities over 12 rows below.
    const seed = [
      ['统计甲', 'customer', 'A', '南京'], ['统计乙', 'customer', 'A', '南京'], ['统计丙', 'customer', 'A', '南京'],
      ['统计丁', 'customer', 'B', '苏州'], ['统计戊', 'partner', 'B', '无锡'], ['统计己', 'partner', 'C', '常州'],
    ];
    for (const [n, type, grade, city] of seed) {
      const r = await api('POST', '/accounts', { name: `${n}科技有限公司`, type, grade, city });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    await page.reload(); // the page showed the empty state; read it again
    await waitForStats('合作伙伴');
    assert.match(await page.locator('[data-test=stats-total]').innerText(), /共 6 家客户/);
    assert.match(await page.locator('[data-test=stats-dims] .is-active').innerText(), /客户类型/);
    const { rows, total } = await statsRows();
    assert.deepEqual(rows, [['客户', '4', '66.7%'], ['合作伙伴', '2', '33.3%']]);
    assert.deepEqual(total, ['合计', '6', '100%']);
    assert.equal(await page.locator('[data-test=stats-chart]').getAttribute('data-kind'), 'pie');
    await screenshot(page, 'stats-02-type');
    assert.match(await pieTooltipAtThree(), /^客户：4（66\.7%）/);
    await page.mouse.move(5, 5);
  });

  it('switching to 客户等级 redraws the chart and the table; the address keeps the choice', async () => {
    const before = await chartPixels();
    await page.locator('[data-test=stats-dims] [data-by=grade]').click();
    await waitForStats('A 类');
    await page.waitForURL(/by=grade/);
    const { rows, total } = await statsRows();
    assert.deepEqual(rows, [['A 类（重点客户）', '3', '50%'], ['B 类（普通客户）', '2', '33.3%'], ['C 类（一般客户）', '1', '16.7%']]);
    assert.deepEqual(total, ['合计', '6', '100%']);
    assert.equal(await page.locator('[data-test=stats-table] thead th').first().innerText(), '客户等级');
    assert.notEqual(await chartPixels(), before, 'the chart is drawn again');
    assert.match(await pieTooltipAtThree(), /^A类（重点客户）：3/);
    await page.mouse.move(5, 5);
    await page.reload();
    await waitForStats('A 类');
    assert.match(await page.locator('[data-test=stats-dims] .is-active').innerText(), /客户等级/);
    await screenshot(page, 'stats-03-grade');
    // On a phone the table goes below the chart.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(400);
    const chart = await page.locator('[data-test=stats-chart]').boundingBox();
    const table = await page.locator('[data-test=stats-table]').boundingBox();
    assert.ok(table.y >= chart.y + chart.height - 1, 'table below the chart');
    assert.ok(chart.width <= 390 && table.width <= 390, 'nothing wider than the screen');
    await screenshot(page, 'stats-03-grade-phone');
    await page.setViewportSize({ width: 1366, height: 768 });
  });

  it('many groups (城市) become bars, largest first, with 未填写 for customers without a city', async () => {
    for (const city of ['杭州', '宁波', '温州', '合肥', '芜湖', '扬州']) await api('POST', '/accounts', { name: `${city}统计贸易有限公司`, city });
    await api('POST', '/accounts', { name: '无城市统计有限公司' });
    await page.locator('[data-test=stats-dims] [data-by=city]').click();
    await waitForStats('未填写');
    await page.locator('[data-test=stats-chart][data-kind=bar]').waitFor();
    const { rows, total } = await statsRows();
    assert.equal(rows.length, 11); // 10 cities and 未填写
    assert.deepEqual(rows[0], ['南京', '3', '23.1%']);
    assert.ok(rows.some(r => r[0] === '未填写' && r[1] === '1'), JSON.stringify(rows));
    assert.deepEqual(total, ['合计', '13', '100%']);
    assert.match(await page.locator('[data-test=stats-total]').innerText(), /共 13 家客户/);
    await screenshot(page, 'stats-04-city-bars');
  });

  it('a row opens the customer list narrowed to that group', async () => {
    await page.locator('[data-test=stats-table] tbody tr', { hasText: '南京' }).first().click();
    await page.waitForURL(/\/accounts\?f\.city=/);
    await page.locator('[data-test=list-table] .el-loading-mask').waitFor({ state: 'hidden' }).catch(() => {});
    await page.locator('[data-test=list-table] tbody tr').first().waitFor();
    const rows = page.locator('[data-test=list-table] .el-table__body-wrapper tbody tr');
    assert.equal(await rows.count(), 3, 'the three customers in 南京');
    assert.equal(await page.locator('[data-test=list-total]').innerText(), '共 3 条');
    // the list remembers the condition like any other; 重置 clears it
    await page.locator('[data-test=filters-reset]').click();
    await page.locator('[data-test=list-total]', { hasText: '共 13 条' }).waitFor();
    await page.goBack();
    await waitForStats('未填写');
  });

  it('merge: keep one customer, take its phone from the other; the other goes to the recycle bin with its contact moved', async () => {
    const keep = await api('POST', '/accounts', { name: '苏州合并示范有限公司', phone: '0512-66660000', grade: 'A', city: '苏州' });
    const dup = await api('POST', '/accounts', { name: '苏州合并示范公司', phone: '0512-68881234', grade: 'B', city: '苏州', website: 'https://hebing.example.cn' });
    ids.keep = keep.body.id; ids.dup = dup.body.id;
    const contact = await api('POST', '/contacts', { name: '合并联系人', mobile: '13912340000', account_id: ids.dup });
    assert.equal(contact.status, 201, JSON.stringify(contact.body));
    ids.contact = contact.body.id;

    await page.locator('[data-test=main-menu] [data-entity="accounts"]').click();
    await page.locator('[data-test=quick-search] input').fill('合并示范');
    await page.locator('[data-test=quick-search] input').press('Enter');
    const rows = page.locator('[data-test=list-table] .el-table__body-wrapper tbody tr');
    await page.waitForFunction(() => document.querySelectorAll('[data-test=list-table] .el-table__body-wrapper tbody tr').length === 2);
    await rows.nth(0).locator('.el-checkbox').click();
    assert.equal(await page.locator('[data-test=merge]').count(), 0, 'one record cannot be merged');
    await rows.nth(1).locator('.el-checkbox').click();
    await page.locator('[data-test=list-table] .el-table__body-wrapper tbody tr .el-checkbox.is-checked').nth(1).waitFor();
    await screenshot(page, 'stats-05-list-selected');
    await page.locator('[data-test=merge]').click();

    const dialog = page.locator('[data-test=merge-dialog]');
    await dialog.locator(`[data-test=merge-target] [data-record="${ids.keep}"]`).click();
    await dialog.locator('[data-test=merge-warning]', { hasText: '苏州合并示范有限公司' }).waitFor();
    assert.match(await dialog.locator('[data-test=merge-warning]').innerText(), /其余 1 条记录将移入回收站；它们的联系人、销售机会、行动记录(、[^、]+)*等关联记录和修改记录都会转到/);
    // Only fields that differ are offered: name, phone, grade, website; not the same city.
    const fields = await dialog.locator('[data-test=merge-fields] [data-field]').evaluateAll(els => els.map(e => e.dataset.field));
    assert.deepEqual(fields.sort(), ['grade', 'name', 'phone', 'website']);
    // The kept record's values are chosen to start with; an empty one cannot be chosen.
    const radio = (field, id) => dialog.locator(`[data-choice="${field}:${id}"]`);
    assert.match(await radio('grade', ids.keep).getAttribute('class'), /is-checked/);
    assert.match(await radio('website', ids.keep).getAttribute('class'), /is-disabled/);
    assert.match(await radio('website', ids.dup).getAttribute('class'), /is-checked/);
    await radio('phone', ids.dup).click();
    assert.match(await radio('phone', ids.dup).getAttribute('class'), /is-checked/);
    await page.waitForTimeout(300);
    await screenshot(page, 'stats-05b-merge-dialog');

    await dialog.locator('[data-test=merge-confirm]').click();
    await page.locator('.el-message--success', { hasText: '合并完成' }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-test=list-table] .el-table__body-wrapper tbody tr').length === 1);
    await rows.first().getByText('苏州合并示范有限公司').waitFor();
    assert.equal(await page.locator('[data-test=merge]').count(), 0, 'the selection is cleared');
    await screenshot(page, 'stats-06-merged-list');

    const kept = (await api('GET', `/accounts/${ids.keep}`)).body;
    assert.equal(kept.phone, '0512-68881234', 'the chosen value');
    assert.equal(kept.grade, 'A', 'the kept record\'s value');
    assert.equal(kept.website, 'https://hebing.example.cn', 'an empty field filled from the other');
    assert.equal((await api('GET', `/accounts/${ids.dup}`)).status, 404);
    const bin = await api('GET', '/accounts?deleted=true&limit=100');
    assert.ok(bin.body.items.some(r => r.id === ids.dup), 'the other record is in the recycle bin');
    assert.equal((await api('GET', `/contacts/${ids.contact}`)).body.account_id, ids.keep, 'its contact now belongs to the kept one');
  });

  it('the kept customer shows the merge in its history and the moved contact', async () => {
    await page.goto(`${srv.base}/accounts/${ids.keep}`);
    await page.locator('[data-test=account-360] .ccard', { hasText: '合并联系人' }).waitFor();
    await page.locator('.el-tabs__item', { hasText: '修改记录' }).click();
    await page.locator('[data-test=history]', { hasText: `合并了记录 #${ids.dup}` }).waitFor();
    await screenshot(page, 'stats-07-history');
  });

  it('a record changed meanwhile: the merge answers the server\'s message in Chinese and nothing moves', async () => {
    const a = (await api('POST', '/accounts', { name: '冲突合并甲有限公司', phone: '010-1' })).body;
    const b = (await api('POST', '/accounts', { name: '冲突合并乙有限公司', phone: '010-2' })).body;
    await page.goto(`${srv.base}/accounts`);
    await page.locator('[data-test=quick-search] input').fill('冲突合并');
    await page.locator('[data-test=quick-search] input').press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('[data-test=list-table] .el-table__body-wrapper tbody tr').length === 2);
    for (const i of [0, 1]) await page.locator('[data-test=list-table] .el-table__body-wrapper tbody tr').nth(i).locator('.el-checkbox').click();
    await page.locator('[data-test=merge]').click();
    const dialog = page.locator('[data-test=merge-dialog]');
    await dialog.locator(`[data-test=merge-target] [data-record="${a.id}"]`).click();
    await dialog.locator(`[data-choice="phone:${b.id}"]`).click();
    const changed = await api('PATCH', `/accounts/${a.id}`, { description: '有人刚改过' });
    assert.equal(changed.status, 200);
    await dialog.locator('[data-test=merge-confirm]').click();
    const error = dialog.locator('[data-test=merge-error]');
    await error.waitFor();
    assert.match(await error.innerText(), /[\u4e00-\u9fa5]/, 'the message in Chinese');
    await screenshot(page, 'stats-08-merge-conflict');
    assert.equal((await api('GET', `/accounts/${b.id}`)).status, 200, 'nothing was merged');
    // Read again, the choice kept: the second try goes through.
    assert.match(await dialog.locator(`[data-choice="phone:${b.id}"]`).getAttribute('class'), /is-checked/);
    await dialog.locator('[data-test=merge-confirm]').click();
    await page.locator('.el-message--success', { hasText: '合并完成' }).waitFor();
    const kept = (await api('GET', `/accounts/${a.id}`)).body;
    assert.equal(kept.phone, '010-2');
    assert.equal(kept.description, '有人刚改过');
  });

  it('rights: without delete no 合并; a hidden field is no dimension; without customers no statistics', async () => {
    const root = (await api('GET', '/roles?filter=' + encodeURIComponent(JSON.stringify({ and: [{ field: 'name', op: 'eq', value: '管理员' }] })))).body.items[0];
    const profile = await api('POST', '/profiles', {
      name: '只改不删', permissions: { accounts: { view: true, create: true, edit: true } },
      field_access: { accounts: { grade: 'hidden' } },
    });
    assert.equal(profile.status, 201, JSON.stringify(profile.body));
    const none = await api('POST', '/profiles', { name: '无客户权限', permissions: {} });
    const role = await api('POST', '/roles', { name: '客服', parent_id: root.id, profile_ids: [profile.body.id] });
    const guestRole = await api('POST', '/roles', { name: '来宾', parent_id: root.id, profile_ids: [none.body.id] });
    for (const [username, role_id] of [['kefu1', role.body.id], ['laibin1', guestRole.body.id]]) {
      const u = await api('POST', '/users', { username, name: username, password: 'Pass#2026word', role_id });
      assert.equal(u.status, 201, JSON.stringify(u.body));
    }

    await page.context().clearCookies();
    await signIn(page, srv.base, 'kefu1', 'Pass#2026word');
    for (const n of ['客服甲有限公司', '客服乙有限公司']) assert.equal((await api('POST', '/accounts', { name: n, city: '厦门' })).status, 201);
    await page.locator('[data-test=main-menu] [data-entity="accounts"]').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-test=list-table] .el-table__body-wrapper tbody tr').length === 2);
    for (const i of [0, 1]) await page.locator('[data-test=list-table] .el-table__body-wrapper tbody tr').nth(i).locator('.el-checkbox').click();
    await page.locator('[data-test=mass-update]').waitFor();
    assert.equal(await page.locator('[data-test=merge]').count(), 0, 'no 合并 without the delete right');

    await page.locator('[data-test=main-menu] [data-entity="account-stats"]').click();
    await waitForStats('客户'); // the first dimension, 客户类型
    assert.equal(await page.locator('[data-test=stats-dims] [data-by=grade]').count(), 0, 'the hidden grade is not offered');
    await page.locator('[data-test=stats-dims] [data-by=city]').click();
    await waitForStats('厦门');
    assert.deepEqual((await statsRows()).total, ['合计', '2', '100%'], 'only the customers the user may see');

    await page.context().clearCookies();
    await signIn(page, srv.base, 'laibin1', 'Pass#2026word');
    assert.equal(await page.locator('[data-test=main-menu] [data-entity="account-stats"]').count(), 0, 'no menu entry');
    await page.goto(`${srv.base}/account-stats`);
    await page.locator('[data-test=stats-forbidden]').getByText('您没有查看客户的权限').waitFor();
    await screenshot(page, 'stats-09-forbidden');
  });
});
