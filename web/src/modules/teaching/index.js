// teaching (教学实验): the teacher's and the student's pages. The server
// decides who sees what (GET /metadata: the 教学实验 menu area and
// user.teaching_role; docs/teaching.md); the rules of steps are the
// server's too, these pages only show its answers.
// - a teacher: 导入学生名单 on a class (with the printable sheet of first
//   passwords), 布置实验 (the page that stands for a new assignment), the
//   live class matrix on an assignment, a home of classes and
//   assignments, 全班成绩单 on a class (a column per experiment), and on a
//   class run as one shared company the position
//   tree (岗位树) with its students placed; 编写实验 (their own experiments:
//   steps built from forms, tried against a student before publishing);
// - a student: 我的实验 (also their home) and the experiment panel beside
//   every page, ticking as their records satisfy the steps.
import { defineAsyncComponent, h } from 'vue';
import { i18n } from '../../i18n/index.js';
import messages from './messages.js';

const MyExperiments = () => import('./MyExperiments.vue');
const StudentHome = defineAsyncComponent(() => import('./MyExperiments.vue'));

export default function register(kehu) {
  for (const [locale, m] of Object.entries(messages)) i18n.global.mergeLocaleMessage(locale, m);
  kehu.route({ path: 'my-experiments', name: 'my-experiments', component: MyExperiments });
  kehu.menu({ area: 'teaching', key: 'my-experiments', page: 'my-experiments', path: '/my-experiments', label: 'teaching.myMenu', icon: 'Reading' });
  kehu.route({ path: 'my-experiments/:id(\\d+)/report', name: 'my-report', component: () => import('./ReportView.vue') });
  kehu.route({ path: 'assignments/new', name: 'assign-experiment', component: () => import('./AssignView.vue') });
  kehu.newRecordPage('assignments', 'assign-experiment');
  kehu.route({ path: 'custom_experiments/new', name: 'experiment-editor-new', component: () => import('./ExperimentEditor.vue') });
  kehu.route({ path: 'custom_experiments/:id(\\d+)/steps', name: 'experiment-editor', component: () => import('./ExperimentEditor.vue') });
  kehu.newRecordPage('custom_experiments', 'experiment-editor-new');
  kehu.recordAction('custom_experiments', { component: defineAsyncComponent(() => import('./EditExperimentButton.vue')) });
  kehu.recordAction('classes', { component: defineAsyncComponent(() => import('./ImportRoster.vue')) });
  kehu.recordAction('classes', { component: defineAsyncComponent(() => import('./AssignButton.vue')) });
  kehu.recordAction('classes', { component: defineAsyncComponent(() => import('./ExportGrades.vue')) });
  kehu.recordTab('classes', { name: 'class-grades', label: 'teaching.classGrades',
    component: defineAsyncComponent(() => import('./ClassGrades.vue')) });
  kehu.recordTab('classes', { name: 'positions', label: 'teaching.positions',
    component: defineAsyncComponent(() => import('./PositionTree.vue')) });
  kehu.recordTab('assignments', { name: 'matrix', label: 'teaching.matrix', first: true, open: true,
    component: defineAsyncComponent(() => import('./ClassMatrix.vue')) });
  kehu.recordTab('assignments', { name: 'grades', label: 'teaching.gradeSheet',
    component: defineAsyncComponent(() => import('./GradeSheet.vue')) });
  kehu.recordAction('lab_reports', { action: 'grade_rubric', component: defineAsyncComponent(() => import('./RubricGradeButton.vue')) });
  kehu.sidePanel({ component: defineAsyncComponent(() => import('./ExperimentPanel.vue')) });
  kehu.home('teacher', defineAsyncComponent(() => import('./TeacherHome.vue')));
  kehu.home('student', { render: () => h(StudentHome, { home: true }) });
}
