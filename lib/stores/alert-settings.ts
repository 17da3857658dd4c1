import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AlertSettings } from '../alerts/messages';
import { send } from '../messaging/messages';

/** The player's alert settings (the worker keeps them); the options page reads and toggles them here. */
export const useAlertSettingsStore = defineStore('alertSettings', () => {
  const settings = ref<AlertSettings>();
  const error = ref('');

  async function load() {
    try {
      settings.value = await send('getAlertSettings', {});
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e);
    }
  }

  /** Turn the Xûr arrival notification on or off. */
  async function setXurNotifications(xurNotifications: boolean) {
    try {
      settings.value = await send('setAlertSettings', { xurNotifications });
      error.value = '';
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e);
    }
  }

  return { settings, error, load, setXurNotifications };
});
