// retry.test.mjs - a write that met another transaction's deadlock or
// serialization failure (PostgreSQL asks for such a transaction again) is
// run again by the server while it kept nothing: the client gets its 201,
// the record is there once. KEHU_TEST_CONFLICTS=N makes the next N commits
// of requests to KEHU_TEST_CONFLICT_PATH fail as such a conflict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError } from './harness.mjs';

const PATH = '/api/v1/accounts';
const NODES = Number(process.env.KEHU_TEST_NODES || 1); // the harness's cluster (KEHU_TEST_NODES=3): each node counts its own conflicts

async function countNamed(client, name) {
  const r = await client.get(`${PATH}?q=${encodeURIComponent(name)}`);
  assert.equal(r.status, 200);
  return r.json.items.filter(a => a.name === name).length;
}

test('a create that conflicts twice is retried and kept once', async () => {
  const srv = await new Server().start({ env: { KEHU_TEST_CONFLICTS: '2', KEHU_TEST_CONFLICT_PATH: PATH } });
  const admin = await srv.client();
  const r = await admin.post(PATH, { name: '重试测试机电有限公司' });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  assert.equal(await countNamed(admin, '重试测试机电有限公司'), 1);
  // the conflicts are used up: the next create passes at once
  assert.equal((await admin.post(PATH, { name: '重试之后有限公司' })).status, 201);
  await srv.stop();
  srv.cleanup();
});

test('a create that keeps conflicting answers 503 busy after three retries and keeps nothing', async () => {
  const srv = await new Server().start({ env: { KEHU_TEST_CONFLICTS: '4', KEHU_TEST_CONFLICT_PATH: PATH } });
  const admin = await srv.client();
  assertError(assert, await admin.post(PATH, { name: '一直冲突有限公司' }), 503, 'busy');
  assert.equal(await countNamed(admin, '一直冲突有限公司'), 0);
  // four attempts took the node's four conflicts: the same create now passes
  // there (through nginx the next node may answer first: it refuses the
  // same way until each node has used its own)
  let r;
  for (let i = 0; i < NODES; i++) {
    r = await admin.post(PATH, { name: '一直冲突有限公司' });
    if (r.status === 201) break;
    assertError(assert, r, 503, 'busy');
  }
  assert.equal(r.status, 201, r.text);
  assert.equal(await countNamed(admin, '一直冲突有限公司'), 1);
  await srv.stop();
  srv.cleanup();
});
