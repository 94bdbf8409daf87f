// meta.js - the metadata of GET /api/v1/metadata: entities, fields, layouts,
// picklists and the menu the signed-in user may use. Every generic view
// reads it; nothing in the app knows a particular entity.
import { defineStore } from 'pinia';
import { get } from '../api/http.js';

export const useMetaStore = defineStore('meta', {
  state: () => ({ entities: [], menu: [], verbs: [], passwordPolicy: null, version: 0, teachingRole: null, loaded: false }),
  getters: {
    byName: s => Object.fromEntries(s.entities.map(e => [e.name, e])),
  },
  actions: {
    async load() {
      const m = await get('/metadata');
      this.entities = m.entities || [];
      this.menu = m.menu || [];
      this.verbs = m.verbs || []; // module rights of profiles and what each implies
      this.passwordPolicy = m.password_policy || null; // the rule new passwords pass, in words
      this.version = m.version || 0;
      this.teachingRole = m.user?.teaching_role || null; // teacher, student, admin: their home and menu
      this.loaded = true;
    },
    entity(name) { return this.byName[name] || null; },
    field(entityName, fieldName) {
      const e = this.byName[entityName];
      return e ? e.fields.find(f => f.name === fieldName) || null : null;
    },
    reset() { this.entities = []; this.menu = []; this.teachingRole = null; this.loaded = false; },
  },
});
