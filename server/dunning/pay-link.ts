/** The pay link of a reminder: PAY_LINK_URL with `{invoiceId}`/`{number}`, default PUBLIC_URL/pay/{invoiceId}. */
export function payLink(inv: { id: string; number: string | null }): string {
  return (process.env.PAY_LINK_URL ?? `${process.env.PUBLIC_URL ?? 'http://localhost:3000'}/pay/{invoiceId}`).replace('{invoiceId}', inv.id).replace('{number}', inv.number ?? inv.id);
}
