// surveys (调查问卷): the answering page a link opens without signing in
// (/s/{token}: GET and POST /survey-links/{token}), and on a survey the tab
// 统计与邀请: inviting the campaign's contacts (POST /surveys/{id}/invite,
// the links shown once) and the statistics per question as bars
// (GET /surveys/{id}/statistics). The survey and its questions (the
// builder) are the generic form with its line editor.
import { defineAsyncComponent } from 'vue';

export default function register(kehu) {
  kehu.publicRoute({ path: '/s/:token', name: 'survey-answer', component: () => import('./SurveyAnswer.vue') });
  kehu.recordTab('surveys', { name: 'statistics', label: 'surveys.tab', props: record => ({ record }),
    component: defineAsyncComponent(() => import('./SurveyStatistics.vue')) });
}
