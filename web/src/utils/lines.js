// lines.js - owned lines (docs/engine.md, "Owned lines") for the generic
// views: which relations of an entity hold lines, which line fields a form
// edits, a line as the API takes it, the server's "lines[3].quantity"
// errors, and the fill a link field declares in metadata ("fill":
// {"unit": "unit", ...}: picking a product copies its unit and price).
//
// computeLine works out a line's computed fields (amount, tax) as the user
// types, from the same expressions the server runs (web/src/utils/expr.js).
import { get } from '../api/http.js';
import { evaluateScaled, fieldsRead, relationsRead } from './expr.js';
import { isEditable, fieldDefault } from './fields.js';

export function ownedRelations(meta, entity) {
  return (entity?.relations || []).filter(r => r.owned && meta.entity(r.entity));
}

// The line fields a form shows, in the line entity's list order: those a
// person edits and the computed ones (read-only); not the link back to the
// record, not the position (the row order is the position).
export function lineFields(lineEntity, relation) {
  const editable = lineEntity.fields.filter(f => (isEditable(f) || f.computed) && f.name !== relation.field && f.name !== relation.position);
  const order = lineEntity.list_columns || [];
  const listed = order.map(n => editable.find(f => f.name === n)).filter(Boolean);
  return [...listed, ...editable.filter(f => !order.includes(f.name))];
}

// A line as PATCH/POST take it: its id (kept lines) and the editable fields
// (computed ones are the server's).
export function linePayload(line, fields) {
  const out = line.id ? { id: line.id } : {};
  for (const f of fields) if (!f.computed) out[f.name] = line[f.name] ?? null;
  return out;
}

// A new line: the line fields' defaults.
export function newLine(fields) {
  const line = {};
  for (const f of fields) line[f.name] = f.default !== undefined ? fieldDefault(f) : null;
  return line;
}

// True when the user typed nothing into it (defaults do not count).
export function isEmptyLine(line, fields) {
  return fields.filter(f => !f.computed).every(f => {
    const v = line[f.name];
    return v === null || v === undefined || v === '' || (f.default !== undefined && v === fieldDefault(f));
  });
}

// "lines[3].quantity" -> { relation: 'lines', index: 3, field: 'quantity' }.
export function parseLineKey(key) {
  const m = /^(\w+)\[(\d+)\](?:\.(\w+))?$/.exec(key);
  return m ? { relation: m[1], index: Number(m[2]), field: m[3] || null } : null;
}

// Picking a linked record copies the fields its link declares in `fill`
// (this line's field <- the picked record's field).
export async function applyFill(field, line, id) {
  if (!field.fill || id == null) return;
  const rec = await get(`/${field.link_entity}/${id}`);
  if (line[field.name] !== id) return; // picked something else meanwhile
  for (const [mine, theirs] of Object.entries(field.fill)) if (rec[theirs] !== undefined) line[mine] = rec[theirs];
}

// The line's computed fields from its inputs, in metadata order, passing
// again while a value still moves (a field may read another computed one);
// a line that cannot be computed yet (no price) shows nothing.
export function lineComputer(lineEntity) {
  const list = lineEntity.fields.filter(f => f.computed);
  return line => {
    for (let pass = 0; pass <= list.length; pass++) {
      let moved = false;
      for (const f of list) {
        let v;
        try { v = evaluateScaled(f.computed, line, f.type === 'integer' ? 0 : f.scale); } catch { v = null; }
        if (line[f.name] !== v) { line[f.name] = v; moved = true; }
      }
      if (!moved) break;
    }
    return line;
  };
}

// The document's totals: its computed fields that sum its lines, or read
// such a total (价税合计 = 金额合计 + 税额合计). Forms and the record page
// show them below the lines they add up.
export function documentTotals(meta, entity) {
  const owned = new Set(ownedRelations(meta, entity).map(r => r.name));
  const computed = (entity?.fields || []).filter(f => f.computed);
  const totals = new Set();
  for (let grew = owned.size > 0; grew;) {
    grew = false;
    for (const f of computed) {
      if (totals.has(f.name)) continue;
      if (relationsRead(f.computed).some(n => owned.has(n)) || fieldsRead(f.computed).some(n => totals.has(n))) {
        totals.add(f.name);
        grew = true;
      }
    }
  }
  return totals;
}
