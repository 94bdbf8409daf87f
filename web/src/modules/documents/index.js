// documents (文档中心): the folder tree and the file list on one page
// (DocumentCenter.vue), and on a document's page the tab 历史版本 (GET/POST
// /documents/{id}/versions: every uploaded file stays downloadable). Who
// reads a folder is the server's (the folder's share lines); 投稿 and its
// decisions are the document's declared actions on the generic record page.
import { defineAsyncComponent } from 'vue';

export default function register(kehu) {
  kehu.route({ path: 'documents/center', name: 'document-center', component: () => import('./DocumentCenter.vue') });
  kehu.menu({ area: 'office', key: 'document-center', path: '/documents/center', label: 'documents.menu', icon: 'Folder', entity: 'documents' });
  kehu.recordTab('documents', { name: 'versions', label: 'documents.versions', props: record => ({ record }),
    component: defineAsyncComponent(() => import('./DocumentVersions.vue')) });
}
