// live.js - what the teaching pages share: the student's current
// experiment (the one the side panel shows; kept per user in localStorage,
// as it is only where the student left the panel), and a poll that keeps a
// view current while it is shown (the matrix, the panel): the app has no
// push channel, and a step ticks within the poll's period.
import { onBeforeUnmount, onMounted, ref } from 'vue';

export const POLL_MS = 2000;

const current = ref(null); // {user, id}
const key = user => `kehu.experiment.${user}`;

export function currentAssignment(user) {
  if (!current.value || current.value.user !== user) {
    const id = Number(localStorage.getItem(key(user))) || null;
    current.value = { user, id };
  }
  return current.value.id;
}

export function setCurrentAssignment(user, id) {
  if (id) localStorage.setItem(key(user), String(id));
  else localStorage.removeItem(key(user));
  current.value = { user, id: id || null };
}

// Runs load now and every ms while mounted; skipped while the tab is hidden
// and while the previous one is still running.
export function usePoll(load, ms = POLL_MS) {
  let timer = null;
  let busy = false;
  const tick = async () => {
    if (busy || document.hidden) return;
    busy = true;
    try { await load(); } finally { busy = false; }
  };
  onMounted(() => { tick(); timer = setInterval(tick, ms); });
  onBeforeUnmount(() => clearInterval(timer));
  return tick;
}

// "2026-12-03T09:30:00Z" as 12-03 17:30 (local time); the date in full
// when not this year.
export function shortTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = n => String(n).padStart(2, '0');
  const md = `${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
  return d.getFullYear() === new Date().getFullYear() ? md : `${d.getFullYear()}-${md}`;
}

// An assignment's window: open, closed, or not open yet (the server says
// "open"; the rest is which side of it now is).
export function windowState(item) {
  if (item.open) return 'open';
  return String(item.assignment?.opens_at || '') > new Date().toISOString() ? 'notYet' : 'closed';
}

// A time spent (seconds, from the server's events) as people say it:
// 45 秒, 12 分钟, 1 小时 5 分钟 (t: the i18n function).
export function duration(t, seconds) {
  if (seconds === null || seconds === undefined) return '';
  if (seconds < 60) return t('teaching.dur.s', { n: seconds });
  const m = Math.round(seconds / 60);
  if (m < 60) return t('teaching.dur.m', { n: m });
  return m % 60 ? t('teaching.dur.hm', { h: Math.floor(m / 60), m: m % 60 }) : t('teaching.dur.h', { h: m / 60 });
}
