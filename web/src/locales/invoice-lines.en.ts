/** How an invoice line's amount was made: unit price, tiers, coupon code (invoice page). */
const invoiceLinesEn = {
  invoiceLines: {
    unitPrice: 'Unit price',
    tierRow: 'tier {range}: {units} × {price}{flat} = {amount}',
    coupon: 'coupon {code}',
    net: 'Net',
    freeUnits: '{n} free units',
  },
};
export default invoiceLinesEn;
