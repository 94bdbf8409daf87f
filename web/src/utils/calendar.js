// calendar.js - date arithmetic of the calendar page, in the browser's local
// time. Weeks start on Monday, as Chinese calendars do. Activities without
// an end last an hour, as in the iCalendar feed.
export const DEFAULT_MINUTES = 60;
export const SLOT_MINUTES = 30;

export function startOfDay(d) {
  const x = new Date(d);
  x.setHours(0, 0, 0, 0);
  return x;
}

export function addDays(d, n) {
  const x = new Date(d);
  x.setDate(x.getDate() + n);
  return x;
}

export function startOfWeek(d) {
  const x = startOfDay(d);
  return addDays(x, -((x.getDay() + 6) % 7));
}

// The next whole hour after `d` (14:20 -> 15:00, 14:00 -> 15:00).
export function nextWholeHour(d) {
  const x = new Date(d);
  x.setMinutes(0, 0, 0);
  x.setHours(x.getHours() + 1);
  return x;
}

export function sameDay(a, b) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

const pad = n => String(n).padStart(2, '0');
export const dayKey = d => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
export const hhmm = d => `${pad(d.getHours())}:${pad(d.getMinutes())}`;

// The days a view shows: 6 whole weeks around a month, one week, or a day.
export function viewRange(view, cursor) {
  if (view === 'day') return { from: startOfDay(cursor), days: 1 };
  if (view === 'week') return { from: startOfWeek(cursor), days: 7 };
  const first = new Date(cursor.getFullYear(), cursor.getMonth(), 1);
  return { from: startOfWeek(first), days: 42 };
}

// The cursor moved one view's length back (-1) or forward (+1).
export function step(view, cursor, dir) {
  if (view === 'day') return addDays(cursor, dir);
  if (view === 'week') return addDays(cursor, 7 * dir);
  return new Date(cursor.getFullYear(), cursor.getMonth() + dir, 1);
}

// Start and end of an activity as Dates (end defaults to an hour later).
export function span(activity) {
  const start = new Date(activity.start_at);
  const end = activity.end_at ? new Date(activity.end_at) : new Date(start.getTime() + DEFAULT_MINUTES * 60000);
  return { start, end: end > start ? end : new Date(start.getTime() + SLOT_MINUTES * 60000) };
}

// Moving an activity keeps its length: the new start and end as ISO (UTC,
// seconds, the server's form), end only when the activity has one.
export function moved(activity, newStart) {
  const { start } = span(activity);
  const delta = newStart.getTime() - start.getTime();
  const iso = d => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const out = { start_at: iso(newStart) };
  if (activity.end_at) out.end_at = iso(new Date(new Date(activity.end_at).getTime() + delta));
  return out;
}

// Side-by-side lanes for overlapping activities of one day: each gets a
// lane index and the number of lanes of its overlap cluster.
export function layOut(items) {
  const sorted = items.map(a => ({ a, ...span(a) })).sort((x, y) => x.start - y.start || y.end - x.end);
  const placed = [];
  let cluster = [], clusterEnd = 0, lanesEnd = [];
  const close = () => { for (const p of cluster) p.lanes = lanesEnd.length; cluster = []; lanesEnd = []; };
  for (const it of sorted) {
    if (cluster.length && it.start >= clusterEnd) close();
    let lane = lanesEnd.findIndex(end => end <= it.start);
    if (lane < 0) { lane = lanesEnd.length; lanesEnd.push(0); }
    lanesEnd[lane] = it.end;
    const p = { ...it, lane };
    cluster.push(p);
    placed.push(p);
    clusterEnd = Math.max(clusterEnd, it.end);
  }
  close();
  return placed;
}
