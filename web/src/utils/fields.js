// fields.js - what the generic views need to know about field types: which
// fields a form edits, which a list can sort or filter, how a value reads.
import { loc } from '../i18n/index.js';

export const NUMBER_TYPES = new Set(['integer', 'decimal', 'money', 'percent']);
export const TEXT_TYPES = new Set(['text', 'longtext', 'email', 'phone', 'url']);
const NOT_SORTABLE = new Set(['longtext', 'multipicklist', 'image']);
const NOT_FILTERABLE = new Set(['longtext', 'id', 'autonumber_never', 'image']);
export const ADDABLE_TYPES = ['text', 'longtext', 'integer', 'decimal', 'money', 'percent', 'date', 'datetime',
  'boolean', 'picklist', 'multipicklist', 'email', 'phone', 'url', 'link'];

export const isPicklist = f => f.type === 'picklist' || f.type === 'multipicklist';
export const isLink = f => f.type === 'link' || f.type === 'user';
export const isSortable = f => !NOT_SORTABLE.has(f.type);
export const isFilterable = f => !NOT_FILTERABLE.has(f.type) && f.name !== 'version';

// The field that carries a link's display name: account_id -> account_name.
export function companionOf(f) {
  if (f.companion) return f.companion;
  return f.name.endsWith('_id') ? f.name.slice(0, -3) + '_name' : f.name + '_name';
}

// Fields a person types into: not the server's own (id, version, owner,
// created/updated), not computed ones.
export function isEditable(f) {
  if (f.name === 'owner_id') return !f.readonly; // 负责人: transfer (移交) where the server allows it
  return !f.system && !f.readonly && f.type !== 'id' && f.type !== 'autonumber';
}

export function formFields(entity) {
  return entity.fields.filter(isEditable);
}

// Fields by detail group in the group order of the metadata; fields whose
// group is unknown go to the last group.
// Custom fields the server files under a group the layout does not know
// ("custom") get a group of their own at the end.
const EXTRA_GROUPS = { custom: { label_zh: '自定义信息', label_en: 'Custom fields' } };

export function groupFields(entity, fields) {
  const groups = (entity.groups || []).map(g => ({ ...g, fields: [] }));
  const byKey = Object.fromEntries(groups.map(g => [g.key, g]));
  const ownerLast = [...fields.filter(f => f.name !== 'owner_id'), ...fields.filter(f => f.name === 'owner_id')];
  for (const f of ownerLast) {
    // The owner sits with the basic facts, last, not in a group of its own.
    const key = f.name === 'owner_id' && groups.length ? groups[0].key : f.group || 'custom';
    if (!byKey[key]) {
      byKey[key] = { key, ...(EXTRA_GROUPS[key] || { label_zh: key, label_en: key }), fields: [] };
      groups.push(byKey[key]);
    }
    byKey[key].fields.push(f);
  }
  // a group the company arranged (窗体布局) lists its fields in its order;
  // fields it does not list (added since) follow in metadata order
  for (const g of groups) {
    const order = (entity.groups || []).find(x => x.key === g.key)?.fields;
    if (!order) continue;
    const at = f => { const i = order.indexOf(f.name); return i < 0 ? order.length : i; };
    g.fields = g.fields.map((f, i) => [f, i]).sort((a, b) => at(a[0]) - at(b[0]) || a[1] - b[1]).map(x => x[0]);
  }
  return groups.filter(g => g.fields.length > 0);
}

export function optionLabel(f, value) {
  const o = (f.options || []).find(x => x.value === value);
  return o ? loc(o) : value;
}

export function recordTitle(entity, record) {
  if (!record) return '';
  const nf = entity.name_field || 'name';
  return record[nf] || record.name || record.title || record.subject || `#${record.id}`;
}

const pad = n => String(n).padStart(2, '0');

// Today as a date field holds it (2026-12-03), on the user's calendar.
export function todayText() {
  const d = new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

// The month `back` months before this one (2026-12), on the user's calendar:
// not toISOString, whose UTC month is last month for the first hours of a
// Chinese morning.
export function monthText(back = 0) {
  const d = new Date();
  const m = d.getFullYear() * 12 + d.getMonth() - back;
  return `${Math.floor(m / 12)}-${pad((m % 12) + 1)}`;
}

// A new record's value for the field from its metadata "default"
// (undefined: none); "today" on a date is today, as the server takes it.
export function fieldDefault(f) {
  if (f.default === 'today' && f.type === 'date') return todayText();
  return f.default;
}

export function formatDateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatNumber(f, v) {
  if (v === null || v === undefined || v === '') return '';
  const n = Number(v);
  if (Number.isNaN(n)) return String(v);
  const places = f.type === 'integer' ? 0 : f.type === 'decimal' ? (f.scale || 0) : 2;
  const s = n.toLocaleString('zh-CN', { minimumFractionDigits: places, maximumFractionDigits: Math.max(places, f.type === 'decimal' ? 4 : places) });
  if (f.type === 'money') return '¥' + s;
  if (f.type === 'percent') return s + '%';
  return s;
}

// Plain-text form of a value (history, exports of the view, titles).
export function valueText(f, record, t) {
  const v = record[f.name];
  if (isLink(f)) return record[companionOf(f)] || (v ?? '');
  if (v === null || v === undefined || v === '') return '';
  switch (f.type) {
    case 'boolean': return v ? t('common.yes') : t('common.no');
    case 'picklist': return optionLabel(f, v);
    case 'multipicklist': return (Array.isArray(v) ? v : [v]).map(x => optionLabel(f, x)).join('，');
    case 'datetime': return formatDateTime(v);
    default: return NUMBER_TYPES.has(f.type) ? formatNumber(f, v) : String(v);
  }
}

// The list columns of an entity: the metadata layout, plus custom fields so
// an admin's new field shows up at once.
export function defaultColumns(entity) {
  const cols = [...(entity.list_columns || [])];
  for (const f of entity.fields) if (f.custom && !cols.includes(f.name) && f.type !== 'longtext') cols.push(f.name);
  if (cols.length === 0) cols.push(entity.name_field || 'name');
  return cols;
}
