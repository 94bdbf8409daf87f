// states.js - states and actions as the metadata declares them (see
// docs/engine.md): which moves a state machine allows, which states are
// closed (won, lost), and which declared actions the user may run on a
// record now. The server checks the same on every write.
import { post } from '../api/http.js';

// The field of the entity that is a state machine, or null.
export const stateField = entity => (entity?.fields || []).find(f => f.states) || null;

// May `from` move to `to`? (no machine, no state yet, or the same state: yes)
export function canMove(field, from, to) {
  const s = field?.states;
  if (!s || !from || from === to || !s.transitions?.[from]) return true;
  return s.transitions[from].includes(to);
}

// closed states: {state: outcome}, e.g. {won: 'won', lost: 'lost'}.
export const closedStates = field => field?.states?.closed || {};
export const isClosed = (field, value) => !!closedStates(field)[value];
export const isWon = (field, value) => closedStates(field)[value] === 'won';
export const isLost = (field, value) => closedStates(field)[value] === 'lost';
export const isLocked = (field, value) => !!field?.states?.locked?.[value];
// a state whose records are not deleted (a confirmed document: its effects stay)
export const isKept = (field, value) => (field?.states?.kept || []).includes(value);

// The declared actions the user may run on the record in its state now.
export function allowedActions(entity, record) {
  return (entity?.actions || []).filter(a => a.permitted !== false &&
    (!a.field || !a.from?.length || a.from.includes(record?.[a.field])));
}

// POST /api/v1/{entity}/{id}/actions/{name} with the record's version:
// answers {record, result}.
export function runAction(entityName, record, name, body = {}) {
  const headers = record?.version ? { 'If-Match': `"${record.version}"` } : {};
  return post(`/${entityName}/${record.id}/actions/${name}`, body, { headers });
}
