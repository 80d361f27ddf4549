/** English messages of churn prediction (dashboard widget, customer tab, model page, retention offer). Merged into en.ts. */
const churnEn = {
  churn: {
    title: 'Churn risk', widgetTitle: 'Churn risk (model v{v}, scored {date})', noModel: 'No churn model is active: no scores yet.',
    noScore: 'Not scored yet by the active model.', atRiskMrr: 'MRR at risk', scoredCustomers: 'Scored customers', bands: 'Risk bands',
    topAtRisk: 'Top at-risk customers (by MRR at risk)', customer: 'Customer', probability: 'Risk', band: 'Band', segment: 'Behaviour segment',
    mrr: 'MRR', drivers: 'Main reasons', noDrivers: 'Nothing raises the risk', segments: 'Behaviour segments', customers: 'Customers', avgRisk: 'Average risk',
    highCount: 'High risk', modelsLink: 'Models', scoreNow: 'Score now', scored: 'Scored {n} customers as of {date}',
    segmentWords: { high_value: 'high-value', low_value: 'low-value', long_tenured: 'long-tenured', new: 'new', pays_late: 'pays late', pays_on_time: 'pays on time', many_add_ons: 'many add-ons', few_add_ons: 'few add-ons', on_a_term_contract: 'on a term contract', no_contract: 'no contract', card_auto_pay: 'card auto-pay', no_card: 'no card', virtual_account: 'virtual account', no_virtual_account: 'no virtual account', failed_payments: 'failed payments', no_failed_payments: 'no failed payments', typical: 'typical' },
    band_: { low: 'Low', medium: 'Medium', high: 'High' },
    trend: 'Risk trend', asOf: 'Scored on', modelVersion: 'Model', driversMethod: 'Contributions along the tree path; the larger, the more it raises the risk.',
    traceSource: 'Churn facts from the score of model v{v} on {date}',
    raises: 'raises the risk', value: 'value {v}',
    offer: {
      button: 'Retention offer', forCustomer: 'For this customer', forSegment: 'For segment “{s}”', title: 'Retention offer: rule draft',
      hint: 'Creates a discount rule draft that applies while the churn band is medium or high. Review it in the rule editor, then publish.',
      percent: 'Discount (%)', months: 'For (months)', created: 'Draft {code} created', name: 'Retention offer: {who}',
    },
    models: {
      title: 'Churn models', version: 'Version', active: 'Active', activate: 'Activate', rollback: 'Roll back to this version', activated: 'Version {v} is active',
      confirm: 'Make version {v} the active model? Rules and screens use its scores from now on (score it first if it has none).',
      algorithm: 'Algorithm', trainedAt: 'Trained', trainingData: 'Training data', rows: '{rows} rows, {pos} churned', createdBy: 'Registered by', note: 'Note',
      metrics: 'Metrics (time-based holdout)', model: 'Model', baseline: 'Baseline', rocAuc: 'ROC-AUC', prAuc: 'PR-AUC', brier: 'Brier score', lift: 'Top-decile lift',
      calibration: 'Calibration', predicted: 'Predicted', observed: 'Observed', importances: 'Feature importance', bands: 'Bands: medium ≥ {m}, high ≥ {h}',
      none: 'No model registered. Train one with npm run churn:train and register it (POST /churn/models).',
    },
    features: {
      tenure_days: 'Tenure (days)', mrr_ratio: 'MRR vs. typical customer', mrr_change_3m_ratio: 'MRR change over 3 months', plan_interval_months: 'Billing interval (months)',
      contract_term_months: 'Contract term (months)', contract_months_left: 'Months left on contract', addon_count: 'Add-ons', subscription_count: 'Subscriptions',
      discount_share_90d: 'Discount share (90 days)', invoices_90d: 'Invoices (90 days)', payments_90d: 'Payments (90 days)', failed_payments_90d: 'Failed payments (90 days)',
      days_late_avg_90d: 'Average days late (90 days)', overdue_invoices: 'Overdue invoices', credit_notes_90d: 'Credit notes (90 days)',
      method_card: 'Pays by card', method_bank_transfer: 'Pays by bank transfer', method_virtual_account: 'Pays by virtual account', method_prepaid: 'Pays from prepaid balance',
      autopay: 'Automatic payment method', dunning_step_max_90d: 'Highest dunning step (90 days)',
      usage30d: 'Usage of {meter} (30 days)', usageTrend: 'Usage trend of {meter}', attr: 'Attribute “{key}”',
    },
  },
};

export type ChurnMessages = typeof churnEn;
export default churnEn;
