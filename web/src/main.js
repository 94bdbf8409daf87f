// main.js - starts the Kehu web application.
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { router } from './router.js';
import { i18n } from './i18n/index.js';
import element from './plugins/element.js';
import './styles.css';

createApp(App).use(createPinia()).use(i18n).use(router).use(element).mount('#app');
