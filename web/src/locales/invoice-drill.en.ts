/** The invoice list filtered by issue date (the dashboard's revenue drill-down). Merged into en.ts. */
const invoiceDrillEn = {
  invoiceDrill: {
    issued: 'Issued {from} to {to}',
    clear: 'Remove the issue-date filter',
  },
};
export default invoiceDrillEn;
