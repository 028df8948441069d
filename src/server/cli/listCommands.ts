import fs from 'node:fs';
import path from 'node:path';
import { ELIGIBLE_CATEGORIES, type EligibleCategory } from '../../shared/domain/categories';
import { formatYuan, parseYuan } from '../../shared/domain/money';
import { aplHistory, listAplVersions } from '../program/aplPublish';
import { aplErrorsCsv, aplReasonText, readAplFile } from '../program/aplImport';
import type { Program } from '../program/program';
import { ProgramError } from '../program/programError';
import { decideProposal, listProposals, proposalStatusSchema } from '../program/proposals';
import { campaignReport, reportWorkbook } from '../program/report';
import type { ProgramStore } from '../store/programStore';

export const LIST_USAGE = `  apl import FILE [--errors OUT.csv]             the approved product list from .xlsx/.xls/.csv (UTF-8 or GBK):
                                                  columns 条码 分类 [最高单价 生效日期 失效日期]; the file is the
                                                  whole new list: good rows become the next signed version
                                                  (with deltas), bad rows are listed (and written to --errors)
  apl list                                        the list's versions
  apl show BARCODE                                a barcode's history on the list
  proposals list [--status pending|approved|refused] [--merchant M1]
  proposals approve ID [--category C] [--price YUAN]
                                                  into the shop's signed list (the next version)
  proposals refuse ID --reason TEXT               (an approved one leaves the shop's list)
  report campaign ID --out report.xlsx            what the campaign's money bought: by category, merchant,
                                                  top items, per day (accepted, net of voids; Asia/Shanghai)`;

export interface ListCommandValues {
  errors?: string | undefined;
  status?: string | undefined;
  category?: string | undefined;
  price?: string | undefined;
  reason?: string | undefined;
  merchant?: string | undefined;
  out?: string | undefined;
}

/** The commands of issue 11; false when `command sub` is none of them. */
export async function runListCommand(
  command: string,
  sub: string | undefined,
  rest: string[],
  values: ListCommandValues,
  program: Program,
  store: ProgramStore,
  out: (s: string) => void,
): Promise<boolean> {
  switch (`${command} ${sub ?? ''}`.trim()) {
    case 'apl import': {
      const file = rest[0];
      if (!file) throw new ProgramError('missing a list file (.xlsx, .xls or .csv)');
      const read = readAplFile(fs.readFileSync(file), path.basename(file));
      out(
        `${path.basename(file)}: ${read.format}${read.encoding ? ` (${read.encoding})` : ''}, titles on row ${read.headerRow}; ${read.rows} rows: ${read.entries.length} good, ${read.errors.length} refused`,
      );
      for (const e of read.errors.slice(0, 50))
        out(
          `  row ${e.row}\t${e.barcode}\t${e.reasons.map((r) => `${r.code}: ${aplReasonText(r.code)}${r.detail ? ` (${r.detail})` : ''}`).join('; ')}`,
        );
      if (read.errors.length > 50)
        out(`  … and ${read.errors.length - 50} more${values.errors ? '' : ' (write them all with --errors OUT.csv)'}`);
      if (values.errors) {
        fs.writeFileSync(values.errors, aplErrorsCsv(read.errors));
        out(`refused rows → ${values.errors}`);
      }
      if (read.entries.length === 0) throw new ProgramError('no good rows: the list was not changed');
      const r = await program.publishApl(read.entries, path.basename(file));
      if (!r.changed) out(`the list is the same as version ${r.version}: nothing published`);
      else
        out(
          `APL version ${r.version} signed: ${r.entries} entries (${r.upserts} new or changed, ${r.removals} removed); deltas from ${r.deltasFrom.length ? r.deltasFrom.join(', ') : 'no earlier version'}; tills get it at their next sync`,
        );
      return true;
    }
    case 'apl list': {
      const versions = await listAplVersions(store.sql);
      for (const v of versions)
        out(`${v.version}\t${v.issuedAt}\t${v.entries} entries\t+${v.upserts} −${v.removals}${v.source ? `\t${v.source}` : ''}`);
      if (versions.length === 0) out('no approved product list yet: npm run program -- apl import FILE');
      return true;
    }
    case 'apl show': {
      const barcode = rest[0];
      if (!barcode) throw new ProgramError('missing a barcode');
      const history = await aplHistory(store.sql, barcode);
      for (const h of history)
        out(
          `versions ${h.fromVersion}–${h.toVersion === null ? 'now' : h.toVersion - 1}\t${h.category}\t${h.maxUnitPriceFen === null ? 'no price cap' : `≤ ${formatYuan(h.maxUnitPriceFen)}`}\t${h.validFrom ?? '…'} → ${h.validUntil ?? '…'}`,
        );
      if (history.length === 0) out(`${barcode} has never been on the list`);
      return true;
    }
    case 'proposals list': {
      const status = values.status === undefined ? undefined : proposalStatusSchema.safeParse(values.status);
      if (status && !status.success) throw new ProgramError('--status: pending, approved or refused');
      const list = await listProposals(store.sql, {
        ...(status?.data ? { status: status.data } : {}),
        ...(values.merchant ? { merchantId: values.merchant } : {}),
      });
      for (const p of list)
        out(
          `${p.proposalId}\t${p.merchantId}\t${p.status}\t${p.name}\t${formatYuan(p.priceFen)}\t${p.category}${p.barcode ? `\t${p.barcode}` : ''}${p.note ? `\t“${p.note}”` : ''}${p.status === 'approved' ? `\t→ ${p.approvedCategory} ${formatYuan(p.approvedPriceFen ?? 0)}` : ''}${p.reason ? `\t(${p.reason})` : ''}`,
        );
      if (list.length === 0) out('no proposals');
      return true;
    }
    case 'proposals approve':
    case 'proposals refuse': {
      const id = rest[0];
      if (!id) throw new ProgramError('missing a proposal id');
      const key = await program.replyKey();
      let r;
      if (sub === 'approve') {
        let category: EligibleCategory | undefined;
        if (values.category !== undefined) {
          if (!(ELIGIBLE_CATEGORIES as readonly string[]).includes(values.category))
            throw new ProgramError(`--category: one of ${ELIGIBLE_CATEGORIES.join(', ')}`);
          category = values.category as EligibleCategory;
        }
        let priceFen: number | undefined;
        if (values.price !== undefined) {
          const p = parseYuan(values.price);
          if (p === null || p <= 0) throw new ProgramError('--price: an amount in yuan like 20 or 19.90');
          priceFen = p;
        }
        r = await decideProposal(
          store,
          key,
          id,
          { approve: { ...(category ? { category } : {}), ...(priceFen !== undefined ? { priceFen } : {}) } },
          new Date(),
        );
      } else {
        if (!values.reason) throw new ProgramError('missing --reason (the shop sees it)');
        r = await decideProposal(store, key, id, { refuse: { reason: values.reason } }, new Date());
      }
      out(
        `${id} ${r.proposal.status}${r.proposal.status === 'approved' ? ` as ${r.proposal.approvedCategory} at ${formatYuan(r.proposal.approvedPriceFen ?? 0)}` : ''}; ${r.proposal.merchantId}'s shop list is now version ${r.shopListVersion}`,
      );
      return true;
    }
    case 'report campaign': {
      const id = Number(rest[0]);
      if (!Number.isSafeInteger(id) || id < 1) throw new ProgramError('missing a campaign id');
      if (!values.out) throw new ProgramError('missing --out report.xlsx');
      const report = await campaignReport(store, id);
      fs.writeFileSync(values.out, reportWorkbook(report));
      out(`campaign ${id} 「${report.campaign.nameZh}」: ${report.totals.records} redemptions, ￥${report.totals.amount} → ${values.out}`);
      return true;
    }
    default:
      return false;
  }
}
