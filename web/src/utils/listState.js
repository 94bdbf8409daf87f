// listState.js - what a list was showing (search, filters, sort, page), per
// entity, so coming back from a record finds the list as it was left.
import { reactive } from 'vue';
import { emptyValue } from './filters.js';
import { isFilterable, defaultColumns } from './fields.js';

const states = new Map();

function defaultShown(entity) {
  const byName = Object.fromEntries(entity.fields.map(f => [f.name, f]));
  const shown = defaultColumns(entity).filter(n => byName[n] && isFilterable(byName[n]) && byName[n].type !== 'autonumber');
  return shown.slice(0, 7);
}

export function listState(entity) {
  if (!states.has(entity.name)) {
    const shown = defaultShown(entity);
    const values = {};
    for (const f of entity.fields) values[f.name] = emptyValue(f);
    states.set(entity.name, reactive({
      q: '', values, shown, sort: '', page: 1, size: 20, initial: '', showFilters: false,
    }));
  }
  return states.get(entity.name);
}

const COLS = name => `kehu.columns.${name}`;

// Saved column choice; fields added since the choice (an admin's new custom
// field) are shown too, so they appear in the list at once.
export function loadColumns(entity) {
  const defaults = defaultColumns(entity);
  try {
    const saved = JSON.parse(localStorage.getItem(COLS(entity.name)) || 'null');
    if (saved && Array.isArray(saved.visible)) {
      const known = new Set(saved.known || []);
      const fresh = defaults.filter(n => !known.has(n));
      const names = new Set(entity.fields.map(f => f.name));
      return [...saved.visible.filter(n => names.has(n)), ...fresh.filter(n => !saved.visible.includes(n))];
    }
  } catch { /* a broken entry: defaults */ }
  return defaults;
}

export function saveColumns(entity, visible) {
  localStorage.setItem(COLS(entity.name), JSON.stringify({ visible, known: entity.fields.map(f => f.name) }));
}

export function resetColumns(entity) {
  localStorage.removeItem(COLS(entity.name));
  return defaultColumns(entity);
}
