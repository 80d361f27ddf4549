/** English messages of the wallet actions (top-up, grant, adjustment) and expiring grants. Merged into en.ts. */
const walletOpsEn = {
  walletOps: {
    topUp: 'Top up prepaid', grant: 'Grant credit / points', adjust: 'Adjust',
    kind: 'Wallet', direction: 'Direction', credit: 'Add', debit: 'Deduct', points: 'points',
    expiresOn: 'Expires on', noExpiry: 'Never expires', today: 'Today', expiring: 'Expiring grants', expiringAmount: 'Left to expire (unless used first)',
    hint: {
      topUp: 'Money received to hold as prepaid balance: recorded as a payment and credited to the prepaid wallet; later invoices draw it down.',
      grant: 'Promotional credit or points given without payment. What is left of it expires at the start of the expiry date (oldest grants are used first).',
      adjust: 'A manual correction; the reason is kept in the ledger and the audit log. A deduction can never take the balance below zero.',
    },
    done: { topUp: 'Top-up recorded', grant: 'Granted', adjust: 'Adjustment posted' },
  },
};
export default walletOpsEn;
