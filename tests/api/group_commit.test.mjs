// group_commit.test.mjs - writers share fsyncs (SQLite: sqlite_durable.h)
// but every acknowledged write is still there after kill -9 in the middle
// of concurrent write load, and nothing half-written appears.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Server } from './harness.mjs';

test('acknowledged creates from 16 concurrent writers survive kill -9 under load', async () => {
  const srv = await new Server().start();
  const admin = await srv.client();
  const acked = [];
  let stop = false, n = 0;
  const writer = async w => {
    while (!stop) {
      const name = `并发断电测试${w}-${n++}有限公司`;
      try {
        const r = await admin.post('/api/v1/accounts', { name });
        if (r.status === 201) acked.push({ id: r.json.id, name });
      } catch { return; } // the connection died with the server
    }
  };
  const writers = Array.from({ length: 16 }, (_, w) => writer(w));
  while (acked.length < 60) await new Promise(r => setTimeout(r, 20));
  await srv.stop('SIGKILL');
  stop = true;
  await Promise.all(writers);
  const again = await new Server().start({ db: srv.db, dir: srv.dir });
  const a2 = await again.client();
  for (const { id, name } of acked) {
    const back = await a2.get(`/api/v1/accounts/${id}`);
    assert.equal(back.status, 200, `acknowledged ${id} lost`);
    assert.equal(back.json.name, name);
  }
  const total = (await a2.get(`/api/v1/accounts?q=${encodeURIComponent('并发断电测试')}&limit=1`)).json.total;
  assert.ok(total >= acked.length, `acknowledged ${acked.length}, found ${total}`);
  await again.stop();
  again.cleanup();
});
