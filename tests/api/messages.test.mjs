// messages.test.mjs - 站内消息 are sent to users, roles or departments: one
// copy in each recipient's inbox, the sender left out, nothing sent when
// anything is wrong.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, created } from './harness.mjs';

const srv = new Server();
let admin;

before(async () => { await srv.start(); admin = await srv.client(); });
after(async () => { await srv.stop(); srv.cleanup(); });

test('a message goes to the users named, the holders of a role and the members of a department and the ones below it', async () => {
  const sales = await created(await admin.post('/api/v1/departments', { name: '销售部' }));
  const east = await created(await admin.post('/api/v1/departments', { name: '华东销售组', parent_id: sales.id }));
  const service = await created(await admin.post('/api/v1/departments', { name: '客服部' }));
  const rep = await created(await admin.post('/api/v1/roles', { name: '销售代表' }));
  const mk = async (username, name, more) => created(await admin.post('/api/v1/users', { username, name, password: 'Pass#2026word', ...more }));
  const zhang = await mk('zhangwei', '张伟', { department_id: sales.id });
  const lina = await mk('lina', '李娜', { department_id: east.id, role_id: rep.id });
  const wang = await mk('wangqiang', '王强', { role_id: rep.id });
  const zhao = await mk('zhaomin', '赵敏', { department_id: service.id });
  const gone = await mk('likai', '李凯', { department_id: sales.id, status: 'inactive' });
  const zc = await srv.client('zhangwei', 'Pass#2026word');

  // the department with its sub-department, and a role: 张伟 (the sender) is left out, 李娜 gets one copy
  let r = await zc.post('/api/v1/messages/send', { subject: '本周销售例会改到周四', body: '地点：3 楼会议室', department_ids: [sales.id], role_ids: [rep.id] });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.recipient_ids.sort((a, b) => a - b), [lina.id, wang.id].sort((a, b) => a - b));
  assert.equal(r.json.sent, 2);
  for (const [who, expect] of [['lina', 1], ['wangqiang', 1], ['zhaomin', 0], ['zhangwei', 0]]) {
    const c = await srv.client(who, 'Pass#2026word');
    const inbox = (await c.get('/api/v1/messages')).json;
    assert.equal(inbox.total, expect, who);
    if (expect) {
      const m = inbox.items[0];
      assert.deepEqual([m.subject, m.kind, m.sender_id, m.sender_name, m.is_read, m.owner_id], ['本周销售例会改到周四', 'notice', zhang.id, '张伟', false, m.owner_id]);
    }
  }
  // users by name
  r = await zc.post('/api/v1/messages/send', { subject: '请补充客户资料', user_ids: [zhao.id] });
  assert.deepEqual(r.json.recipient_ids, [zhao.id]);
  assert.equal((await (await srv.client('zhaomin', 'Pass#2026word')).get('/api/v1/messages')).json.total, 1);

  // refused, and nothing sent: no subject, an unknown id, nobody left, unknown keys, a deactivated user only
  const before = (await admin.get('/api/v1/messages?limit=0')).json.total;
  assertError(assert, await zc.post('/api/v1/messages/send', { subject: '  ', user_ids: [lina.id] }), 422, 'validation_failed');
  r = await zc.post('/api/v1/messages/send', { subject: '找不到', user_ids: [lina.id], role_ids: [999999] });
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields.role_ids, 'not_found');
  r = await zc.post('/api/v1/messages/send', { subject: '发给自己', user_ids: [zhang.id] });
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields.recipients, 'required');
  assert.match(r.json.error.message, /收件人/);
  assertError(assert, await zc.post('/api/v1/messages/send', { subject: '离职的', user_ids: [gone.id] }), 422, 'validation_failed');
  assertError(assert, await zc.post('/api/v1/messages/send', { subject: 'x', user_ids: [lina.id], cc: [1] }), 422, 'validation_failed');
  assertError(assert, await zc.post('/api/v1/messages/send', { subject: 'x', user_ids: 'lina' }), 422, 'validation_failed');
  assert.equal((await admin.get('/api/v1/messages?limit=0')).json.total, before);
});

test('a message stays in its company: users, roles and departments of another company are not found', async () => {
  const other = await admin.post('/api/v1/companies', {
    name: '丙方商贸有限公司', code: 'bingfang', admin: { username: 'boss_c', name: '丙方管理员', password: 'Pass#2026word' } });
  assert.equal(other.status, 201, other.text);
  const bossC = await srv.client('boss_c', 'Pass#2026word');
  const dept = (await bossC.post('/api/v1/departments', { name: '丙方销售部' })).json;
  const role = (await bossC.post('/api/v1/roles', { name: '丙方代表' })).json;
  const seller = (await bossC.post('/api/v1/users', { username: 'seller_c', name: '丙方销售', password: 'Pass#2026word', department_id: dept.id, role_id: role.id })).json;
  for (const [key, id] of [['user_ids', seller.id], ['role_ids', role.id], ['department_ids', dept.id]]) {
    const r = await admin.post('/api/v1/messages/send', { subject: '越界', [key]: [id] });
    assertError(assert, r, 422, 'validation_failed');
    assert.equal(r.json.error.fields[key], 'not_found', key);
  }
  assert.equal((await (await srv.client('seller_c', 'Pass#2026word')).get('/api/v1/messages')).json.total, 0);
  // inside its own company it works
  const r = await bossC.post('/api/v1/messages/send', { subject: '丙方内部通知', department_ids: [dept.id] });
  assert.deepEqual(r.json.recipient_ids, [seller.id]);
});
