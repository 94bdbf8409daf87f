// en.js - the interface in English; keys mirror zh-CN.js.
export default {
  app: { name: 'Kehu', fullName: 'Kehu CRM', slogan: 'Customer relationship management · teaching platform' },
  common: {
    ok: 'OK', cancel: 'Cancel', save: 'Save', saving: 'Saving…', edit: 'Edit', delete: 'Delete',
    restore: 'Restore', create: 'New', search: 'Search', reset: 'Reset', close: 'Close', back: 'Back',
    loading: 'Loading…', noData: 'No data', yes: 'Yes', no: 'No', all: 'All', actions: 'Actions',
    confirm: 'Please confirm', refresh: 'Refresh', more: 'More', add: 'Add', remove: 'Remove', moveUp: 'Move up',
    required: 'Required', total: '{n} in total', selected: '{n} selected', export: 'Export',
    exportCsv: 'Export CSV', exportXlsx: 'Export Excel', backHome: 'Back to home',
  },
  login: {
    title: 'Sign in', username: 'Username', password: 'Password', submit: 'Sign in',
    usernameRequired: 'Enter your username', passwordRequired: 'Enter your password',
    expired: 'Your session has expired, please sign in again', signedOut: 'You have signed out',
    failed: 'Sign-in failed', welcome: 'Welcome to',
  },
  menu: {
    workbench: 'Workbench', home: 'Home', search: 'Search results', recycleBin: 'Recycle bin',
    settings: 'Settings', fields: 'Fields & picklists', collapse: 'Collapse menu', expand: 'Expand menu',
  },
  topbar: {
    searchPlaceholder: 'Search accounts, contacts… (name, phone, pinyin initials)', searchAll: 'All results for “{q}”',
    changePassword: 'Change password', language: 'Language', signOut: 'Sign out', admin: 'Administrator',
  },
  password: {
    title: 'Change password', old: 'Current password', new: 'New password', confirm: 'Confirm new password',
    mismatch: 'The two new passwords differ', changed: 'Password changed; sessions on other devices have ended',
    tooShort: 'At least 8 characters',
  },
  home: {
    welcome: 'Hello, {name}', today: 'Today is {date}', counts: 'Overview', recent: 'Recently updated',
    distribution: '{entity} by {field}', unset: 'Not set', shortcuts: 'Shortcuts',
    newRecord: 'New {entity}',
  },
  list: {
    quickSearch: 'Search by name, phone or pinyin initials', advanced: 'Advanced search', hideAdvanced: 'Hide search',
    columns: 'Columns', columnsTip: 'Choose the columns of the list', massUpdate: 'Mass update', massDelete: 'Delete',
    exportSelected: 'Export selected', exportAll: 'Export all', initialAll: 'All', initialOther: 'Other',
    deleteConfirm: 'Delete the {n} selected records? You can restore them from the recycle bin.',
    deleted: '{n} records deleted; restore them from the recycle bin', addCondition: 'Add a condition',
    from: 'From', to: 'To', min: 'Min', max: 'Max', mine: 'Mine', any: 'Any',
    startDate: 'Start date', endDate: 'End date', resetColumns: 'Default columns',
    empty: 'No {entity} yet', emptyFiltered: 'No records match',
  },
  mass: {
    title: 'Update {n} records', field: 'Field', value: 'New value', chooseField: 'Choose a field',
    done: '{n} records updated', partial: '{ok} updated, {fail} failed: {msg}',
  },
  detail: {
    info: 'Details', history: 'History', related: 'Related', system: 'System information',
    deleteConfirm: 'Delete “{name}”? You can restore it from the recycle bin.', deleted: 'Moved to the recycle bin',
    restored: 'Restored', notFound: 'The record does not exist or was deleted', newRelated: 'New',
    relatedCount: '{label} ({n})',
  },
  history: {
    create: 'created the record', update: 'changed', delete: 'deleted the record', restore: 'restored the record',
    empty: 'No changes yet', from: 'from', to: 'to', emptyValue: '(empty)',
  },
  form: {
    createTitle: 'New {entity}', editTitle: 'Edit {entity}', saved: 'Saved', created: 'Created',
    fixErrors: 'Please check the fields marked in red', unsavedTitle: 'Discard changes?', unsaved: 'You have unsaved changes. Leave anyway?',
    leave: 'Leave', stay: 'Keep editing', conflict: 'Someone else changed this record. The latest version is loaded; please make your change again.',
    linkPlaceholder: 'Type to search', selectPlaceholder: 'Select', inputPlaceholder: 'Enter',
    similar: '{n} similar names exist:',
    datePlaceholder: 'Pick a date', datetimePlaceholder: 'Pick a date and time', shortcut: 'Ctrl+Enter saves',
  },
  reason: {
    required: 'is required', unknown: 'unknown field', read_only: 'cannot be changed', invalid_type: 'wrong type',
    invalid_format: 'invalid format', too_long: 'too long', not_an_option: 'not a valid option',
    out_of_range: 'out of range', too_many_decimals: 'too many decimal places', not_found: 'linked record not found',
    duplicate: 'already exists',
  },
  recycle: {
    title: 'Recycle bin', tip: 'Deleted records are kept here; restoring puts them back in their list.', restoreSelected: 'Restore selected',
    restored: '{n} records restored', deletedAt: 'Deleted at', empty: 'The recycle bin is empty',
  },
  search: { title: 'Search', results: 'Results for “{q}”', none: 'Nothing found for “{q}”', hint: 'Type something to search' },
  admin: {
    fieldsTitle: 'Fields & picklists', fieldsTip: 'Add custom fields to business objects and maintain picklist options. New fields appear in forms and lists at once.',
    entity: 'Object', addField: 'Add field', editOptions: 'Edit options', fieldName: 'Field name',
    fieldNameTip: 'Lower-case letters, digits and underscores; saved with the prefix cf_', labelZh: 'Chinese label', labelEn: 'English label',
    type: 'Type', required: 'Required', custom: 'Custom', system: 'System', builtin: 'Standard',
    options: 'Options', optionValue: 'Value', active: 'Active', maxLength: 'Max length', scale: 'Decimal places',
    linkEntity: 'Linked object', fieldAdded: 'Field “{label}” added', optionsSaved: 'Options saved',
    optionsTitle: 'Options of “{label}”', addOption: 'Add option', noOptions: 'At least one option is needed',
    nameInvalid: 'Lower-case letters, digits and underscores, starting with a letter', source: 'Source',
    optionValueInvalid: 'Option values must be filled in and distinct',
  },
  types: {
    text: 'Text', longtext: 'Long text', integer: 'Integer', decimal: 'Decimal', money: 'Money', percent: 'Percent',
    date: 'Date', datetime: 'Date and time', boolean: 'Yes/No', picklist: 'Picklist', multipicklist: 'Multi-select picklist',
    email: 'Email', phone: 'Phone', url: 'URL', link: 'Link', user: 'User', autonumber: 'Auto number', id: 'ID',
  },
  error: {
    network: 'Cannot reach the server; check the network', forbidden: 'You are not allowed to do this', notFound: 'Page not found',
    notFoundTip: 'The page you asked for does not exist or was removed.', unknown: 'The operation failed',
  },
};
