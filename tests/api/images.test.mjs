// images.test.mjs - 产品图片: an image field (type "image") shows one of the
// record's own attachments, and only a real PNG, JPEG, GIF or WebP: the
// bytes are read, not the type the uploader claimed, so an SVG, an HTML
// page named .png or another record's file is refused; the picture is
// served inline with nosniff; deleting the file empties the field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError } from './harness.mjs';

const srv = new Server();
let admin, product, other;

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5b1c6a70000000049454e44ae426082', 'hex');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x1a, 0, 0, 0]), Buffer.from('WEBPVP8L'), Buffer.alloc(14)]);
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>';

const upload = async (record, name, body, type) => {
  const r = await admin.req('POST', `/api/v1/products/${record.id}/attachments?name=${encodeURIComponent(name)}`,
    { raw: body, headers: { 'Content-Type': type } });
  assert.equal(r.status, 201, r.text);
  return r.json;
};
const setImage = (record, image) => admin.patch(`/api/v1/products/${record.id}`, { image });

before(async () => {
  await srv.start();
  admin = await srv.client();
  product = (await admin.post('/api/v1/products', { name: '商务笔记本电脑', price: 9999 })).json;
  other = (await admin.post('/api/v1/products', { name: '27英寸显示器', price: 2199 })).json;
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('the metadata says image; a PNG of the record becomes its picture and is served inline, nosniff', async () => {
  const m = (await admin.get('/api/v1/metadata')).json.entities.find(x => x.name === 'products');
  assert.equal(m.fields.find(f => f.name === 'image').type, 'image');
  assert.equal(m.list_columns[0], 'image');
  const png = await upload(product, '笔记本正面.png', PNG, 'image/png');
  const r = await setImage(product, png.id);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.image, png.id);
  const res = await fetch(`${srv.base}/api/v1/attachments/${png.id}?inline=1`, { headers: { Authorization: `Bearer ${admin.token}` } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/png');
  assert.equal(res.headers.get('content-disposition'), 'inline');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), PNG);
  const list = (await admin.get('/api/v1/products?fields=name,image')).json.items;
  assert.equal(list.find(p => p.id === product.id).image, png.id);
});

test('JPEG, GIF and WebP are pictures too', async () => {
  for (const [name, bytes, type] of [['a.jpg', JPEG, 'image/jpeg'], ['a.gif', GIF, 'image/gif'], ['a.webp', WEBP, 'image/webp']]) {
    const a = await upload(product, name, bytes, type);
    const r = await setImage(product, a.id);
    assert.equal(r.status, 200, `${name}: ${r.text}`);
  }
});

test('an SVG, an HTML page that claims to be a PNG, a PDF, a PNG declared as text: refused', async () => {
  const cases = [
    ['logo.svg', SVG, 'image/svg+xml'],
    ['fake.png', '<html><script>alert(1)</script></html>', 'image/png'],
    ['spec.pdf', Buffer.from('%PDF-1.4\n'), 'application/pdf'],
    ['real.png', PNG, 'text/plain'], // served as text, so it could never show inline
  ];
  const before = (await admin.get(`/api/v1/products/${product.id}`)).json.image;
  for (const [name, body, type] of cases) {
    const a = await upload(product, name, body, type);
    const r = await setImage(product, a.id);
    assertError(assert, r, 422, 'validation_failed');
    assert.equal(r.json.error.fields.image, 'not_image', name);
    assert.match(r.json.error.message, /产品图片.*只接受 PNG、JPEG、GIF 或 WebP 图片/);
  }
  assert.equal((await admin.get(`/api/v1/products/${product.id}`)).json.image, before, 'nothing changed');
});

test('another record\'s file, a missing one, a wrong value, and a picture on a new record are refused', async () => {
  const theirs = await upload(other, '显示器.png', PNG, 'image/png');
  let r = await setImage(product, theirs.id);
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields.image, 'not_found');
  r = await setImage(product, 999999999);
  assert.equal(r.json.error.fields.image, 'not_found');
  r = await setImage(product, 'logo.png');
  assertError(assert, r, 422, 'validation_failed');
  r = await admin.post('/api/v1/products', { name: '新产品', image: theirs.id });
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields.image, 'not_found');
});

test('deleting the file empties the picture; null clears it', async () => {
  const a = await upload(other, '显示器正面.png', PNG, 'image/png');
  const set = await admin.patch(`/api/v1/products/${other.id}`, { image: a.id });
  assert.equal(set.status, 200, set.text);
  assert.equal((await admin.del(`/api/v1/attachments/${a.id}`)).status, 204);
  assert.equal((await admin.get(`/api/v1/products/${other.id}`)).json.image, null);
  const b = await upload(other, '显示器背面.png', PNG, 'image/png');
  assert.equal((await admin.patch(`/api/v1/products/${other.id}`, { image: b.id })).json.image, b.id);
  assert.equal((await admin.patch(`/api/v1/products/${other.id}`, { image: null })).json.image, null);
});
