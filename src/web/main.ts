import { createApp } from 'vue';
import App from './App.vue';
import { language } from './i18n';
import { router } from './router';
import './style.css';

document.documentElement.lang = language.value === 'zh' ? 'zh-CN' : 'en';
createApp(App).use(router).mount('#app');
