// mail_inbound.test.mjs - 接收邮箱 (issue 16 item 8, docs/mail.md "Inbound
// email"): the server polls an IMAP mailbox (Debian's dovecot-imapd on
// loopback, tests/api/imap_server.py) and makes each new message a 服务工单
// of the sender's customer, or a 销售线索 for a stranger; replies (by
// In-Reply-To / References, or the ticket number in the subject) thread
// onto the ticket as 处理记录 or onto the lead as 行动记录; two server
// processes polling the same mailbox process every message exactly once;
// hostile mail (scripts, huge, odd charsets, broken UTF-8) is text, bounded,
// never a 500; a folder named in Chinese (客服) is polled (its name sent in
// IMAP modified UTF-7).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server, assertError, freePort, filterParam, created, ok } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const PW = 'Pass#2026word';
const BOX = 'service@xingjian.example', BOX_PW = 'Imap#secret';
const srv = new Server(), second = new Server();
let imap, lines, admin, account, contact, imapPort;
const b64 = text => `=?UTF-8?B?${Buffer.from(text).toString('base64')}?=`;
const sleep = ms => new Promise(r => setTimeout(r, ms));
async function until(what, fn, seconds = 30) {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function startImap() {
  imap = spawn(existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3', [join(here, 'imap_server.py'), String(imapPort), BOX, BOX_PW], { stdio: ['pipe', 'pipe', 'inherit'] });
  lines = createInterface({ input: imap.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  assert.equal(first.value, 'ready', 'dovecot started');
}
/* Appends one message (headers and body as given, bytes or text) to the INBOX, or to `folder`; its UID. */
async function deliver(headers, body, folder) {
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n');
  const raw = Buffer.concat([Buffer.from(head + '\r\n\r\n'), Buffer.isBuffer(body) ? body : Buffer.from(body)]);
  imap.stdin.write(JSON.stringify({ raw: raw.toString('base64'), folder }) + '\n');
  return JSON.parse((await lines.next()).value).uid;
}
const mailbox = async () => ok(await admin.get('/api/v1/communications/mailbox'));
const processed = uid => until(`message ${uid}`, async () => (await mailbox()).recent.find(m => m.uid === uid));
const ticketsOf = async accountId => ok(await admin.get(`/api/v1/tickets?limit=100&filter=${filterParam({ field: 'account_id', op: 'eq', value: accountId })}`)).items;

before(async () => {
  imapPort = await freePort();
  await startImap();
  await srv.start({ env: { KEHU_MAIL_POLL_MS: '100', KEHU_IMAP_POLL_SECONDS: '0' } });
  admin = await srv.client();
  account = created(await admin.post('/api/v1/accounts', { name: '常州恒泰精密机械有限公司' }));
  contact = created(await admin.post('/api/v1/contacts', { name: '周凯', account_id: account.id, email: 'Zhoukai@hengtai.example' }));
});
after(async () => {
  await second.stop();
  await srv.stop();
  srv.cleanup();
  if (imap && imap.exitCode === null) { const gone = new Promise(r => imap.on('exit', r)); imap.stdin.end(); await gone; }
});

test('mailbox settings: administrators only, the password never answered, bad values refused', async () => {
  const fresh = await mailbox();
  assert.equal(fresh.enabled, false);
  assert.equal(fresh.folder, 'INBOX');
  assertError(assert, await admin.req('PUT', '/api/v1/communications/mailbox', { body: { tls_mode: 'maybe', folder: 'INBOX"\r\nA1 DELETE x', creates: 'order', imap_host: 'a/b', imap_port: 0, queue_id: 999999, hack: 1 } }), 422, 'validation_failed');
  const r = await admin.req('PUT', '/api/v1/communications/mailbox', { body: { folder: 'INBOX"' } });
  assertError(assert, r, 422, 'validation_failed');
  assert.ok(r.json.error.fields.folder, r.text);
  const s = ok(await admin.req('PUT', '/api/v1/communications/mailbox', { body: {
    imap_host: '127.0.0.1', imap_port: imapPort, tls_mode: 'none', username: BOX, password: BOX_PW, creates: 'ticket', enabled: true } }));
  assert.equal(s.password_set, true);
  assert.ok(!JSON.stringify(s).includes(BOX_PW));
  created(await admin.post('/api/v1/users', { username: 'kefu', name: '客服专员', password: PW }));
  const plain = await srv.client('kefu', PW);
  assertError(assert, await plain.get('/api/v1/communications/mailbox'), 403, 'forbidden');
  assertError(assert, await plain.req('PUT', '/api/v1/communications/mailbox', { body: { enabled: false } }), 403, 'forbidden');
});

test('a customer\'s mail becomes a ticket; replies thread onto it by In-Reply-To and by its number', async () => {
  const uid = await deliver({ From: `${b64('周凯')} <zhoukai@HENGTAI.example>`, To: BOX, Subject: b64('数控车床报警'), 'Message-ID': '<first-1@hengtai.example>', 'Content-Type': 'text/plain; charset=UTF-8' },
    '我们的数控车床报警 E-21，请尽快派人检修。\r\n<b>不是粗体</b>');
  const m = await processed(uid);
  assert.equal(m.outcome, 'created');
  assert.equal(m.entity, 'tickets');
  const t = ok(await admin.get(`/api/v1/tickets/${m.record_id}`));
  assert.equal(t.subject, '数控车床报警');
  assert.equal(t.account_id, account.id);
  assert.equal(t.contact_id, contact.id);
  assert.equal(t.channel, 'email');
  assert.ok(t.description.includes('<b>不是粗体</b>'), 'markup of a text mail stays text');
  assert.match(t.code, /^FW-\d+$/, 'numbered as any ticket');
  // a reply naming the first message, and one naming the ticket number only
  const r1 = await deliver({ From: 'zhoukai@hengtai.example', Subject: 'Re: 数控车床报警', 'Message-ID': '<reply-1@hengtai.example>', 'In-Reply-To': '<first-1@hengtai.example>' }, '师傅几点到？');
  const r2 = await deliver({ From: 'zhoukai@hengtai.example', Subject: `回复：${t.code} 已修好`, 'Message-ID': '<reply-2@hengtai.example>' }, '已经修好了，谢谢。');
  // a reply to the reply threads too (References carries the chain)
  const r3 = await deliver({ From: 'zhoukai@hengtai.example', Subject: 'Re: Re:', 'Message-ID': '<reply-3@hengtai.example>', References: '<unknown@x> <reply-1@hengtai.example>' }, '补充：报警又出现一次。');
  for (const u of [r1, r2, r3]) {
    const done = await processed(u);
    assert.equal(done.outcome, 'threaded');
    assert.equal(done.record_id, t.id);
  }
  const after = ok(await admin.get(`/api/v1/tickets/${t.id}`));
  assert.equal(after.notes.length, 3);
  assert.deepEqual(after.notes.map(n => n.kind), ['reply', 'reply', 'reply']);
  assert.ok(after.notes[0].content.includes('师傅几点到'));
  assert.ok(after.notes[2].content.includes('报警又出现一次'));
  assert.equal((await ticketsOf(account.id)).length, 1, 'replies made no new ticket');
});

test('a stranger\'s mail becomes a lead, and the reply an activity on it', async () => {
  const uid = await deliver({ From: '"王经理" <wang@newbuyer.example>', Subject: '询价：五轴加工中心', 'Message-ID': '<ask-1@newbuyer.example>' }, '请报五轴加工中心的价格。');
  const m = await processed(uid);
  assert.equal(m.entity, 'leads');
  const lead = ok(await admin.get(`/api/v1/leads/${m.record_id}`));
  assert.equal(lead.name, '王经理');
  assert.equal(lead.email, 'wang@newbuyer.example');
  assert.ok(lead.description.includes('五轴加工中心的价格'));
  const r = await processed(await deliver({ From: 'wang@newbuyer.example', Subject: 'Re: 询价', 'In-Reply-To': '<ask-1@newbuyer.example>', 'Message-ID': '<ask-2@newbuyer.example>' }, '数量 3 台。'));
  assert.equal(r.outcome, 'threaded');
  assert.equal(r.entity, 'leads');
  const acts = ok(await admin.get(`/api/v1/leads/${lead.id}/related/activities`)).items;
  assert.equal(acts.length, 1);
  assert.equal(acts[0].kind, 'email');
});

test('hostile mail: scripts are text, huge mail is bounded, odd charsets and broken UTF-8 are no 500', async () => {
  const html = await processed(await deliver({ From: 'zhoukai@hengtai.example', Subject: '<script>alert(1)</script>', 'Content-Type': 'text/html; charset=UTF-8', 'Message-ID': '<h-1@x>' },
    '<html><head><style>p{color:red}</style><script>fetch("/api/v1/users")</script></head><body><p>设备&lt;异常&gt;</p><img src=x onerror=alert(2)></body></html>'));
  const t = ok(await admin.get(`/api/v1/tickets/${html.record_id}`));
  assert.equal(t.subject, '<script>alert(1)</script>', 'a subject is text as typed');
  assert.ok(!t.description.includes('<script') && !t.description.includes('fetch(') && !t.description.includes('onerror'), t.description);
  assert.ok(t.description.includes('设备<异常>'), t.description);
  const huge = await processed(await deliver({ From: 'zhoukai@hengtai.example', Subject: '大附件', 'Message-ID': '<huge@x>' }, '长'.repeat(1024 * 1024)));
  const h = ok(await admin.get(`/api/v1/tickets/${huge.record_id}`));
  assert.ok([...h.description].length <= 20000, 'bounded by the field');
  assert.match(h.description, /只收取了开头部分/);
  const gbk = Buffer.from([0xc4, 0xe3, 0xba, 0xc3]); // 你好 in GB18030
  const odd = await processed(await deliver({ From: 'zhoukai@hengtai.example', Subject: '=?GB2312?B?xOO6ww==?= =?x-unknown?Q?a=FFb?=', 'Content-Type': 'multipart/mixed; boundary="b1"', 'Message-ID': '<odd@x>' },
    Buffer.concat([Buffer.from('--b1\r\nContent-Type: text/plain; charset=gb18030\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'), gbk, Buffer.from([0xff, 0xfe, 0x00]),
      Buffer.from('\r\n--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="x.exe"\r\n\r\nMZ\x00\x01\r\n--b1--\r\n')])));
  const o = ok(await admin.get(`/api/v1/tickets/${odd.record_id}`));
  assert.ok(o.subject.startsWith('你好'), o.subject);
  assert.ok(o.description.startsWith('你好'), o.description);
  assert.ok(!o.description.includes('MZ'), 'attachments are not the text');
  const broken = await processed(await deliver({ From: 'zhoukai@hengtai.example', Subject: Buffer.from([0xe4, 0xbd]).toString('latin1'), 'Content-Transfer-Encoding': 'base64', 'Message-ID': '<broken@x>' }, '!!!not base64 at all\x00'));
  assert.equal(broken.outcome, 'created');
  ok(await admin.get(`/api/v1/tickets/${broken.record_id}`));
});

test('two server processes poll the same mailbox: every message is processed exactly once', async () => {
  await second.start({ db: srv.db, dir: srv.dir, env: { KEHU_MAIL_POLL_MS: '50', KEHU_IMAP_POLL_SECONDS: '0' } });
  const before = (await ticketsOf(account.id)).length;
  const uids = [];
  for (let i = 0; i < 20; i++) uids.push(await deliver({ From: 'zhoukai@hengtai.example', Subject: `批量报修 ${i}`, 'Message-ID': `<bulk-${i}@hengtai.example>` }, `第 ${i} 台设备故障`));
  // the last UID can be recorded by one process while the other still commits an earlier message:
  // wait for the last UID and for every ticket, then count (a message made twice would show here)
  await until('all processed', async () => (await mailbox()).last_uid >= uids.at(-1) &&
    (await ticketsOf(account.id)).length >= before + 20);
  const tickets = await ticketsOf(account.id);
  assert.equal(tickets.length, before + 20);
  assert.equal(new Set(tickets.map(t => t.subject)).size, tickets.length, 'no message made twice');
  const all = ok(await admin.get(`/api/v1/tickets?limit=200&filter=${filterParam({ field: 'subject', op: 'contains', value: '批量报修' })}`)).items;
  assert.equal(all.length, 20);
});

test('a folder named in Chinese is polled: 客服 goes to the server as &W6JnDQ-', async () => {
  for (const folder of ['客服"', 'a%20b', 'x\ty', '客'.repeat(101), ''])
    assert.ok((await admin.req('PUT', '/api/v1/communications/mailbox', { body: { folder } })).json.error.fields.folder, folder);
  // the message waits in 客服 (made by the IMAP helper with Python's own UTF-7 codec), none in INBOX
  const uid = await deliver({ From: 'zhoukai@hengtai.example', Subject: '客服文件夹的来信', 'Message-ID': '<cn-folder-1@hengtai.example>' },
    '这封信在「客服」文件夹里。', '客服');
  const s = ok(await admin.req('PUT', '/api/v1/communications/mailbox', { body: { folder: '客服' } }));
  assert.equal(s.folder, '客服');
  const m = await until('the 客服 message', async () => (await mailbox()).recent.find(r => r.subject === '客服文件夹的来信'));
  assert.equal(m.uid, uid);
  assert.equal(m.outcome, 'created');
  const t = ok(await admin.get(`/api/v1/tickets/${m.record_id}`));
  assert.equal(t.account_id, account.id);
  assert.ok(t.description.includes('「客服」文件夹'));
  const box = await mailbox();
  assert.equal(box.last_error || '', '', 'the server knew the folder');
  assert.equal(box.last_uid, uid, 'the UIDs of 客服, not of the INBOX');
});
