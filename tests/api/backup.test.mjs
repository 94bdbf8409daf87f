// backup.test.mjs - backups as docs/deploy.md tells an IT department to
// take them: on SQLite `kehu backup` while the server goes on writing (one
// consistent moment: every write acknowledged before it is there, the file
// passes SQLite's integrity check) and `kehu restore` with the servers
// stopped; on PostgreSQL pg_dump and pg_restore. Either way a restored
// backup of a quiet database reads back equal, record for record, custom
// fields included; a bad backup file never replaces a good database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Server, KEHU_BIN, BACKEND, newDatabase } from './harness.mjs';

const srv = new Server();
let admin;

const kehu = (...args) => spawnSync(KEHU_BIN, args, { encoding: 'utf8' });

// Everything a user could compare: every customer with every field, and
// the custom field in the metadata.
async function snapshot(client) {
  const accounts = (await client.get('/api/v1/accounts?limit=500&sort=id')).json;
  const contacts = (await client.get('/api/v1/contacts?limit=500&sort=id')).json;
  const meta = (await client.get('/api/v1/metadata')).json.entities.find(e => e.name === 'accounts')
    .fields.filter(f => f.custom).map(f => f.name);
  return { accounts, contacts, meta };
}

// The backup of srv's database restored into a new one, by the backend's tools.
function backupAndRestore(tag) {
  const file = join(srv.dir, `backup-${tag}`);
  const target = newDatabase(srv.dir).replace(/kehu\.db$/, `restored-${tag}.db`);
  if (BACKEND === 'sqlite') {
    const b = kehu('backup', '--db', srv.db, '--to', file);
    assert.equal(b.status, 0, b.stderr);
    assert.ok(!existsSync(file + '.partial'));
    const r = kehu('restore', '--db', target, '--from', file);
    assert.equal(r.status, 0, r.stderr);
  } else {
    execFileSync('pg_dump', ['-Fc', '-f', file, srv.db]);
    execFileSync('pg_restore', ['--no-owner', '-d', target, file]);
  }
  return target;
}

before(async () => {
  await srv.start();
  admin = await srv.client();
  assert.equal((await admin.post('/api/v1/metadata/entities/accounts/fields', { label_zh: '开户银行', type: 'text' })).status, 201);
  for (let i = 1; i <= 40; i++) {
    const a = (await admin.post('/api/v1/accounts', { name: `宁波港城第${i}贸易有限公司`, phone: `0574-8765${String(i).padStart(4, '0')}`, cf_kaihuyinhang: '中国银行宁波分行' })).json;
    assert.ok(a.id);
    await admin.post('/api/v1/contacts', { name: `联系人${i}`, account_id: a.id, mobile: `1390574${String(i).padStart(4, '0')}` });
  }
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('a restored backup of a quiet database reads back equal', async () => {
  const before = await snapshot(admin);
  assert.equal(before.accounts.total, 40);
  const target = backupAndRestore('quiet');
  const copy = new Server();
  await copy.start({ db: target, dir: srv.dir });
  try {
    const after = await snapshot(await copy.client());
    assert.deepEqual(after, before);
  } finally {
    await copy.stop();
  }
});

// pg_dump takes one snapshot by itself: the writes-during-backup and
// refusal cases are the SQLite commands'.
const onSqlite = BACKEND === 'sqlite' ? test : () => {};
const onPostgres = BACKEND === 'sqlite' ? () => {} : test;

onSqlite('a backup taken while the server writes holds every write acknowledged before it', async () => {
  let writing = true;
  const acknowledged = [];
  const writer = (async () => {
    for (let i = 0; writing; i++) {
      const r = await admin.post('/api/v1/accounts', { name: `写入中客户${i}号有限公司` });
      if (r.status === 201) acknowledged.push(r.json.id);
    }
  })();
  await new Promise(r => setTimeout(r, 300));
  const known = acknowledged.length;
  const target = backupAndRestore('busy');
  writing = false;
  await writer;
  assert.ok(known > 0 && acknowledged.length > known, 'writes went on around the backup');
  const copy = new Server();
  await copy.start({ db: target, dir: srv.dir });
  try {
    const c = await copy.client();
    const ids = new Set((await c.get('/api/v1/accounts?limit=500&sort=id')).json.items.map(a => a.id));
    for (const id of acknowledged.slice(0, known)) assert.ok(ids.has(id), `acknowledged write ${id} is in the backup`);
  } finally {
    await copy.stop();
  }
});

onSqlite('backup and restore refuse what would lose data', async () => {
  const file = join(srv.dir, 'existing-backup');
  writeFileSync(file, 'an older backup');
  const b = kehu('backup', '--db', srv.db, '--to', file);
  assert.equal(b.status, 1);
  assert.match(b.stderr, /已存在/);
  assert.equal(readFileSync(file, 'utf8'), 'an older backup', 'never overwritten');
  // a file that is not a whole Kehu database never replaces one
  const size = statSync(srv.db).size;
  const bad = kehu('restore', '--db', srv.db, '--from', file);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /恢复失败/);
  assert.equal(statSync(srv.db).size, size);
  assert.equal((await admin.get('/api/v1/accounts?limit=1')).status, 200);
  assert.equal(kehu('backup', '--db', srv.db).status, 2, '--to is required');
  assert.equal(kehu('restore', '--db', srv.db, '--from', join(srv.dir, 'none')).status, 1);
});

onPostgres('on PostgreSQL kehu backup points to pg_dump', async () => {
  const b = kehu('backup', '--db', srv.db, '--to', join(srv.dir, 'pg-backup'));
  assert.equal(b.status, 1);
  assert.match(b.stderr, /pg_dump/);
});
