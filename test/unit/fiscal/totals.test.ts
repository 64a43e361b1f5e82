// The daily report's contents from the printer's totals: VAT from each slot's gross total (as the
// printer computes it, not summed per line), exempt and 0 % without VAT, empty slots left out.
import { dailyReportContents, vatOf } from '../../../connectors/fiscal/totals.ts';
import { slotsFromValues } from '../../../connectors/fiscal/vat.ts';

test('VAT contained in a gross total, rounded half up; none for exempt, 0 % or inactive', () => {
  expect(vatOf(12300, 23)).toBe(2300);
  expect(vatOf(5999, 23)).toBe(1122); // 1121.77
  expect(vatOf(10800, 8)).toBe(800);
  expect(vatOf(1000, 'exempt')).toBe(0);
  expect(vatOf(1000, 0)).toBe(0);
  expect(vatOf(1000, 'inactive')).toBe(0);
});

test('contents: receipts and invoices added per slot, empty slots left out, totals and counts', () => {
  const slots = slotsFromValues(['23,00', '8,00', '5,00', '0,00', '100,00', '101,00', '101,00']);
  const contents = dailyReportContents({
    nextReportNumber: 7,
    receiptGross: [5999, 0, 799, 0, 3990, 0, 0],
    invoiceGross: [6001, 0, 0, 0, 0, 0, 0],
    receipts: 3,
    invoices: 1,
    cancelledReceipts: 1,
    cancelledTotal: 500,
    zero: false,
    reportedBefore: true,
    slots,
  });
  expect(contents.slots).toEqual([
    { letter: 'A', rate: 23, gross: 12000, vat: 2244, net: 9756 },
    { letter: 'C', rate: 5, gross: 799, vat: 38, net: 761 },
    { letter: 'E', rate: 'exempt', gross: 3990, vat: 0, net: 3990 },
  ]);
  expect(contents).toMatchObject({ reportNumber: 7, gross: 16789, vat: 2282, net: 14507, receipts: 3, invoices: 1, cancelledReceipts: 1, cancelledTotal: 500 });
});
