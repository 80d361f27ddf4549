/** English messages of the realised-against-predicted churn chart on the churn model page. Merged into en.ts. */
const churnRealisedEn = {
  churnRealised: {
    title: 'Realised against predicted churn by month',
    churned: 'Churned (actual)', expected: 'Expected (sum of predicted risk)', inProgress: 'so far (month still running)',
    empty: 'No scores at the start of these months yet: a month counts the subscribers scored in the 31 days before its first day.',
    scored: 'Scored {scored} of {subscribers} subscribers', unscored: 'Not scored: {n} ({c} churned)', models: 'Model {list}',
    bandsOf: 'Risk bands at the start of {month}', bandsHint: 'Click a month in the chart to see its bands.',
    customers: 'Customers', churnedCol: 'Churned', precision: 'Churn rate (precision)', recall: 'Share of churners (recall)', avgProbability: 'Mean predicted risk',
    noBand: 'Nobody was scored at the start of this month.',
  },
};

export type ChurnRealisedMessages = typeof churnRealisedEn;
export default churnRealisedEn;
