import { createRouter, createWebHashHistory } from 'vue-router'
import Overview from './views/Overview.vue'

// Hash history: the same build works from Tauri's asset protocol and from `koodesk serve`.
export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', component: Overview },
    { path: '/orders', component: () => import('./views/Orders.vue') },
    { path: '/supervision', component: () => import('./views/Supervision.vue') },
    { path: '/refunds', component: () => import('./views/Refunds.vue') },
    { path: '/invoices', component: () => import('./views/Invoices.vue') },
    { path: '/settlement', component: () => import('./views/Settlement.vue') },
    { path: '/interface', component: () => import('./views/Interface.vue') },
    { path: '/interface-health', component: () => import('./views/InterfaceHealth.vue') },
    { path: '/import', component: () => import('./views/Import.vue') },
    { path: '/onboarding', component: () => import('./views/Onboarding.vue') },
    { path: '/settings', component: () => import('./views/Settings.vue') },
  ],
})
