/** English messages of the executive dashboard (analytics). Merged into en.ts. */
const analyticsEn = {
  analytics: {
    kpi: {
      mrr: 'MRR', arr: 'ARR', customers: 'Customers', churnRate: 'Logo churn', nrr: 'NRR', collected: 'Collected (month)', overdue: 'Overdue',
      vsPrev: 'vs previous month', live: 'Live', stale: 'Not updating: reconnecting…', updatedAt: 'Updated {time}', today: 'Today: {n} payments, {amount} · {events} usage events',
    },
    charts: {
      waterfall: 'MRR movements ({month})', trend: 'MRR by movement', cohorts: 'Cohort retention', aging: 'A/R aging', methodMix: 'Payment method mix',
      heatmap: 'Payments by day of month × hour', promotions: 'Promotion cost', billedCollected: 'Billed vs collected', rates: 'Rates',
    },
    movement: { start: 'Start', new: 'New', expansion: 'Expansion', reactivation: 'Reactivation', contraction: 'Contraction', churn: 'Churn', end: 'End' },
    bucket: { current: 'Not yet due', '1-30': '1–30 days', '31-60': '31–60 days', '61-90': '61–90 days', '90+': 'Over 90 days' },
    cohort: { asCustomers: 'Customers', asMrr: 'MRR', cohort: 'Signup month', size: 'Customers', month: 'Month +{n}' },
    table: {
      rule: 'Discount / promotion', month: 'Month', given: 'Given away', invoices: 'Invoices', customers: 'Customers',
      usersRevenue: 'Revenue / user', nonUsersRevenue: 'Revenue / non-user', usersRetention: 'Retention (users)', nonUsersRetention: 'Retention (non-users)',
      customer: 'Customer', date: 'Date', kind: 'Movement', amount: 'Change', before: 'MRR before', after: 'MRR after', plan: 'Plan',
      invoice: 'Invoice', dueDate: 'Due date', daysPastDue: 'Days past due', open: 'Open amount', method: 'Method', count: 'Payments',
    },
    rates: {
      logoChurn: 'Logo churn rate', grossChurn: 'Gross MRR churn', netChurn: 'Net MRR churn', nrr: 'Net revenue retention', arpa: 'ARPA',
      ltv: 'LTV', ltvFormula: 'LTV = ARPA ÷ logo churn rate', trial: 'Trial conversion', collectionRate: 'Collection rate', dso: 'DSO (days)', onTime: 'Paid on time',
    },
    filters: { allPlans: 'All plans', allTypes: 'All customer types', segment: 'Segment', currency: 'Currency', range: 'Months' },
    exportCsv: 'CSV', savePng: 'Save as PNG', drill: 'Details', drillHint: 'Click a bar or cell for the list behind it',
    perCurrency: 'Figures per currency ({c}); no conversion', noPayments: 'No payments yet', noData: 'No data for this period', readOnly: 'Read only',
    from: 'Subscription state, not invoices: unaffected by bill runs',
  },
};

export type AnalyticsMessages = typeof analyticsEn;
export default analyticsEn;
