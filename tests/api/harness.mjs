// harness.mjs - starts a real `kehu serve` on a fresh database (SQLite file,
// or a new PostgreSQL database when KEHU_TEST_DB=postgres) and gives tests a
// small HTTP client. Every test file gets its own server and database.
//
// The harness also guards the run, in one place for every file:
// - each server started here is stopped after the file's tests, passed or
//   failed, so a failed assertion never leaves a server keeping the run alive;
// - a server that exits non-zero when stopped with SIGTERM, dies on its own,
//   or prints a sanitizer report (ASan, LSan, UBSan) fails the file;
// - a file that runs longer than KEHU_TEST_FILE_TIMEOUT seconds (default
//   600) is ended with a message and a failure instead of hanging the run.
//
// KEHU_TEST_NODES=3 runs every file against a cluster instead: that many
// `kehu serve` processes on the one database behind Debian's nginx,
// round-robin, as docs/deploy.md describes (each request may reach another
// node, so whatever one node writes must be seen at once by the others).
import nodeAssert from 'node:assert/strict';
import { after } from 'node:test';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const KEHU_BIN = process.env.KEHU_BIN || resolve(here, '../../build/kehu');
export const ADMIN_PASSWORD = 'Admin#2026pass';
export const BACKEND = process.env.KEHU_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';

export async function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
    s.on('error', fail);
  });
}

let dbCounter = 0;
const pgDatabases = []; // made by this file, dropped when it ends (~19 MB each)
// A database URL of a new, empty database on the chosen backend.
// migrated: a copy of KEHU_TEST_PG_TEMPLATE when set, a database `kehu
// migrate` made once for the run (scripts/check.sh), so a server's start
// skips its migrations: the same schema, seconds sooner on PostgreSQL.
export function newDatabase(dir, { migrated = false } = {}) {
  if (BACKEND === 'sqlite') return join(dir, 'kehu.db');
  const base = process.env.KEHU_TEST_PG_URL;
  if (!base) throw new Error('KEHU_TEST_PG_URL is required for KEHU_TEST_DB=postgres');
  const name = `kehu_t_${process.pid}_${Date.now()}_${dbCounter++}`;
  const tpl = migrated ? process.env.KEHU_TEST_PG_TEMPLATE : '';
  if (tpl && !/^[a-z_][a-z0-9_]*$/.test(tpl)) throw new Error(`KEHU_TEST_PG_TEMPLATE is not a database name: ${tpl}`);
  const template = tpl ? ` TEMPLATE ${tpl}` : '';
  execFileSync('psql', [base, '-qAt', '-c', `CREATE DATABASE ${name}${template}`], { stdio: 'pipe' });
  pgDatabases.push(name);
  return base.replace(/\/[^/?]*(\?.*)?$/, `/${name}`);
}

function dropDatabases() {
  for (const name of pgDatabases.splice(0))
    execFileSync('psql', [process.env.KEHU_TEST_PG_URL, '-qAt', '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`], { stdio: 'pipe' });
}

// What in a server's output means the sanitizers found something.
export const SANITIZER_REPORT =
  /ERROR: (AddressSanitizer|LeakSanitizer)|UndefinedBehaviorSanitizer|runtime error:|SUMMARY: \w+Sanitizer/;

const started = new Set(); // every Server this file started

// Why a stopped server's end is wrong, or null when it is fine: SIGTERM
// (or no stop at all) must end in exit code 0; a deliberate SIGKILL may end
// any way; a sanitizer report is wrong in every case.
export function serverProblem(srv, { code, signal }) {
  const report = srv.log.match(SANITIZER_REPORT);
  if (report) return `sanitizer report in the server's output (${report[0]})`;
  if (srv.stopSignal === 'SIGKILL' || srv.expectFailure) return null;
  if (code !== 0) return `exit code ${code}${signal ? `, signal ${signal}` : ''}`;
  return null;
}

after(async () => {
  const problems = [];
  for (const srv of started) {
    const end = await srv.stop(srv.stopSignal || 'SIGTERM');
    const problem = serverProblem(srv, end);
    if (problem) problems.push(`kehu on ${srv.base} (${srv.db}): ${problem}\n${srv.log.slice(-6000)}`);
    srv.cleanup();
  }
  dropDatabases();
  if (problems.length) throw new Error(`server ended badly:\n${problems.join('\n')}`);
}, { timeout: 60_000 });

// Never leave a server behind, whatever way this process ends.
process.on('exit', () => { for (const srv of started) if (srv.proc?.exitCode === null) srv.proc.kill('SIGKILL'); });

const FILE_TIMEOUT_S = Number(process.env.KEHU_TEST_FILE_TIMEOUT || 600);
const START_TIMEOUT_S = Number(process.env.KEHU_TEST_START_TIMEOUT || 90);
setTimeout(() => {
  console.error(`test file ran longer than ${FILE_TIMEOUT_S} s (KEHU_TEST_FILE_TIMEOUT): stopped`);
  for (const srv of started) console.error(`--- kehu on ${srv.base}:\n${srv.log.slice(-3000)}`);
  process.exit(1);
}, FILE_TIMEOUT_S * 1000).unref();

class Node {
  constructor() { this.proc = null; this.log = ''; this.stopSignal = null; this.expectFailure = false; }

  // One SQL statement on the server's database, beside the server (to age a
  // database, or to see what no endpoint shows): its output, trimmed.
  sql(stmt) {
    const out = BACKEND === 'sqlite' ? execFileSync('sqlite3', [this.db, stmt]) : execFileSync('psql', [this.db, '-qAt', '-c', stmt]);
    return String(out).trim();
  }

  // adminPassword: null starts without --admin-password (a first start then
  // prints a generated one); expectFailure: a server meant to exit non-zero.
  async start({ db, dir, args = [], env = {}, adminPassword = ADMIN_PASSWORD, expectFailure = false } = {}) {
    this.dir = dir || mkdtempSync(join(tmpdir(), 'kehu-api-'));
    this.db = db || newDatabase(this.dir, { migrated: true });
    this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    this.expectFailure = expectFailure;
    const pw = adminPassword === null ? [] : ['--admin-password', adminPassword];
    const childEnv = { ...process.env, KEHU_PWHASH_FAST: '1', ...env };
    if (adminPassword === null) delete childEnv.KEHU_ADMIN_PASSWORD;
    this.proc = spawn(KEHU_BIN, ['serve', '--db', this.db, '--listen', `127.0.0.1:${this.port}`,
      ...pw, '--threads', '2', ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    started.add(this);
    this.proc.stdout.on('data', d => { this.log += d; });
    this.proc.stderr.on('data', d => { this.log += d; });
    this.exited = new Promise(ok => this.proc.on('exit', (code, signal) => ok({ code, signal })));
    // Waits on the process, not a count of tries: under ASan on a busy
    // machine --demo takes many seconds before it serves.
    const deadline = Date.now() + START_TIMEOUT_S * 1000;
    while (Date.now() < deadline) {
      try {
        const r = await fetch(`${this.base}/api/v1/openapi.json`);
        if (r.ok) return this;
      } catch { /* not up yet */ }
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) break;
      await new Promise(r => setTimeout(r, 50));
    }
    throw new Error(`kehu did not start within ${START_TIMEOUT_S} s or exited:\n${this.log}`);
  }

  // Stops with SIGTERM and waits; returns {code, signal}. The harness checks
  // the end after the file's tests (serverProblem).
  async stop(signal = 'SIGTERM') {
    if (!this.proc) return { code: 0, signal: null };
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return this.exited;
    this.stopSignal = signal;
    this.proc.kill(signal);
    return this.exited;
  }

  cleanup() {
    if (BACKEND === 'sqlite' && this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  async request(method, path, { body, headers = {}, raw } = {}) {
    const init = { method, headers: { ...headers } };
    if (raw !== undefined) init.body = raw;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
    let res;
    try {
      res = await fetch(this.base + path, init);
    } catch (e) {
      // A kept-alive connection the server closed when idle (30 s) while
      // this process was blocked (execFileSync: addUser, sql) is only seen
      // as closed when written to: the request never reached the server,
      // so it goes again on a new connection.
      if (!['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE'].includes(e?.cause?.code)) throw e;
      res = await fetch(this.base + path, init);
    }
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    return { status: res.status, headers: res.headers, json, text };
  }

  // A client signed in with a Bearer token (no CSRF needed).
  async client(username = 'admin', password = ADMIN_PASSWORD) {
    const login = await this.request('POST', '/api/v1/session', { body: { username, password } });
    if (login.status !== 200) throw new Error(`login ${username}: ${login.status} ${login.text}`);
    const cookie = login.headers.get('set-cookie').split(';')[0];
    const tok = await this.request('POST', '/api/v1/tokens', {
      body: { label: 'test' }, headers: { Cookie: cookie, 'X-CSRF-Token': login.json.csrf_token } });
    if (tok.status !== 201) throw new Error(`token: ${tok.status} ${tok.text}`);
    const auth = { Authorization: `Bearer ${tok.json.token}` };
    const srv = this;
    return {
      user: login.json.user,
      token: tok.json.token,
      req: (method, path, opts = {}) =>
        srv.request(method, path, { ...opts, headers: { ...auth, ...(opts.headers || {}) } }),
      get: (path, opts) => srv.request('GET', path, { ...opts, headers: { ...auth, ...(opts?.headers || {}) } }),
      post: (path, body, opts = {}) => srv.request('POST', path, { ...opts, body, headers: { ...auth, ...(opts.headers || {}) } }),
      patch: (path, body, opts = {}) => srv.request('PATCH', path, { ...opts, body, headers: { ...auth, ...(opts.headers || {}) } }),
      del: (path, opts = {}) => srv.request('DELETE', path, { ...opts, headers: { ...auth, ...(opts.headers || {}) } }),
    };
  }

  // Creates a non-admin user through the command line, as an operator would.
  addUser(username, password, { admin = false, name } = {}) {
    const args = ['user', 'add', username, '--db', this.db, '--password', password];
    if (name) args.push('--name', name);
    if (admin) args.push('--admin');
    execFileSync(KEHU_BIN, args, { env: { ...process.env, KEHU_PWHASH_FAST: '1' }, stdio: 'pipe' });
  }
}

// The documented error body: {"error":{"code","message",...}}.
export function assertError(assert, res, status, code) {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text}`);
  assert.ok(res.json && res.json.error, `error body missing: ${res.text}`);
  assert.equal(typeof res.json.error.message, 'string');
  assert.ok(res.json.error.message.length > 0);
  if (code) assert.equal(res.json.error.code, code, res.text);
}

// The body of a 200 or 201 answer, failing the test on any other status.
export const ok = r => { nodeAssert.equal(r.status, 200, r.text); return r.json; };
export const created = r => { nodeAssert.equal(r.status, 201, r.text); return r.json; };

export const filterParam = f => encodeURIComponent(JSON.stringify(f));

const NODES = Number(process.env.KEHU_TEST_NODES || 1);
const NGINX = process.env.KEHU_TEST_NGINX || '/usr/sbin/nginx';

// Several nodes on one database behind nginx. The first node starts alone
// (it migrates, and seeds --demo data); the others follow without --demo.
// `proc`, `log` and `stop` answer for the first node; `nodes` are all.
class Cluster extends Node {
  async start(opts = {}) {
    if (opts.expectFailure) return super.start(opts); // a start meant to fail: one process says it
    this.dir = opts.dir || mkdtempSync(join(tmpdir(), 'kehu-cluster-'));
    this.db = opts.db || newDatabase(this.dir, { migrated: true });
    const args = [...(opts.args || []), '--trusted-proxy', '127.0.0.1', '--max-per-ip', '0'];
    this.nodes = [];
    for (let i = 0; i < NODES; i++) {
      const node = new Node();
      await node.start({ ...opts, db: this.db, dir: this.dir, args: i ? args.filter(a => a !== '--demo') : args });
      this.nodes.push(node);
    }
    this.proc = this.nodes[0].proc;
    this.exited = this.nodes[0].exited;
    this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    await this.startNginx();
    return this;
  }

  get log() { return (this.nodes || []).map((n, i) => `--- node ${i + 1}:\n${n.log}`).join('\n'); }
  set log(v) { /* Node's constructor sets it; the nodes keep their own */ }

  async startNginx() {
    const d = join(this.dir, `nginx-${this.port}`);
    mkdirSync(d, { recursive: true });
    const asRoot = process.getuid && process.getuid() === 0 ? 'user root;' : '';
    writeFileSync(join(d, 'nginx.conf'), `${asRoot}
daemon off; worker_processes 1; pid ${d}/nginx.pid; error_log ${d}/error.log warn;
events { worker_connections 2048; }
http {
  access_log off;
  client_body_temp_path ${d}/body; proxy_temp_path ${d}/proxy; fastcgi_temp_path ${d}/fcgi;
  uwsgi_temp_path ${d}/uwsgi; scgi_temp_path ${d}/scgi;
  upstream kehu { ${this.nodes.map(n => `server 127.0.0.1:${n.port};`).join(' ')} keepalive 16; }
  server {
    listen 127.0.0.1:${this.port};
    client_max_body_size 80m; large_client_header_buffers 4 32k;
    location / {
      proxy_pass http://kehu; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_set_header Host $host; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_read_timeout 600s; proxy_buffering off; proxy_request_buffering off;
    }
  }
}
`);
    // Unreferenced, and without pipes: a file whose tests leave the stop to
    // the harness must still end (the exit handler below kills it).
    this.nginx = spawn(NGINX, ['-p', d, '-c', join(d, 'nginx.conf')], { stdio: 'ignore' });
    this.nginx.unref();
    nginxes.add(this.nginx);
    const err = () => { try { return readFileSync(join(d, 'error.log'), 'utf8'); } catch { return ''; } };
    for (let i = 0; i < 200; i++) {
      try { if ((await fetch(`${this.base}/api/v1/openapi.json`)).ok) return; } catch { /* not up */ }
      if (this.nginx.exitCode !== null) break;
      await new Promise(r => setTimeout(r, 50));
    }
    throw new Error(`nginx did not start: ${err()}`);
  }

  async stop(signal = 'SIGTERM') {
    if (this.nginx && this.nginx.exitCode === null) {
      const gone = new Promise(ok => this.nginx.on('exit', ok));
      this.nginx.kill('SIGQUIT');
      await gone;
    }
    if (!this.nodes) return super.stop(signal);
    const ends = await Promise.all(this.nodes.map(n => n.stop(signal)));
    return ends[0];
  }

  addUser(...a) { return Node.prototype.addUser.apply(this, a); }
}

const nginxes = new Set();
process.on('exit', () => { for (const n of nginxes) if (n.exitCode === null) n.kill('SIGKILL'); });

export const Server = NODES > 1 ? Cluster : Node;

// ---- teaching (docs/teaching.md): the set-up the teaching files share ----

export const TEACH_PASSWORD = 'Pass#2026word';
const expect = (res, status, what) => {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${res.text}`);
  return res.json;
};

// Users the platform administrator makes teachers: [[username, name], ...]
// -> {username: signed-in client}.
export async function makeTeachers(srv, platform, teachers, password = TEACH_PASSWORD) {
  const out = {};
  for (const [username, name] of teachers) {
    const u = expect(await platform.post('/api/v1/users', { username, name, password }), 201, `user ${username}`);
    expect(await platform.req('PUT', `/api/v1/teachers/${u.id}`), 204, `teacher ${username}`);
    out[username] = await srv.client(username, password);
  }
  return out;
}

// A student's first sign-in: the printed password opens nothing but the
// session routes (checked), and is changed to `password`; then a
// signed-in client.
export async function firstSignIn(srv, no, first, password = TEACH_PASSWORD) {
  const login = await srv.request('POST', '/api/v1/session', { body: { username: no, password: first } });
  expect(login, 200, `sign-in ${no}`);
  if (login.json.user.must_change_password !== true) throw new Error(`${no}: a first password must be changed`);
  const h = { Cookie: login.headers.get('set-cookie').split(';')[0], 'X-CSRF-Token': login.json.csrf_token };
  for (const [method, path] of [['GET', '/api/v1/accounts'], ['POST', '/api/v1/tokens']]) {
    const r = await srv.request(method, path, { body: method === 'POST' ? {} : undefined, headers: h });
    if (r.status !== 403 || r.json?.error?.code !== 'password_change_required')
      throw new Error(`${no}: ${method} ${path} before the change answered ${r.status} ${r.text}`);
  }
  expect(await srv.request('POST', '/api/v1/session/password',
    { body: { old_password: first, new_password: password }, headers: h }), 204, `password ${no}`);
  const me = await srv.client(no, password);
  if (me.user.must_change_password !== false) throw new Error(`${no}: still asked to change the password`);
  return me;
}

// Imports a roster (CSV text: 学号,姓名[,小组]) into the class and signs each
// new student in: {answer (the import's), students: {学号: {client,
// company_id, password (the first one)}}}.
export async function importRoster(srv, teacher, classId, roster, { signIn = true } = {}) {
  const answer = expect(await teacher.req('POST', `/api/v1/classes/${classId}/students/import`,
    { raw: roster, headers: { 'Content-Type': 'text/csv; charset=utf-8' } }), 201, 'roster');
  const students = {};
  for (const s of answer.students)
    students[s.student_no] = { company_id: s.company_id, password: s.password,
      client: signIn ? await firstSignIn(srv, s.student_no, s.password) : null };
  return { answer, students };
}

// A class of the teacher (a client) with its roster imported and every
// student signed in: {klass, answer, students} (importRoster's).
export async function makeClass(srv, teacher, { name, mode, roster, signIn = true } = {}) {
  const klass = expect(await teacher.post('/api/v1/classes', mode ? { name, mode } : { name }), 201, `class ${name}`);
  return { klass, ...(await importRoster(srv, teacher, klass.id, roster, { signIn })) };
}

// An ISO time s seconds from now, to the second (assignments' windows).
export const isoFromNow = s => new Date(Date.now() + s * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
