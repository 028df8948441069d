import crypto from 'node:crypto';
import { PosError } from '../../shared/api/errors';
import type { ExportFile } from '../../shared/api/schemas/backoffice';
import {
  IMPORT_LIST_CAP,
  MAX_IMPORT_BYTES,
  REQUIRED_IMPORT_FIELDS,
  type CategoryLabel,
  type ColumnMapping,
  type ImportField,
  type ImportPreview,
  type ImportProgress,
  type ImportRequest,
  type ImportResult,
  type RowUpdate,
} from '../../shared/api/schemas/catalogImport';
import { translate } from '../../shared/i18n/translate';
import type { Db } from '../db/open';
import type { Logger } from '../system/log';
import type { SettingsStore } from '../system/settings';
import { sheetFile, type SheetFormat } from './exportCatalog';
import { categoryResolver, type CategoryResolver } from './importCategories';
import { columnLetter, EMPTY_MAPPING, findHeaderRow, mappingTitles, matchColumns, rememberedMapping } from './importColumns';
import { CatalogMatcher, upsertRows } from './importCommit';
import { readImportFile, type ReadFile, type SheetTable } from '../../shared/tabular/readTable';
import { RowChecker } from './importRows';

export interface CatalogImportDeps {
  db: Db;
  settings: SettingsStore;
  log: Logger;
  now: () => number;
}

interface Analysis {
  file: ReadFile;
  sheet: SheetTable;
  headerIndex: number | null;
  headers: string[];
  mapping: ColumnMapping;
  mappingSource: ImportPreview['mappingSource'];
  missing: ImportField[];
  resolver: CategoryResolver;
  /** null while a required column is unmapped: rows are not checked then. */
  checked: RowChecker | null;
}

const SAMPLE_ROWS = 8;
const CHUNK = 2000;
const CACHE_MS = 10 * 60_000;
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The import workflow: read the file → find the header row and the columns → check every row →
 * show the owner (preview) → upsert the good rows in ONE transaction (commit), remembering the
 * mapping for next time. Bad rows are skipped and listed; the list can be downloaded. The file
 * comes with every call (core keeps no import session); the last one read is kept, so changing
 * the mapping does not read a large workbook again.
 *
 * Checking yields to the event loop every few thousand rows, so `progress()` (polled by the
 * screen) answers while a large file is under way.
 */
export class CatalogImport {
  private state: ImportProgress = { stage: 'idle', done: 0, total: 0 };
  private job = 0;
  private cache: { key: string; file: ReadFile } | null = null;
  private forget: NodeJS.Timeout | undefined;

  constructor(private readonly d: CatalogImportDeps) {}

  progress(): ImportProgress {
    return { ...this.state };
  }

  async preview(req: ImportRequest): Promise<ImportPreview> {
    return this.run(async (job) => {
      const a = await this.analyse(req, job);
      const matcher = new CatalogMatcher(this.d.db);
      const updates: RowUpdate[] = [];
      const notes = [...(a.checked?.notes ?? [])];
      let creates = 0;
      let updateCount = 0;
      for (const r of a.checked?.good ?? []) {
        const m = matcher.match(r);
        if (!m) {
          creates++;
          continue;
        }
        updateCount++;
        if (!m.active) notes.push({ row: r.row, code: 'restores_retired', params: { name: m.name } });
        if (updates.length < IMPORT_LIST_CAP)
          updates.push({
            row: r.row,
            itemId: m.itemId,
            barcode: r.barcode ?? '',
            oldName: m.name,
            name: r.name,
            oldPriceFen: m.priceFen,
            priceFen: r.priceFen,
          });
      }
      const errors = a.checked?.errors ?? [];
      return {
        format: a.file.format,
        encoding: a.file.encoding,
        sheetName: a.sheet.name,
        headerRow: a.headerIndex === null ? null : a.headerIndex + 1,
        headers: a.headers,
        mapping: a.mapping,
        mappingSource: a.mappingSource,
        missingFields: a.missing,
        sample: this.sample(a),
        totals: {
          rows: (a.checked?.good.length ?? 0) + errors.length,
          creates,
          updates: updateCount,
          errors: errors.length,
          blank: a.checked?.blank ?? 0,
        },
        categories: this.categories(a),
        errors: errors.slice(0, IMPORT_LIST_CAP).map(({ cells: _cells, ...e }) => e),
        updates,
        notes: notes.sort((x, y) => x.row - y.row).slice(0, IMPORT_LIST_CAP),
      };
    });
  }

  async commit(req: ImportRequest): Promise<ImportResult> {
    return this.run(async (job) => {
      const a = await this.analyse(req, job);
      const checked = this.requireColumns(a);
      this.report(job, 'saving', 0, checked.good.length);
      const now = new Date(this.d.now()).toISOString();
      const counts = this.d.db.transaction(() => {
        const c = upsertRows(this.d.db, checked.good, now);
        if (a.headerIndex !== null) this.d.settings.set('catalog.importColumns', mappingTitles(a.headers, a.mapping));
        if (Object.keys(req.categoryMap).length > 0) {
          const merged = { ...this.d.settings.get('catalog.importCategories'), ...req.categoryMap };
          this.d.settings.set('catalog.importCategories', Object.fromEntries(Object.entries(merged).slice(-1000)));
        }
        return c;
      })();
      this.cache = null;
      this.d.log.info(
        {
          format: a.file.format,
          encoding: a.file.encoding,
          rows: checked.good.length + checked.errors.length,
          ...counts,
          skipped: checked.errors.length,
        },
        'product list imported',
      );
      return {
        ...counts,
        skipped: checked.errors.length,
        errors: checked.errors.slice(0, IMPORT_LIST_CAP).map(({ cells: _cells, ...e }) => e),
      };
    });
  }

  /** Every skipped row with its reasons and its original cells, for the owner to fix in Excel. */
  async errorsFile(req: ImportRequest, format: SheetFormat): Promise<ExportFile> {
    return this.run(async (job) => {
      const a = await this.analyse(req, job);
      const checked = this.requireColumns(a);
      const locale = this.d.settings.get('locale');
      const t = (k: Parameters<typeof translate>[1], p?: Record<string, string | number>) => translate(locale, k, p);
      return sheetFile({
        baseName: `${req.file.fileName.replace(/\.\w+$/, '')}-${t('import.errorsFileName')}`,
        sheetName: t('import.errorsFileName'),
        header: [t('import.col.row'), t('import.col.reasons'), ...a.headers],
        rows: checked.errors.map((e) => [e.row, e.reasons.map((r) => t(`import.issue.${r.code}`, r.params)).join('；'), ...e.cells]),
        format,
      });
    });
  }

  private requireColumns(a: Analysis): RowChecker {
    if (!a.checked)
      throw new PosError('import_columns_missing', `no column for ${a.missing.join(', ')}`, { params: { name: a.missing.join(', ') } });
    return a.checked;
  }

  private async run<T>(work: (job: number) => Promise<T>): Promise<T> {
    const job = ++this.job;
    try {
      return await work(job);
    } finally {
      if (job === this.job) this.state = { stage: 'idle', done: 0, total: 0 };
    }
  }

  private report(job: number, stage: ImportProgress['stage'], done: number, total: number): void {
    if (job === this.job) this.state = { stage, done, total };
  }

  private async analyse(req: ImportRequest, job: number): Promise<Analysis> {
    this.report(job, 'reading', 0, 0);
    await tick();
    const file = this.read(req);
    const { sheet, header } = pickSheet(file.sheets, req.headerRow);
    const headerIndex = header;
    const width = Math.max(0, ...sheet.rows.slice(0, 50).map((r) => r.length));
    const titles = headerIndex === null ? [] : (sheet.rows[headerIndex] ?? []);
    const headers = Array.from({ length: Math.max(width, titles.length) }, (_, i) => (titles[i] ?? '').trim() || columnLetter(i));

    let mapping: ColumnMapping;
    let mappingSource: Analysis['mappingSource'] = 'matched';
    if (req.mapping) {
      mapping = { ...req.mapping };
      for (const f of Object.keys(mapping) as ImportField[]) if ((mapping[f] ?? -1) >= headers.length) mapping[f] = null;
      mappingSource = 'given';
    } else {
      const auto = headerIndex === null ? { ...EMPTY_MAPPING } : matchColumns(titles);
      const r =
        headerIndex === null
          ? { mapping: auto, used: false }
          : rememberedMapping(titles, this.d.settings.get('catalog.importColumns'), auto);
      mapping = r.mapping;
      if (r.used) mappingSource = 'remembered';
    }
    const missing = REQUIRED_IMPORT_FIELDS.filter((f) => mapping[f] === null);
    const resolver = categoryResolver({ ...this.d.settings.get('catalog.importCategories'), ...req.categoryMap });
    const base: Omit<Analysis, 'checked'> = { file, sheet, headerIndex, headers, mapping, mappingSource, missing, resolver };
    if (missing.length > 0) return { ...base, checked: null };

    const checker = new RowChecker(mapping, resolver);
    const first = headerIndex === null ? 0 : headerIndex + 1;
    const total = sheet.rows.length - first;
    for (let i = first; i < sheet.rows.length; i++) {
      checker.check(sheet.rows[i]!, i + 1);
      if ((i - first) % CHUNK === CHUNK - 1) {
        this.report(job, 'checking', i - first + 1, total);
        await tick();
      }
    }
    return { ...base, checked: checker };
  }

  private read(req: ImportRequest): ReadFile {
    const key = crypto
      .createHash('sha256')
      .update(req.encoding)
      .update('\0')
      .update(req.file.fileName)
      .update('\0')
      .update(req.file.base64)
      .digest('hex');
    if (this.cache?.key === key) return this.cache.file;
    const bytes = Buffer.from(req.file.base64, 'base64');
    if (bytes.length > MAX_IMPORT_BYTES) throw new PosError('import_too_large', `file of ${bytes.length} bytes`);
    const file = readImportFile(bytes, req.file.fileName, req.encoding);
    if (!file.sheets.some((s) => s.rows.some((r) => r.some((c) => c.trim() !== '')))) throw new PosError('import_empty', 'no rows');
    this.cache = { key, file };
    // A large workbook is not kept once the owner has walked away from the wizard.
    clearTimeout(this.forget);
    this.forget = setTimeout(() => (this.cache = null), CACHE_MS).unref();
    return file;
  }

  private sample(a: Analysis): ImportPreview['sample'] {
    const out: ImportPreview['sample'] = [];
    const first = a.headerIndex === null ? 0 : a.headerIndex + 1;
    for (let i = first; i < a.sheet.rows.length && out.length < SAMPLE_ROWS; i++) {
      const cells = a.sheet.rows[i]!;
      if (cells.every((c) => c.trim() === '')) continue;
      out.push({ row: i + 1, cells: a.headers.map((_, c) => (cells[c] ?? '').slice(0, 80)) });
    }
    return out;
  }

  private categories(a: Analysis): CategoryLabel[] {
    if (!a.checked) return [];
    return [...a.checked.labels.entries()]
      .map(([label, rows]) => {
        const r = a.resolver(label);
        return { label, rows, category: r?.category ?? null, source: r?.source ?? null };
      })
      .sort((x, y) => Number(x.category !== null) - Number(y.category !== null) || y.rows - x.rows)
      .slice(0, 300);
  }
}

/** The sheet with the best header row (the first sheet when none has one); the owner's header row wins. */
function pickSheet(sheets: SheetTable[], headerRow: number | null): { sheet: SheetTable; header: number | null } {
  const withData = sheets.filter((s) => s.rows.some((r) => r.some((c) => c.trim() !== '')));
  if (headerRow !== null) return { sheet: withData[0] ?? sheets[0]!, header: headerRow - 1 };
  for (const sheet of withData) {
    const header = findHeaderRow(sheet.rows);
    if (header !== null) return { sheet, header };
  }
  return { sheet: withData[0] ?? sheets[0]!, header: null };
}
