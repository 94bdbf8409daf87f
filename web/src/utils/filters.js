// filters.js - turns the advanced-search form into the API's filter JSON
// ({"and":[{"field","op","value"}]}), one rule per field type.
import { NUMBER_TYPES, TEXT_TYPES, formatNumber, optionLabel } from './fields.js';
import { loc } from '../i18n/index.js';

function nextDay(ymd) {
  const d = new Date(ymd + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

const filled = v => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0);

// values: {fieldName: formValue}; userId: for the "mine" choice of user fields.
export function buildFilter(entity, values, userId) {
  const and = [];
  for (const f of entity.fields) {
    const v = values[f.name];
    if (!filled(v)) continue;
    if (TEXT_TYPES.has(f.type) || f.type === 'autonumber') {
      and.push({ field: f.name, op: 'contains', value: String(v).trim() });
    } else if (f.type === 'picklist' || f.type === 'multipicklist') {
      and.push({ field: f.name, op: 'in', value: v });
    } else if (f.type === 'boolean') {
      and.push({ field: f.name, op: 'eq', value: v === 'true' });
    } else if (NUMBER_TYPES.has(f.type)) {
      if (filled(v[0])) and.push({ field: f.name, op: 'gte', value: v[0] });
      if (filled(v[1])) and.push({ field: f.name, op: 'lte', value: v[1] });
    } else if (f.type === 'date' && Array.isArray(v)) {
      and.push({ field: f.name, op: 'gte', value: v[0] }, { field: f.name, op: 'lte', value: v[1] });
    } else if (f.type === 'datetime' && Array.isArray(v)) {
      // A date given for a datetime means midnight China time: the range
      // ends before the day after its last day.
      and.push({ field: f.name, op: 'gte', value: v[0] }, { field: f.name, op: 'lt', value: nextDay(v[1]) });
    } else if (f.type === 'link') {
      and.push({ field: f.name, op: 'eq', value: Number(v) });
    } else if (f.type === 'user') {
      if (v === 'me' && userId) and.push({ field: f.name, op: 'eq', value: userId });
      else if (v !== 'me') and.push({ field: f.name, op: 'eq', value: Number(v) });
    }
  }
  return and.length ? { and } : null;
}

export function emptyValue(f) {
  if (NUMBER_TYPES.has(f.type)) return [null, null];
  if (f.type === 'picklist' || f.type === 'multipicklist') return [];
  return null;
}

export function countActive(values) {
  return Object.values(values).filter(v => filled(v) && !(Array.isArray(v) && v.every(x => !filled(x)))).length;
}

function prevDay(ymd) {
  const d = new Date(ymd + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

// The advanced-search form that buildFilter turns into `filter`, to edit a
// stored filter in the same form; null when the filter is not one the form
// makes (another operator, an "or"): the caller keeps it as it is.
export function filterValues(entity, filter) {
  if (!filter) return { values: {}, shown: [] };
  const conds = filter.and || [filter];
  const values = {};
  const byName = Object.fromEntries(entity.fields.map(f => [f.name, f]));
  for (const c of conds) {
    const f = byName[c?.field];
    if (!f) return null;
    if (TEXT_TYPES.has(f.type) || f.type === 'autonumber') values[f.name] = c.op === 'contains' ? c.value : undefined;
    else if (f.type === 'picklist' || f.type === 'multipicklist') values[f.name] = c.op === 'in' ? c.value : undefined;
    else if (f.type === 'boolean') values[f.name] = c.op === 'eq' ? String(c.value) : undefined;
    else if (NUMBER_TYPES.has(f.type) || f.type === 'date' || f.type === 'datetime') {
      const range = values[f.name] || [null, null];
      if (c.op === 'gte') range[0] = c.value;
      else if (c.op === 'lte' || (c.op === 'lt' && f.type === 'datetime')) range[1] = c.op === 'lt' ? prevDay(c.value) : c.value;
      else return null;
      values[f.name] = range;
    } else if (f.type === 'link' || f.type === 'user') values[f.name] = c.op === 'eq' ? c.value : undefined;
    if (values[f.name] === undefined) return null;
  }
  // the form's own filter must be this one, or editing would change it
  if (JSON.stringify(buildFilter(entity, values)) !== JSON.stringify(filter.and ? filter : { and: [filter] })) return null;
  return { values, shown: Object.keys(values) };
}

// A filter of simple conditions in words, to read a stored one (a json
// field with metadata filter_of, docs/engine.md): 价税合计 大于 ¥10,000.00；
// 超出资信额度 等于 是. Anything else (an "or", an unknown field) as JSON text.
const WORDED_OPS = ['gt', 'gte', 'lt', 'lte', 'eq', 'ne', 'contains'];
export function conditionText(entity, filter, t) {
  if (!filter || typeof filter !== 'object') return filter ? String(filter) : '';
  const conds = filter.and || [filter];
  const words = [];
  for (const c of Array.isArray(conds) ? conds : []) {
    const f = entity?.fields.find(x => x.name === c?.field);
    if (!f || !WORDED_OPS.includes(c?.op)) return JSON.stringify(filter);
    const v = c.value;
    const text = f.type === 'boolean' ? (v ? t('common.yes') : t('common.no'))
      : f.type === 'picklist' ? optionLabel(f, v) : NUMBER_TYPES.has(f.type) ? formatNumber(f, v) : String(v);
    words.push(`${loc(f)} ${t(`condition.ops.${c.op}`)} ${text}`);
  }
  return words.length ? words.join('；') : JSON.stringify(filter);
}
