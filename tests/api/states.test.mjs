// states.test.mjs - states, conditional rules and actions declared in
// metadata (docs/engine.md): forbidden transitions name the allowed ones,
// locked records refuse all but their named fields, required_when /
// readonly_when / visible_when hold on every write, and declared actions
// run through one route with their right, their from-states and If-Match.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, created } from './harness.mjs';

const srv = new Server();
let admin, account;


before(async () => {
  await srv.start();
  admin = await srv.client();
  account = created(await admin.post('/api/v1/accounts', { name: '状态机测试客户有限公司' }));
});
after(async () => { await srv.stop(); srv.cleanup(); });

const newDeal = async (body = {}) => created(await admin.post('/api/v1/opportunities', { name: '状态机商机', account_id: account.id, ...body }));
const meta = async (client = admin) => (await client.get('/api/v1/metadata')).json.entities;

test('the state machines and rules are served in metadata', async () => {
  const opp = (await meta()).find(e => e.name === 'opportunities');
  const stage = opp.fields.find(f => f.name === 'stage');
  assert.equal(stage.states.initial, 'prospecting');
  assert.deepEqual(stage.states.terminal, ['won']);
  assert.deepEqual(stage.states.closed, { won: 'won', lost: 'lost' });
  assert.ok(stage.states.transitions.lost.includes('prospecting'), 'a lost deal may be reopened');
  assert.deepEqual(opp.fields.find(f => f.name === 'lost_reason').required_when, { field: 'stage', op: 'eq', value: 'lost' });
  assert.deepEqual(opp.fields.find(f => f.name === 'probability').set_from, { field: 'stage', option: 'probability' });
  const acts = (await meta()).find(e => e.name === 'activities').actions;
  const complete = acts.find(a => a.name === 'complete');
  assert.deepEqual([complete.from, complete.to, complete.permitted], [['planned'], 'done', true]);
  assert.ok((await meta()).find(e => e.name === 'leads').actions.some(a => a.name === 'convert'));
});

test('a forbidden transition is refused with 422 invalid_transition naming the allowed states in the request\'s language', async () => {
  const act = created(await admin.post('/api/v1/activities', { subject: '状态电话' }));
  assert.equal(act.status, 'planned', 'the initial state is set on create');
  assert.equal((await admin.patch(`/api/v1/activities/${act.id}`, { status: 'done' })).status, 200);
  let r = await admin.patch(`/api/v1/activities/${act.id}`, { status: 'cancelled' });
  assertError(assert, r, 422, 'invalid_transition');
  assert.equal(r.json.error.fields.status, 'invalid_transition');
  assert.match(r.json.error.message, /已完成.*计划中/);
  assert.doesNotMatch(r.json.error.message, /已取消/);
  r = await admin.patch(`/api/v1/activities/${act.id}`, { status: 'cancelled' }, { headers: { 'Accept-Language': 'en' } });
  assert.match(r.json.error.message, /Planned/);
  assert.equal((await admin.get(`/api/v1/activities/${act.id}`)).json.status, 'done', 'nothing changed');
  // won is terminal: no way out
  const won = await newDeal({ stage: 'won' });
  r = await admin.patch(`/api/v1/opportunities/${won.id}`, { stage: 'prospecting' });
  assertError(assert, r, 422, 'invalid_transition');
  assert.match(r.json.error.message, /赢单/);
  // open stages move freely, a lost deal reopens
  const d = await newDeal();
  for (const s of ['proposal', 'qualification', 'commit'])
    assert.equal((await admin.patch(`/api/v1/opportunities/${d.id}`, { stage: s })).status, 200, s);
  assert.equal((await admin.patch(`/api/v1/opportunities/${d.id}`, { stage: 'lost', lost_reason: 'price' })).status, 200);
  const back = await admin.patch(`/api/v1/opportunities/${d.id}`, { stage: 'qualification' });
  assert.equal(back.status, 200, back.text);
  assert.equal(back.json.probability, 30, 'the stage sets its probability (set_from in metadata)');
});

test('a record in a locking state changes only the fields the state names', async () => {
  const won = await newDeal({ stage: 'won', amount: 1000 });
  assert.equal(won.probability, 100);
  const r = await admin.patch(`/api/v1/opportunities/${won.id}`, { amount: 2000, description: '签约' });
  assertError(assert, r, 422, 'locked');
  assert.deepEqual(r.json.error.fields, { amount: 'locked' });
  assert.match(r.json.error.message, /赢单/);
  const ok = await admin.patch(`/api/v1/opportunities/${won.id}`, { description: '合同已归档', next_step: '回款', amount: 1000 });
  assert.equal(ok.status, 200, 'the named fields, and an unchanged value, go through');
  assert.equal(ok.json.description, '合同已归档');
});

test('required_when, readonly_when and visible_when hold on every write against the record as it will be stored', async () => {
  // lost needs its reason: on create, on the move, and when clearing it later
  let r = await admin.post('/api/v1/opportunities', { name: '丢单无因', account_id: account.id, stage: 'lost' });
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields.lost_reason, 'required');
  const d = await newDeal({ stage: 'negotiation' });
  r = await admin.patch(`/api/v1/opportunities/${d.id}`, { stage: 'lost' });
  assert.equal(r.json.error.fields.lost_reason, 'required');
  assert.equal((await admin.patch(`/api/v1/opportunities/${d.id}`, { lost_reason: 'price' })).status, 200, 'not required while open');
  assert.equal((await admin.patch(`/api/v1/opportunities/${d.id}`, { stage: 'lost' })).status, 200, 'the stored reason counts');
  assertError(assert, await admin.patch(`/api/v1/opportunities/${d.id}`, { lost_reason: null }), 422);

  // rules on custom fields, declared by an administrator
  const add = body => admin.post('/api/v1/metadata/entities/opportunities/fields', body);
  assertError(assert, await add({ name: 'bad_rule', label_zh: '坏规则', type: 'text', readonly_when: { field: 'nope', op: 'eq', value: 1 } }), 422);
  assert.equal((await add({ name: 'budget_no', label_zh: '预算编号', type: 'text',
    readonly_when: { field: 'stage', op: 'in', value: ['commit', 'won'] } })).status, 201);
  assert.equal((await add({ name: 'rival_price', label_zh: '对手报价', type: 'money', required: true,
    visible_when: { field: 'next_step', op: 'notnull' } })).status, 201);
  assert.equal((await add({ name: 'sign_date', label_zh: '签约日期', type: 'date',
    required_when: { or: [{ field: 'stage', op: 'eq', value: 'won' }, { and: [{ field: 'stage', op: 'eq', value: 'commit' }, { field: 'amount', op: 'gte', value: 100000 }] }] } })).status, 201);
  const fields = (await meta()).find(e => e.name === 'opportunities').fields;
  assert.deepEqual(fields.find(f => f.name === 'cf_rival_price').visible_when, { field: 'next_step', op: 'notnull' });

  // hidden and required: not required; shown: required
  const o = await newDeal({ cf_budget_no: 'YS-1' });
  r = await admin.patch(`/api/v1/opportunities/${o.id}`, { next_step: '应对华为报价' });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields.cf_rival_price, 'required');
  assert.equal((await admin.patch(`/api/v1/opportunities/${o.id}`, { next_step: '应对华为报价', cf_rival_price: 88000 })).status, 200);
  // readonly in commit: the move and the field at once is judged on the stored-to-be record
  r = await admin.patch(`/api/v1/opportunities/${o.id}`, { stage: 'commit', cf_budget_no: 'YS-2' });
  assert.equal(r.json.error.fields.cf_budget_no, 'read_only');
  assert.equal((await admin.patch(`/api/v1/opportunities/${o.id}`, { stage: 'commit', amount: 50000 })).status, 200);
  assertError(assert, await admin.patch(`/api/v1/opportunities/${o.id}`, { cf_budget_no: 'YS-3' }), 422);
  // and/or nesting: a big deal in commit needs its sign date
  r = await admin.patch(`/api/v1/opportunities/${o.id}`, { amount: 150000 });
  assert.equal(r.json.error.fields.cf_sign_date, 'required');
  const ok = await admin.patch(`/api/v1/opportunities/${o.id}`, { amount: 150000, cf_sign_date: '2026-12-01' });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.cf_budget_no, 'YS-1');
});

async function userWithout(verb) {
  const perms = { view: true, create: true, edit: true, delete: true, import: false, export: false, [verb]: false };
  const p = created(await admin.post('/api/v1/profiles', { name: `行动无${verb}`, permissions: { activities: perms, leads: perms } }));
  const role = created(await admin.post('/api/v1/roles', { name: `行动无${verb}岗`, profile_ids: [p.id] }));
  created(await admin.post('/api/v1/users', { username: `act_no_${verb}`, name: `无${verb}`, password: 'Pass#2026word', role_id: role.id }));
  return srv.client(`act_no_${verb}`, 'Pass#2026word');
}

test('an action runs through one route: asked fields, its right, its from-states', async () => {
  const act = created(await admin.post('/api/v1/activities', { subject: '行动按钮', kind: 'visit' }));
  let r = await admin.post(`/api/v1/activities/${act.id}/actions/complete`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.record.status, 'done');
  assert.equal(r.headers.get('etag'), `"${r.json.record.version}"`);
  const h = (await admin.get(`/api/v1/activities/${act.id}/history`)).json.items.map(i => i.field);
  assert.ok(h.includes('status'), 'history records the action');
  // again: already done; from the wrong state; unknown action; unknown body key
  assertError(assert, await admin.post(`/api/v1/activities/${act.id}/actions/complete`, {}), 409, 'already_done');
  r = await admin.post(`/api/v1/activities/${act.id}/actions/cancel`, {});
  assertError(assert, r, 422, 'action_not_allowed');
  assert.match(r.json.error.message, /已完成/);
  assertError(assert, await admin.post(`/api/v1/activities/${act.id}/actions/explode`, {}), 404);
  r = await admin.post(`/api/v1/activities/${act.id}/actions/reopen`, { subject: '改名' });
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields.subject, 'unknown', 'only the asked fields');
  assertError(assert, await admin.post('/api/v1/activities/999999/actions/reopen', {}), 404);
  assertError(assert, await admin.post('/api/v1/nosuch/1/actions/reopen', {}), 404);
  assert.equal((await admin.post(`/api/v1/activities/${act.id}/actions/reopen`, {})).json.record.status, 'planned');
  // without the right: 403, and metadata says so
  const viewer = await userWithout('edit');
  const mine = created(await viewer.post('/api/v1/activities', { subject: '只能看' }));
  assertError(assert, await viewer.post(`/api/v1/activities/${mine.id}/actions/complete`, {}), 403, 'forbidden');
  assert.equal((await meta(viewer)).find(e => e.name === 'activities').actions.find(a => a.name === 'complete').permitted, false);
  assert.equal((await viewer.get(`/api/v1/activities/${mine.id}`)).json.status, 'planned');
  // with the right, on someone else's record the user cannot see: 404
  const editor = await userWithout('delete');
  assertError(assert, await editor.post(`/api/v1/activities/${act.id}/actions/complete`, {}), 404);
});

test('an action with asked fields: 丢单 asks its reason', async () => {
  const d = await newDeal({ stage: 'proposal' });
  let r = await admin.post(`/api/v1/opportunities/${d.id}/actions/lose`, {});
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields.lost_reason, 'required');
  assertError(assert, await admin.post(`/api/v1/opportunities/${d.id}/actions/lose`, { lost_reason: 'nonsense' }), 422);
  assert.equal((await admin.get(`/api/v1/opportunities/${d.id}`)).json.stage, 'proposal', 'a refused action changes nothing');
  r = await admin.post(`/api/v1/opportunities/${d.id}/actions/lose`, { lost_reason: 'no_budget' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.record.stage, r.json.record.lost_reason, r.json.record.probability], ['lost', 'no_budget', 0]);
  r = await admin.post(`/api/v1/opportunities/${d.id}/actions/win`, {});
  assertError(assert, r, 422, 'action_not_allowed');
  const meta1 = (await meta()).find(e => e.name === 'opportunities').actions.find(a => a.name === 'lose');
  assert.deepEqual(meta1.ask, [{ field: 'lost_reason', required: true }]);
});

test('完成 asks the 行动结果 and the 下次回访时间: both are saved with the action, the follow-up is planned', async () => {
  const ask = (await meta()).find(e => e.name === 'activities').actions.find(a => a.name === 'complete').ask;
  assert.deepEqual(ask.map(q => [q.field, !!q.required]), [['result', false], ['next_follow_up_at', false]]);
  const act = created(await admin.post('/api/v1/activities', { subject: '电话回访结果', kind: 'call' }));
  const next = new Date(Date.now() + 3 * 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
  const r = await admin.post(`/api/v1/activities/${act.id}/actions/complete`, { result: '客户同意下周看样', next_follow_up_at: next });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.record.status, r.json.record.result, r.json.record.next_follow_up_at], ['done', '客户同意下周看样', next]);
  const plan = (await admin.get(`/api/v1/activities?filter=${encodeURIComponent(JSON.stringify({ field: 'follow_up_of', op: 'eq', value: act.id }))}`)).json.items;
  assert.equal(plan.length, 1);
  assert.equal(plan[0].start_at, next);
  // still nothing required: 完成 with an empty body works as before
  const other = created(await admin.post('/api/v1/activities', { subject: '无结果也可完成' }));
  assert.equal((await admin.post(`/api/v1/activities/${other.id}/actions/complete`, {})).status, 200);
});

test('an action and an edit of the same version: one wins, the other gets 409 with the current record', async () => {
  const act = created(await admin.post('/api/v1/activities', { subject: '并发行动' }));
  const v = { headers: { 'If-Match': `"${act.version}"` } };
  const [a, b] = await Promise.all([
    admin.post(`/api/v1/activities/${act.id}/actions/complete`, {}, v),
    admin.patch(`/api/v1/activities/${act.id}`, { subject: '并发改名' }, v),
  ]);
  assert.deepEqual([a.status, b.status].sort(), [200, 409], a.text + b.text);
  const lost = a.status === 409 ? a : b;
  assert.equal(lost.json.error.code, 'conflict');
  assert.equal(lost.json.error.current.version, act.version + 1, 'the current record comes along');
  // stale If-Match on the action alone
  const cur = (await admin.get(`/api/v1/activities/${act.id}`)).json;
  const stale = await admin.post(`/api/v1/activities/${act.id}/actions/${cur.status === 'planned' ? 'complete' : 'reopen'}`, {},
    { headers: { 'If-Match': `"${cur.version - 1}"` } });
  assertError(assert, stale, 409, 'conflict');
  assert.equal(stale.json.error.current.id, act.id);
});

test('lead conversion: the action and the old route give the same result, with the declared field copy', async () => {
  const mk = async n => created(await admin.post('/api/v1/leads', { name: `转换${n}`, company: `转换对比${n}有限公司`, title: '经理',
    mobile: '13900000000', city: '南京', source: 'exhibition', industry: 'it' }));
  const [x, y] = [await mk('甲'), await mk('乙')];
  const viaAlias = await admin.post(`/api/v1/leads/${x.id}/convert`, { create_opportunity: true });
  const viaAction = await admin.post(`/api/v1/leads/${y.id}/actions/convert`, { create_opportunity: true });
  assert.equal(viaAlias.status, 200, viaAlias.text);
  assert.equal(viaAction.status, 200, viaAction.text);
  assert.deepEqual(Object.keys(viaAlias.json), ['lead_id', 'account_id', 'contact_id', 'opportunity_id']);
  assert.deepEqual(Object.keys(viaAction.json.result), Object.keys(viaAlias.json));
  assert.equal(viaAction.json.record.status, 'converted');
  assert.equal(viaAction.json.record.converted_account_id, viaAction.json.result.account_id);
  const pick = (o, keys) => Object.fromEntries(keys.map(k => [k, o[k]]));
  const accKeys = ['city', 'source', 'industry'], conKeys = ['title', 'mobile'];
  const acc = async r => (await admin.get(`/api/v1/accounts/${r.account_id}`)).json;
  const con = async r => (await admin.get(`/api/v1/contacts/${r.contact_id}`)).json;
  assert.deepEqual(pick(await acc(viaAction.json.result), accKeys), pick(await acc(viaAlias.json), accKeys));
  assert.deepEqual(pick(await acc(viaAction.json.result), accKeys), { city: '南京', source: 'exhibition', industry: 'it' });
  assert.deepEqual(pick(await con(viaAction.json.result), conKeys), pick(await con(viaAlias.json), conKeys));
  assert.equal((await acc(viaAction.json.result)).name, '转换对比乙有限公司');
  const opp = (await admin.get(`/api/v1/opportunities/${viaAction.json.result.opportunity_id}`)).json;
  assert.deepEqual([opp.name, opp.source, opp.stage], ['转换对比乙有限公司 销售机会', 'lead', 'prospecting']);
  // both ways refuse a second conversion the same way
  assertError(assert, await admin.post(`/api/v1/leads/${y.id}/convert`, {}), 409, 'already_converted');
  assertError(assert, await admin.post(`/api/v1/leads/${x.id}/actions/convert`, {}), 409, 'already_converted');
  // a user who may not create customers cannot convert: all or nothing
  const noAccounts = await userWithout('export');
  const theirs = created(await admin.post('/api/v1/leads', { name: '无客户权', company: '无客户权公司', owner_id: noAccounts.user.id }));
  assertError(assert, await noAccounts.post(`/api/v1/leads/${theirs.id}/actions/convert`, {}), 403);
  assert.equal((await admin.get(`/api/v1/leads/${theirs.id}`)).json.status, 'new', 'a refused conversion changes nothing');
});
