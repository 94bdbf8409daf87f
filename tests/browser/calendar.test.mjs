// calendar.test.mjs - the calendar page (日程日历): week and month views,
// drag to reschedule (in the time grid and between days of the month),
// planning a new activity from a free slot, 发布行程 to a colleague, and the
// iCalendar subscription URL. The browser runs in Asia/Shanghai.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp, dragOnto } from './harness.mjs';

let srv, browser, page;
const api = (method, path, body) => apiInPage(page, method, path, body);
const it = checkedIt(nodeIt, assert, 'calendar-', () => ({ page, browser }));

// Dates of this week in Beijing time, as the page shows them.
const DAY = 86400000;
const beijingToday = new Date(Date.now() + 8 * 3600000);
const monday = new Date(beijingToday.getTime() - ((beijingToday.getUTCDay() + 6) % 7) * DAY);
const weekday = n => new Date(monday.getTime() + n * DAY).toISOString().slice(0, 10); // 0 = Monday
const at = (day, time) => new Date(`${day}T${time}:00+08:00`).toISOString().replace('.000Z', 'Z');

describe('calendar', () => {
  const ids = {};
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    ids.colleague = (await api('POST', '/users', { username: 'lihua', name: '李华', password: 'Lihua#2026pw' })).body.id;
    const acc = await api('POST', '/accounts', { name: '苏州日历精密机械有限公司' });
    ids.visit = (await api('POST', '/activities', {
      subject: '拜访苏州日历', kind: 'visit', account_id: acc.body.id, location: '苏州工业园区',
      start_at: at(weekday(2), '10:00'), end_at: at(weekday(2), '11:30'),
    })).body.id;
    ids.call = (await api('POST', '/activities', { subject: '电话回访', kind: 'call', start_at: at(weekday(0), '09:00') })).body.id;
  });
  after(() => closeApp({ srv, browser }));

  it('the week view shows the activities in their time slots', async () => {
    await page.locator('[data-test=main-menu] [data-entity="calendar"]').click();
    const week = page.locator('[data-test=calendar-week]');
    await week.locator(`[data-day="${weekday(2)}"] [data-activity="拜访苏州日历"]`).waitFor();
    await week.locator(`[data-day="${weekday(0)}"] [data-activity="电话回访"]`).waitFor();
    assert.match(await week.locator('[data-activity="拜访苏州日历"]').innerText(), /10:00–11:30[\s\S]*苏州日历精密机械/);
    await screenshot(page, 'calendar-01-week');
  });

  it('dragging an activity to another day and hour reschedules it and keeps its length', async () => {
    const week = page.locator('[data-test=calendar-week]');
    const slot = `[data-day="${weekday(3)}"] [data-slot="14:00"]`;
    await dragOnto(page, week.locator('[data-activity="拜访苏州日历"]'), week.locator(slot), week.locator(slot + '.over'));
    await page.locator('.el-message--success', { hasText: '拜访苏州日历' }).waitFor();
    await week.locator(`[data-day="${weekday(3)}"] [data-activity="拜访苏州日历"]`).waitFor();
    const saved = (await api('GET', `/activities/${ids.visit}`)).body;
    assert.equal(saved.start_at, at(weekday(3), '14:00'));
    assert.equal(saved.end_at, at(weekday(3), '15:30'));
  });

  it('the month view: drag to another day keeps the time of day', async () => {
    await page.locator('[data-test=calendar-view] label', { hasText: '月' }).click();
    const month = page.locator('[data-test=calendar-month]');
    await month.locator(`[data-day="${weekday(0)}"] [data-activity="电话回访"]`).waitFor();
    const cell = `[data-day="${weekday(1)}"]`;
    await dragOnto(page, month.locator('[data-activity="电话回访"]'), month.locator(cell), month.locator(cell + '.over'));
    await month.locator(`[data-day="${weekday(1)}"] [data-activity="电话回访"]`).waitFor();
    assert.equal((await api('GET', `/activities/${ids.call}`)).body.start_at, at(weekday(1), '09:00'));
    await screenshot(page, 'calendar-02-month');
  });

  it('a click on a free slot plans an activity there and comes back to the calendar', async () => {
    await page.locator('[data-test=calendar-view] label', { hasText: '周' }).click();
    const week = page.locator('[data-test=calendar-week]');
    await week.locator(`[data-day="${weekday(4)}"] [data-slot="16:30"]`).click();
    await page.locator('[data-test=entity-form]').waitFor();
    await page.locator('[data-field=subject] input').fill('周五产品演示');
    await page.locator('[data-test=save]').click();
    await week.locator(`[data-day="${weekday(4)}"] [data-activity="周五产品演示"]`).waitFor();
    const made = (await api('GET', '/activities?q=' + encodeURIComponent('周五产品演示'))).body.items[0];
    assert.equal(made.start_at, at(weekday(4), '16:30'));
    assert.equal(made.end_at, at(weekday(4), '17:30'));
  });

  it('发布行程 sends the week to a colleague as a message', async () => {
    await page.locator('[data-test=calendar-share]').click();
    await page.locator('[data-test=share-users] .el-select__wrapper').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '李华' }).click();
    await page.keyboard.press('Escape');
    await page.locator('[data-test=share-dialog] textarea').fill('本周外出较多，有事打手机');
    await screenshot(page, 'calendar-03-share');
    await page.locator('[data-test=share-send]').click();
    await page.locator('.el-message--success', { hasText: '1 位同事' }).waitFor();
    const msgs = (await api('GET', '/messages')).body.items; // administrators see every message
    assert.equal(msgs.length, 1);
    assert.equal(msgs[0].owner_id, ids.colleague);
    assert.ok(msgs[0].body.includes('本周外出较多') && msgs[0].body.includes('拜访苏州日历') && msgs[0].body.includes('14:00'), msgs[0].body);
  });

  it('订阅日历 gives a URL a calendar program can read', async () => {
    await page.locator('[data-test=calendar-feed]').click();
    await page.locator('[data-test=feed-new]').click();
    const url = await page.locator('input[data-test=feed-url]').inputValue();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/calendar\/feed\/[^/]+\.ics$/);
    await screenshot(page, 'calendar-04-feed');
    const ics = await (await fetch(url)).text(); // no cookie: the URL alone
    assert.match(ics, /^BEGIN:VCALENDAR\r\n/);
    assert.ok(ics.includes('SUMMARY:[拜访] 拜访苏州日历'), ics);
  });
});
