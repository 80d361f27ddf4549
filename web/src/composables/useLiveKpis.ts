/**
 * The live KPI stream (SSE, GET /analytics/stream). EventSource reconnects by itself after a drop;
 * we also restart it when nothing (not even the 15 s ping) arrived for 35 s. `stale` is true while
 * the connection is down or silent, so the page can say its figures may be old.
 */
import { onBeforeUnmount, onMounted, ref } from 'vue';
import { STREAM_URL, type LiveKpis } from '@/api/analytics';

const SILENCE_MS = 35_000;

export function useLiveKpis(onSnapshot?: (k: LiveKpis) => void) {
  const kpis = ref<LiveKpis | null>(null);
  const stale = ref(true);
  const lastMessage = ref<Date | null>(null);
  let es: EventSource | null = null;
  let watchdog: ReturnType<typeof setInterval> | null = null;

  function open() {
    es?.close();
    es = new EventSource(STREAM_URL, { withCredentials: true });
    const seen = () => { stale.value = false; lastMessage.value = new Date(); };
    es.addEventListener('kpis', (e) => {
      seen();
      kpis.value = JSON.parse((e as MessageEvent<string>).data) as LiveKpis;
      onSnapshot?.(kpis.value);
    });
    es.addEventListener('ping', seen);
    es.onerror = () => { stale.value = true; };
  }

  onMounted(() => {
    open();
    watchdog = setInterval(() => {
      if (lastMessage.value && Date.now() - lastMessage.value.getTime() > SILENCE_MS) { stale.value = true; open(); lastMessage.value = new Date(); }
      if (es?.readyState === EventSource.CLOSED) open();
    }, 5_000);
  });
  onBeforeUnmount(() => { es?.close(); if (watchdog) clearInterval(watchdog); });
  return { kpis, stale, lastMessage, reconnect: open };
}
