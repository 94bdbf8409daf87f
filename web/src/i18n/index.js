// i18n - all interface text goes through vue-i18n: zh-CN first, English
// second. The choice is kept in localStorage and also decides Element Plus's
// locale and the Accept-Language of API requests (so server messages match).
import { createI18n } from 'vue-i18n';
import { computed } from 'vue';
import zhCN from './zh-CN.js';
import en from './en.js';
import { setApiLanguage } from '../api/http.js';

const KEY = 'kehu.locale';
function initialLocale() {
  const saved = localStorage.getItem(KEY);
  return saved === 'en' || saved === 'zh-CN' ? saved : 'zh-CN';
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
});

export function setLocale(locale) {
  i18n.global.locale.value = locale;
  localStorage.setItem(KEY, locale);
  setApiLanguage(locale);
  document.documentElement.lang = locale;
}
setLocale(i18n.global.locale.value);

export const isEnglish = computed(() => i18n.global.locale.value === 'en');

// The label of a metadata object (entity, field, option, group, menu) in the
// UI language: the server sends label_zh and label_en beside label.
export function loc(obj) {
  if (!obj) return '';
  if (isEnglish.value) return obj.label_en || obj.label || obj.label_zh || obj.name || '';
  return obj.label_zh || obj.label || obj.label_en || obj.name || '';
}
