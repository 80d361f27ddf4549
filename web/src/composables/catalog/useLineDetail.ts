/**
 * Words a charge line's `detail` (server rating/types.ts LineDetail) in the console's language:
 * "installment 3 of 24", "one-time", and the service period of a line billed in advance. The
 * server's own `description` stays English; these words are what a Korean operator reads.
 */
import { useI18n } from 'vue-i18n';
import type { LineDetail } from '@/api/documents';

export function useLineDetail() {
  const { t } = useI18n();
  return function detailText(d: LineDetail | undefined | null): string {
    if (!d) return '';
    const parts: string[] = [];
    if (d.code === 'installment' && d.accelerated) parts.push(t('charges.line.accelerated', { k: d.installment ?? 0, through: d.through ?? 0, n: d.of ?? 0 }));
    else if (d.code === 'installment') parts.push(t('charges.line.installment', { k: d.installment ?? 0, n: d.of ?? 0 }));
    if (d.code === 'one_time') parts.push(t('charges.line.oneTime'));
    if (d.servicePeriod) parts.push(t('charges.line.service', { start: d.servicePeriod.start, end: d.servicePeriod.end }));
    return parts.join(' · ');
  };
}
