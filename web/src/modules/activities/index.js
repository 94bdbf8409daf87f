// activities (行动): the calendar, and the occurrences of a repeating
// activity (its relation to itself through series_id) only where there is
// a series: the activity repeats, or is one of a series.
export default function register(kehu) {
  kehu.route({ path: 'calendar', name: 'calendar', component: () => import('../../views/CalendarView.vue') });
  kehu.menu({ area: 'sales', key: 'calendar', path: '/calendar', label: 'calendar.menu', icon: 'Calendar', entity: 'activities' });
  kehu.relatedWhen('activities', 'occurrences',
    r => !!r && ((!!r.repeat && r.repeat !== 'none') || r.series_id != null));
}
