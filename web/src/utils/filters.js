// filters.js - turns the advanced-search form into the API's filter JSON
// ({"and":[{"field","op","value"}]}), one rule per field type.
import { NUMBER_TYPES, TEXT_TYPES } from './fields.js';

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
