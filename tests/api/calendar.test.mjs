// calendar.test.mjs - repeating activities, the iCalendar feed (read back
// by ical.js), and 发布行程 (sharing a schedule as messages).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { Server, assertError, filterParam, created } from './harness.mjs';

const srv = new Server();
let admin, wang, li;
const soon = days => new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);

before(async () => {
  await srv.start();
  srv.addUser('wangfang', 'Wang#2026pw', { name: '王芳' });
  srv.addUser('lilei', 'Li#2026pw', { name: '李雷' });
  admin = await srv.client();
  wang = await srv.client('wangfang', 'Wang#2026pw');
  li = await srv.client('lilei', 'Li#2026pw');
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('a weekly activity until a date becomes one activity per week, linked to the first', async () => {
  const first = await created(await wang.post('/api/v1/activities', {
    subject: '周例会', kind: 'meeting', start_at: '2027-01-04T02:00:00Z', end_at: '2027-01-04T03:00:00Z',
    repeat: 'weekly', repeat_until: '2027-02-01', location: '3 楼会议室' }));
  const occ = (await wang.get('/api/v1/activities?sort=start_at&filter=' + filterParam({ field: 'series_id', op: 'eq', value: first.id }))).json;
  assert.equal(occ.total, 4);
  assert.deepEqual(occ.items.map(a => a.start_at), ['2027-01-11T02:00:00Z', '2027-01-18T02:00:00Z', '2027-01-25T02:00:00Z', '2027-02-01T02:00:00Z']);
  assert.ok(occ.items.every(a => a.end_at.endsWith('T03:00:00Z') && a.repeat === 'none' && a.location === '3 楼会议室'));
  const rel = await wang.get(`/api/v1/activities/${first.id}/related/occurrences`);
  assert.equal(rel.json.total, 4);
  // monthly on the 31st lands on the last day of short months
  const m = await created(await wang.post('/api/v1/activities', { subject: '月底对账', kind: 'task', start_at: '2027-01-31T01:00:00Z', repeat: 'monthly', repeat_until: '2027-04-30' }));
  const months = (await wang.get('/api/v1/activities?sort=start_at&filter=' + filterParam({ field: 'series_id', op: 'eq', value: m.id }))).json.items.map(a => a.start_at.slice(0, 10));
  assert.deepEqual(months, ['2027-02-28', '2027-03-31', '2027-04-30']);
});

test('bad repetitions are refused and create nothing', async () => {
  const before = (await wang.get('/api/v1/activities?limit=1')).json.total;
  assertError(assert, await wang.post('/api/v1/activities', { subject: 'x', repeat: 'daily', repeat_until: '2027-01-10' }), 422);
  assertError(assert, await wang.post('/api/v1/activities', { subject: 'x', start_at: '2027-01-10T00:00:00Z', repeat: 'daily' }), 422);
  assertError(assert, await wang.post('/api/v1/activities', { subject: 'x', start_at: '2027-01-10T00:00:00Z', repeat: 'daily', repeat_until: '2027-01-01' }), 422);
  assertError(assert, await wang.post('/api/v1/activities', { subject: 'x', start_at: '2027-01-10T00:00:00Z', repeat: 'daily', repeat_until: '2029-01-01' }), 422);
  assertError(assert, await wang.post('/api/v1/activities', { subject: 'x', start_at: '2027-01-10T00:00:00Z', repeat: 'hourly', repeat_until: '2027-01-11' }), 422);
  assert.equal((await wang.get('/api/v1/activities?limit=1')).json.total, before);
  const one = await created(await wang.post('/api/v1/activities', { subject: '单次', start_at: '2027-03-01T00:00:00Z' }));
  assertError(assert, await wang.patch(`/api/v1/activities/${one.id}`, { repeat: 'daily', repeat_until: '2027-03-05' }), 422);
});

test('the iCalendar feed: a secret URL a calendar program reads, only the owner\'s visible activities', async () => {
  const start = soon(3) + 'T06:00:00Z';
  await created(await wang.post('/api/v1/activities', { subject: '拜访客户，谈合同；带样品', kind: 'visit', start_at: start, location: '南京市鼓楼区' }));
  await created(await li.post('/api/v1/activities', { subject: '李雷的私人日程', kind: 'call', start_at: start }));
  const f = await wang.post('/api/v1/calendar/feed', {});
  assert.equal(f.status, 201, f.text);
  assert.match(f.json.url, /^\/api\/v1\/calendar\/feed\/[^/]+\.ics$/);
  const ics = await srv.request('GET', f.json.url); // no sign-in: the URL is the credential
  assert.equal(ics.status, 200, ics.text);
  assert.match(ics.headers.get('content-type'), /text\/calendar/);
  for (const line of ics.text.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, line);
  const cal = new ICAL.Component(ICAL.parse(ics.text));
  const events = cal.getAllSubcomponents('vevent').map(v => new ICAL.Event(v));
  const visit = events.find(ev => ev.summary.includes('拜访客户'));
  assert.ok(visit, 'own activity present');
  assert.equal(visit.summary, '[拜访] 拜访客户，谈合同；带样品');
  assert.equal(visit.location, '南京市鼓楼区');
  assert.equal(visit.startDate.toJSDate().toISOString(), new Date(start).toISOString());
  assert.equal(visit.endDate.toJSDate().getTime() - visit.startDate.toJSDate().getTime(), 3600000);
  assert.ok(!events.some(ev => ev.summary.includes('李雷')), 'another user\'s activity is not in the feed');
  assert.ok(events.every(ev => /^kehu-activity-\d+@kehu$/.test(ev.uid)));
  // a new URL replaces the old one; stopping ends it; a made-up one is 404
  const again = await wang.post('/api/v1/calendar/feed', {});
  assertError(assert, await srv.request('GET', f.json.url), 404);
  assert.equal((await srv.request('GET', again.json.url)).status, 200);
  assert.equal((await wang.del('/api/v1/calendar/feed')).status, 204);
  assertError(assert, await srv.request('GET', again.json.url), 404);
  assertError(assert, await srv.request('GET', '/api/v1/calendar/feed/not-a-secret.ics'), 404);
  assert.ok(!srv.log.includes(again.json.url.split('/').pop().replace('.ics', '')), 'the secret is not in the access log');
});

test('发布行程: colleagues get a message with the schedule; only they see it', async () => {
  const day = soon(5);
  await created(await wang.post('/api/v1/activities', { subject: '上门演示', kind: 'visit', start_at: `${day}T02:00:00Z` }));
  const r = await wang.post('/api/v1/calendar/share', { user_ids: [li.user.id], from: day, to: day, note: '这周的安排，请知悉' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.sent, 1);
  const inbox = (await li.get('/api/v1/messages?filter=' + filterParam({ field: 'is_read', op: 'eq', value: false }))).json;
  assert.equal(inbox.total, 1);
  const msg = inbox.items[0];
  assert.equal(msg.kind, 'schedule');
  assert.equal(msg.sender_id, wang.user.id);
  assert.ok(msg.body.includes('这周的安排') && msg.body.includes('上门演示') && msg.body.includes('10:00'), msg.body);
  assert.equal((await admin.get('/api/v1/messages')).json.total, 1, 'administrators see everything');
  const own = await wang.get('/api/v1/messages');
  assert.equal(own.json.total, 0, 'the message belongs to its recipient');
  assert.equal((await li.patch(`/api/v1/messages/${msg.id}`, { is_read: true })).status, 200);
  assertError(assert, await wang.post('/api/v1/calendar/share', { user_ids: [], from: day, to: day }), 422);
  assertError(assert, await wang.post('/api/v1/calendar/share', { user_ids: [999999], from: day, to: day }), 422);
  assertError(assert, await wang.post('/api/v1/calendar/share', { user_ids: [li.user.id], from: 'soon', to: day }), 422);
  assertError(assert, await wang.post('/api/v1/calendar/share', { user_ids: [li.user.id], from: day, to: day, extra: 1 }), 422);
});

test('the calendar offers the people whose activities one may see: oneself and those below, everyone when shared', async () => {
  const profile = (await admin.get('/api/v1/profiles')).json.items.find(p => p.is_default) || (await admin.get('/api/v1/profiles')).json.items[0];
  const mgr = (await admin.post('/api/v1/roles', { name: '日历经理', profile_ids: [profile.id] })).json;
  const rep = (await admin.post('/api/v1/roles', { name: '日历代表', parent_id: mgr.id, profile_ids: [profile.id] })).json;
  assert.equal((await admin.patch(`/api/v1/users/${wang.user.id}`, { role_id: mgr.id })).status, 200);
  assert.equal((await admin.patch(`/api/v1/users/${li.user.id}`, { role_id: rep.id })).status, 200);
  const owners = async who => (await who.get('/api/v1/activities/owners')).json.items.map(u => u.name).sort();
  assert.deepEqual(await owners(wang), ['李雷', '王芳'].sort(), 'a manager: oneself and the rep below');
  assert.deepEqual(await owners(li), ['李雷'], 'a rep: oneself');
  assert.ok((await owners(admin)).length >= 3, 'an administrator: everyone');
  assert.equal((await admin.get('/api/v1/activities/owners')).json.truncated, false, 'all of them');
  // activities shared for reading: everyone's calendar is open to all
  assert.equal((await admin.req('PUT', '/api/v1/sharing', { body: { activities: 'public_read' } })).status, 200);
  assert.ok((await owners(li)).includes('王芳'));
  assert.equal((await admin.req('PUT', '/api/v1/sharing', { body: { activities: 'private' } })).status, 200);
  assert.deepEqual(await owners(li), ['李雷']);
});
