import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router'
import { i18n, loadLang, startLang } from './i18n'
import './style.css'

// The starting language's messages first (their own chunk), then the console; if they cannot load, the console
// still mounts (showing message keys) and the error stays in the console log rather than a blank window.
loadLang(startLang).finally(() => createApp(App).use(router).use(i18n).mount('#app'))
