// registry.js - what a module adds to the generic app (docs/engine.md, "Web
// modules"). The list, detail and form views know no entity: they ask here
// for the pages, menu items, record tabs, record actions and record hooks
// the modules registered. Each module's web/src/modules/<module>/index.js
// exports register(kehu) and calls the functions of `kehu` below;
// modules/index.js runs them all once, before the router is made.
const routes = [];
const menus = [];
const tabs = [];
const actions = [];
const openers = [];
const relationRules = [];
const newPages = [];
const bars = [];
const lineHooks = [];
const panels = [];
const homes = [];
const listButtons = [];
const publicRoutes = [];

export const kehu = {
  // A page of its own: a vue-router route under the app's layout
  // ({path: 'pipeline', name: 'pipeline', component: () => import(...)}).
  route(r) { routes.push(r); },
  // A page outside the layout that needs no sign-in (a survey's answering
  // page reached by its link): {path: '/s/:token', name, component}.
  publicRoute(r) { publicRoutes.push({ ...r, meta: { ...(r.meta || {}), public: true } }); },
  // A menu item in a menu area of the metadata ("sales"), after the area's
  // entities: {area, key, path, label (i18n key), icon (Icons name), entity
  // (shown only while the user may see that entity)}.
  menu(item) { menus.push(item); },
  // A tab on the detail page of `entity`: {name, label (i18n key),
  // component, props(record) -> its props (default {record}), first (before
  // the fields), open (the tab the page opens on)}.
  recordTab(entity, tab) { tabs.push({ ...tab, entity }); },
  // A button (with its dialogs) on the record page of `entity`:
  // {component, action}. The component gets {entity, record, action} and
  // emits "changed" when the record changed. With `action`, it stands for
  // that declared action (metadata "actions") and the generic button is not
  // shown; the prop `action` is the declared action while the user may run
  // it now, else null: the component then hides its button (it stays
  // mounted, so a dialog open over it can show the outcome). With
  // `writes: true` the button changes the record: it is not shown while the
  // record is read-only for the user (X-Kehu-Allow without edit).
  recordAction(entity, a) { actions.push({ ...a, entity }); },
  // A button (with its dialogs) on the list page of `entity`: {component}.
  // The component gets {entity, ids (the selected rows), query ({filter, q}
  // of what the list shows, or null when the list also narrows by what a
  // filter cannot say: the A-Z letter, the public pool), total}.
  listAction(entity, a) { listButtons.push({ ...a, entity }); },
  // Runs when a record of `entity` is opened on its detail page:
  // fn(record) may answer the record as it is after (a message marked read).
  onRecordOpen(entity, fn) { openers.push({ entity, fn }); },
  // Whether the related list `relation` of `entity` is shown for a record:
  // fn(record) -> boolean (a repeating activity's occurrences).
  relatedWhen(entity, relation, fn) { relationRules.push({ entity, relation, fn }); },
  // The page (a route name of the module's) that stands for the generic form
  // of a new record of `entity`: a message is written to recipients, not
  // filled in as a record of one's own.
  newRecordPage(entity, routeName) { newPages.push({ entity, routeName }); },
  // Something in the top bar, before the reminder bell: {component} (the
  // count of approvals waiting for the user).
  topBar(item) { bars.push(item); },
  // Runs when one of `fields` of a line of `lineEntity` changes in the line
  // editor (a link after its "fill" is applied): fn({line, header}) may
  // change the line (a product's price by the discount rules, asked of the
  // server; a rule is never written here).
  lineChanged(lineEntity, fields, fn) { lineHooks.push({ lineEntity, fields, fn }); },
  // A panel beside every page, right of the main column (the student's
  // current experiment): {component}; the component decides when it shows.
  sidePanel(item) { panels.push(item); },
  // The home page of users whose metadata says this teaching_role
  // ("teacher", "student"), instead of the CRM workbench.
  home(role, component) { homes.push({ role, component }); },
};

export const moduleRoutes = () => routes;
export const modulePublicRoutes = () => publicRoutes;
export const menuItems = area => menus.filter(m => m.area === area);
export const recordTabs = entity => tabs.filter(x => x.entity === entity);
export const recordActions = entity => actions.filter(x => x.entity === entity);
export const listActions = entity => listButtons.filter(x => x.entity === entity);
export const topBarItems = () => bars;
export const lineChangeHooks = lineEntity => lineHooks.filter(h => h.lineEntity === lineEntity);
export const sidePanels = () => panels;
export const homeFor = role => homes.find(h => h.role === role)?.component || null;
export const newRecordRoute = entity => newPages.find(p => p.entity === entity)?.routeName || null;

// The record after every opener of its entity has seen it.
export async function openRecord(entity, record) {
  let r = record;
  for (const o of openers) if (o.entity === entity) r = (await o.fn(r)) || r;
  return r;
}

export function relatedShown(entity, relation, record) {
  return relationRules.every(x => x.entity !== entity || x.relation !== relation || x.fn(record));
}
