import type { printingContract } from '../../shared/api/contract/printing';
import type { HandlersFor } from '../api/dispatch';
import type { PrintService } from '../printing/printService';
import type { SaleQueries } from '../sales/saleQueries';

/** Receipts and the printer. */
export const printingHandlers = (d: { printing: PrintService; queries: SaleQueries }): HandlersFor<typeof printingContract> => {
  const printer = () => ({ settings: d.printing.config(), state: d.printing.state() });
  return {
    getReceipt: ({ saleId, copy }) => d.printing.preview(saleId, copy),
    printReceipt: ({ saleId, copy }) => {
      d.queries.get(saleId); // sale_not_found for an unknown id
      const copies = copy === 'both' ? (['beneficiary', 'shop'] as const) : [copy];
      const jobs = copies.map((c) => d.printing.enqueue('receipt', saleId, c));
      d.printing.kick();
      return { jobs };
    },
    getPrinter: () => printer(),
    savePrinter: async (s) => {
      await d.printing.saveConfig(s);
      return printer();
    },
    printTest: () => {
      const job = d.printing.enqueue('test', null, 'test');
      d.printing.kick();
      return { jobs: [job] };
    },
    listPrintJobs: () => d.printing.jobs(),
    retryPrinting: () => {
      d.printing.retryNow();
      return d.printing.state();
    },
    cancelPrintJob: ({ jobId }) => {
      d.printing.cancel(jobId);
      return d.printing.state();
    },
  };
};
