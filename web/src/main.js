import { createApp, h } from 'vue';
createApp({ render: () => h('p', '客户 Kehu') }).mount('#app');
