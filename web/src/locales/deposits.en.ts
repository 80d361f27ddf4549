/** English messages of bank deposits (statement import, unmatched queue). Merged into en.ts. */
const depositsEn = {
  deposits: {
    route: 'Bank deposits',
    import: {
      title: 'Import a bank statement', file: 'Choose a CSV file', currency: 'Currency of lines without one', dryRun: 'Check (dry run)', run: 'Import',
      hint: 'Korean bank exports (국민, 신한, 우리, 하나, 기업: 거래일자, 입금액, 입금자명/내용, 메모/적요, 가상계좌번호) are read as they are, EUC-KR or UTF-8. The same line is never recorded twice.',
      progress: '{processed} of {rows} lines', status: { queued: 'Queued', validating: 'Checking', applying: 'Importing', done: 'Done', invalid: 'Has errors', failed: 'Failed' },
      counts: 'Matched {matched} · unmatched {unmatched} · already imported {duplicates} · withdrawals skipped {skipped}',
      errorsTitle: 'Nothing was stored: fix these lines and try again', line: 'Line', field: 'Column', message: 'Problem',
      plan: 'What the import will do', outcome: { matched: 'Matched', unmatched: 'To the queue', duplicate: 'Already imported' },
      failed: 'The import failed: {error}', history: 'Recent imports', none: 'No imports yet',
    },
    field: { date: 'Date', amount: 'Amount', depositorName: 'Depositor', memo: 'Memo', accountNumber: 'Virtual account', currency: 'Currency' },
    rule: { virtual_account: 'Virtual account', invoice_number: 'Invoice number in memo', amount_and_name: 'Amount and name', manual: 'By hand' },
    reason: { no_match: 'No payer found', ambiguous: 'Several invoices fit', currency: 'Currency differs' },
    status: { unmatched: 'Unmatched', matched: 'Matched', dismissed: 'Dismissed' },
    source: { bank_file: 'Bank statement', sandbox: 'Sandbox', toss: 'Toss Payments' },
    queue: {
      title: 'Deposits', bookedOn: 'Date', depositor: 'Depositor', memo: 'Memo', source: 'Source', why: 'Why', payer: 'Payer',
      rule: 'Matched by', match: 'Match', dismiss: 'Dismiss', matchTitle: 'Match the deposit', dismissTitle: 'Dismiss the deposit',
      customer: 'Payer or customer', invoice: 'Invoice (optional)', invoiceHint: 'Paid first; the rest goes to the oldest open invoices, then to prepaid balance',
      reason: 'Reason', reasonHint: 'e.g. returned to the sender', matched: 'The deposit was recorded as a payment', dismissed: 'The deposit was dismissed',
      empty: 'No deposits wait for a person', resolvedBy: 'By',
    },
  },
};
export default depositsEn;
