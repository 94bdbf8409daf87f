// harness.mjs - starts a real `kehu serve` on a fresh database (SQLite file,
// or a new PostgreSQL database when KEHU_TEST_DB=postgres) and gives tests a
// small HTTP client. Every test file gets its own server and database.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
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
// A database URL of a new, empty database on the chosen backend.
export function newDatabase(dir) {
  if (BACKEND === 'sqlite') return join(dir, 'kehu.db');
  const base = process.env.KEHU_TEST_PG_URL;
  if (!base) throw new Error('KEHU_TEST_PG_URL is required for KEHU_TEST_DB=postgres');
  const name = `kehu_t_${process.pid}_${Date.now()}_${dbCounter++}`;
  execFileSync('psql', [base, '-qAt', '-c', `CREATE DATABASE ${name}`], { stdio: 'pipe' });
  return base.replace(/\/[^/?]*(\?.*)?$/, `/${name}`);
}

export class Server {
  constructor() { this.proc = null; this.log = ''; }

  async start({ db, dir, args = [], env = {} } = {}) {
    this.dir = dir || mkdtempSync(join(tmpdir(), 'kehu-api-'));
    this.db = db || newDatabase(this.dir);
    this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    this.proc = spawn(KEHU_BIN, ['serve', '--db', this.db, '--listen', `127.0.0.1:${this.port}`,
      '--admin-password', ADMIN_PASSWORD, '--threads', '2', ...args], {
      env: { ...process.env, KEHU_PWHASH_FAST: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout.on('data', d => { this.log += d; });
    this.proc.stderr.on('data', d => { this.log += d; });
    this.exited = new Promise(ok => this.proc.on('exit', (code, signal) => ok({ code, signal })));
    for (let i = 0; i < 200; i++) {
      try {
        const r = await fetch(`${this.base}/api/v1/openapi.json`);
        if (r.ok) return this;
      } catch { /* not up yet */ }
      if (this.proc.exitCode !== null) break;
      await new Promise(r => setTimeout(r, 50));
    }
    throw new Error(`kehu did not start:\n${this.log}`);
  }

  // Stops with SIGTERM and waits; returns {code, signal}.
  async stop(signal = 'SIGTERM') {
    if (!this.proc || this.proc.exitCode !== null) return this.exited;
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
    const res = await fetch(this.base + path, init);
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

export const filterParam = f => encodeURIComponent(JSON.stringify(f));
