// recordFilter.js - the list API's filter language evaluated on one record,
// for the forms: a field's required_when / readonly_when / visible_when
// (metadata) hold on the record as it is being edited, as the server
// checks them on save (src/entity/entity_state.c, the twin of this file).
// Same meaning as the server: ne and nin match an empty field, isnull
// treats '' as empty, eq on a multi-picklist means "has this option".

const empty = v => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

// Numbers (money arrives as numbers or text) compare as numbers, the rest as text.
function compare(a, b) {
  const x = Number(a), y = Number(b);
  if (typeof a !== 'boolean' && a !== '' && b !== '' && !Number.isNaN(x) && !Number.isNaN(y)) return x < y ? -1 : x > y ? 1 : 0;
  const s = String(a), t = String(b);
  return s < t ? -1 : s > t ? 1 : 0;
}

function equals(v, value) {
  if (empty(v) || value === undefined || value === null) return false;
  if (Array.isArray(v)) return v.includes(value);
  return compare(v, value) === 0;
}

function condition(node, record) {
  const v = record[node.field];
  const value = node.value;
  switch (node.op) {
    case 'isnull': return empty(v);
    case 'notnull': return !empty(v);
    case 'eq': return equals(v, value);
    case 'ne': return !equals(v, value);
    case 'in': return Array.isArray(value) && value.some(x => equals(v, x));
    case 'nin': return !(Array.isArray(value) && value.some(x => equals(v, x)));
    case 'contains':
      if (Array.isArray(v)) return v.includes(value);
      return typeof v === 'string' && typeof value === 'string' && v.includes(value);
    case 'starts': return typeof v === 'string' && typeof value === 'string' && v.startsWith(value);
    case 'lt': case 'lte': case 'gt': case 'gte': {
      if (empty(v) || value === undefined || value === null) return false;
      const c = compare(v, value);
      return node.op === 'lt' ? c < 0 : node.op === 'lte' ? c <= 0 : node.op === 'gt' ? c > 0 : c >= 0;
    }
    default: return false;
  }
}

// true when filter holds for record (a plain object of field values).
export function recordMatches(filter, record, depth = 0) {
  if (!filter || typeof filter !== 'object' || depth > 8) return false;
  if (Array.isArray(filter.and)) return filter.and.every(f => recordMatches(f, record, depth + 1));
  if (Array.isArray(filter.or)) return filter.or.some(f => recordMatches(f, record, depth + 1));
  return condition(filter, record);
}

// The field's rules on this record: shown, required, read-only.
export function fieldVisible(field, record) {
  return !field.visible_when || recordMatches(field.visible_when, record);
}
export function fieldRequired(field, record) {
  if (!fieldVisible(field, record)) return false; // a hidden field is not required
  return !!field.required || (!!field.required_when && recordMatches(field.required_when, record));
}
export function fieldReadonly(field, record) {
  return !!field.readonly || (!!field.readonly_when && recordMatches(field.readonly_when, record));
}
// The fields of an entity that become required when the record takes
// `changes` (e.g. the board's 丢单: the fields required in that state).
export function requiredAfter(entity, record, changes) {
  const next = { ...record, ...changes };
  return (entity?.fields || []).filter(f => !f.system && fieldRequired(f, next) && empty(next[f.name]));
}
