import { createApp } from 'vue';
import { createPinia } from 'pinia';
// Components and their CSS come per page (unplugin-vue-components in vite.config.ts). The message
// and message-box services are called from script code, which the resolver does not see: their
// CSS is loaded here, once.
import 'element-plus/es/components/message/style/css';
import 'element-plus/es/components/message-box/style/css';
import './styles/main.css';
import App from './App.vue';
import { i18n } from './locales';
import { router } from './router';
import { setUnauthorizedHandler } from './api/client';
import { useAuthStore } from './stores/auth';

const app = createApp(App);
app.use(createPinia());
app.use(i18n);
app.use(router);

// A 401 on any data call means the session ended (expired or signed out elsewhere).
setUnauthorizedHandler(() => {
  const auth = useAuthStore();
  if (!auth.isAuthenticated) return;
  auth.clear();
  const current = router.currentRoute.value;
  if (current.name !== 'login') {
    void router.replace({ name: 'login', query: { redirect: current.fullPath, expired: '1' } });
  }
});

app.mount('#app');
