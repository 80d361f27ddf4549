/** Dashboard: reporting currency and FX rates (English). Merged into en.ts. */
const analyticsFxEn = {
  analyticsFx: {
    title: 'Totals in {c} (reporting currency)',
    rule: 'Each month at its month-end rate: the last rate on or before the month\'s last day (today for this month).',
    month: 'Month', mrr: 'MRR', billed: 'Billed', collected: 'Collected', outstanding: 'Outstanding',
    incomplete: 'Without {list}: no rate', perCurrency: 'Per currency', rate: 'Rate', rateDate: 'Rate date', noRate: 'no rate',
    manage: 'FX rates', rates: 'FX rates', date: 'Date', base: 'From', quote: 'To', add: 'Add rate', importCsv: 'Import CSV',
    csvHint: 'A CSV file with the header date,base,quote,rate (1 base = rate quote).', imported: '{n} rates imported', saved: 'Saved',
    mixTitle: 'Billed revenue by kind (before tax)', mixTotal: 'Total',
    mix: { recurring: 'Recurring', usage: 'Usage', oneTime: 'One-time', discounts: 'Invoice discounts' },
    recovery: { title: 'Failed automatic collections recovered', none: 'No failed automatic collections in this period', failed: 'Failed (invoices)', retry: 'By retry', dunning: 'After dunning', manual: 'Paid otherwise', rate: 'Recovered', days: 'Days to recover' },
    deleted: 'Deleted', remove: 'Delete', none: 'No rates yet',
    weekly: {
      menu: 'Weekly summary e-mail', title: 'Weekly summary e-mail', toggle: 'Send me the weekly summary',
      hint: 'Every Monday at {at} (tenant time zone): last week\'s MRR, customers, collections and overdue amounts, with a PDF of the charts, to {email}.',
      on: 'You will get the weekly summary', off: 'Weekly summary turned off', failed: 'Could not change the setting: {msg}',
    },
  },
};
export type AnalyticsFxMessages = typeof analyticsFxEn;
export default analyticsFxEn;
