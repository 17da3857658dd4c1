import { createApp } from 'vue';
import { createPinia } from 'pinia';
import '@/components/theme.css';
import App from './App.vue';

function main() {
  createApp(App).use(createPinia()).mount('#app');
}

main();
