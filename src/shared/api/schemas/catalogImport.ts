import { z } from 'zod';
import { CATEGORIES } from '../../domain/categories';

/**
 * Loading a shop's product list from Excel, WPS or CSV (issue 11): the shapes that cross PosApi.
 * The file travels as base64 with every call (preview, commit, error list): core keeps no import
 * session, so a restart or a second window never finds a half-finished one.
 */

/** A product list larger than this is not a shop's list (20 MB holds some 300,000 rows of XLSX). */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
/** The same limit as base64 text. */
export const MAX_IMPORT_BASE64 = Math.ceil(MAX_IMPORT_BYTES / 3) * 4;
/** The HTTP body a method carrying such a file may have (base64 plus the JSON around it). */
export const MAX_IMPORT_BODY_BYTES = MAX_IMPORT_BASE64 + 256 * 1024;

/** What a column of the shop's file can be. Name and price are required; a row without a barcode is matched by name. */
export const IMPORT_FIELDS = ['barcode', 'name', 'price', 'category', 'unit', 'spec'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
export const REQUIRED_IMPORT_FIELDS: readonly ImportField[] = ['name', 'price'];

/** Which column (0-based) holds each field; null: the file has none. */
const column = z.number().int().min(0).max(255).nullable();
export const columnMappingSchema = z
  .object({ barcode: column, name: column, price: column, category: column, unit: column, spec: column })
  .strict();
export type ColumnMapping = z.output<typeof columnMappingSchema>;

/** auto: strict UTF-8 first, else GB18030 (a superset of GBK). Never a charset detector. */
export const IMPORT_ENCODINGS = ['auto', 'utf8', 'gb18030'] as const;
export type ImportEncoding = (typeof IMPORT_ENCODINGS)[number];
/** What a text file was actually read as. */
export const TEXT_ENCODINGS = ['utf8', 'utf16le', 'gb18030'] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

/** How far down a title, a merged banner or notes may push the header row. */
export const MAX_HEADER_ROW = 30;

/** The shop's own category names (奶粉, 尿不湿) → the program's categories, as the owner mapped them. */
export const categoryMapSchema = z
  .record(z.string().max(60), z.enum(CATEGORIES))
  .refine((m) => Object.keys(m).length <= 1000, 'too many category names');
export type CategoryMap = z.output<typeof categoryMapSchema>;

export const importFileSchema = z
  .object({
    fileName: z.string().trim().min(1).max(255),
    base64: z.string().min(1).max(MAX_IMPORT_BASE64),
  })
  .strict();

export const importRequestSchema = z
  .object({
    file: importFileSchema,
    encoding: z.enum(IMPORT_ENCODINGS).default('auto'),
    /** 1-based row of the column titles; null: found by matching titles. */
    headerRow: z.number().int().min(1).max(MAX_HEADER_ROW).nullable().default(null),
    /** null: matched by the titles (or remembered from the last import). */
    mapping: columnMappingSchema.nullable().default(null),
    categoryMap: categoryMapSchema.default({}),
  })
  .strict();
export type ImportRequest = z.output<typeof importRequestSchema>;

/** Why a row is skipped. Each is a message key `import.issue.<code>`. */
export const IMPORT_ISSUES = [
  'barcode_check_digit',
  'barcode_scientific',
  'barcode_format',
  'name_blank',
  'name_too_long',
  'price_blank',
  'price_malformed',
  'price_negative',
  'price_too_large',
  'category_blank',
  'category_unknown',
  'unit_too_long',
  'spec_too_long',
  'duplicate_in_file',
] as const;
export type ImportIssue = (typeof IMPORT_ISSUES)[number];

/** Things the owner should know about a row that is imported all the same. Keys `import.note.<code>`. */
export const IMPORT_NOTES = ['leading_zero_restored', 'scientific_exact', 'restores_retired'] as const;
export type ImportNote = (typeof IMPORT_NOTES)[number];

const params = z.record(z.string(), z.union([z.string(), z.number()]));

export const rowErrorSchema = z.object({
  /** The row number as Excel shows it (1-based, counting the title and header rows). */
  row: z.number().int(),
  reasons: z.array(z.object({ code: z.enum(IMPORT_ISSUES), params })),
  /** What the row says, for the list (raw text, possibly wrong). */
  barcode: z.string(),
  name: z.string(),
});
export type RowError = z.output<typeof rowErrorSchema>;

export const rowNoteSchema = z.object({ row: z.number().int(), code: z.enum(IMPORT_NOTES), params });
export type RowNote = z.output<typeof rowNoteSchema>;

/** A row whose barcode (or, without one, name) is already in the catalogue: importing updates that item. */
export const rowUpdateSchema = z.object({
  row: z.number().int(),
  itemId: z.number().int(),
  barcode: z.string(),
  oldName: z.string(),
  name: z.string(),
  oldPriceFen: z.number().int(),
  priceFen: z.number().int(),
});
export type RowUpdate = z.output<typeof rowUpdateSchema>;

export const CATEGORY_SOURCES = ['owner', 'program', 'synonym'] as const;
export const categoryLabelSchema = z.object({
  /** The shop's text as in the file ('' for rows that leave it blank). */
  label: z.string(),
  rows: z.number().int(),
  category: z.enum(CATEGORIES).nullable(),
  /** owner: mapped by the owner (now or last time); program: a program category's code or name; synonym: a common shop word. */
  source: z.enum(CATEGORY_SOURCES).nullable(),
});
export type CategoryLabel = z.output<typeof categoryLabelSchema>;

export const importTotalsSchema = z.object({
  /** Rows below the header that hold anything. */
  rows: z.number().int(),
  creates: z.number().int(),
  updates: z.number().int(),
  errors: z.number().int(),
  /** Empty rows (trailing lines, spacer rows): ignored, not errors. */
  blank: z.number().int(),
});

/** Lists in a reply stop here; the downloadable error list has every row. */
export const IMPORT_LIST_CAP = 200;

export const importPreviewSchema = z.object({
  format: z.enum(['xlsx', 'xls', 'csv']),
  /** CSV and text files only: what the bytes were read as. */
  encoding: z.enum(TEXT_ENCODINGS).nullable(),
  sheetName: z.string().nullable(),
  headerRow: z.number().int().nullable(),
  /** The header row's titles (or A, B, C … when no header row was found). */
  headers: z.array(z.string()),
  mapping: columnMappingSchema,
  mappingSource: z.enum(['given', 'remembered', 'matched']),
  /** Required fields no column is mapped to: rows are not checked until they are. */
  missingFields: z.array(z.enum(IMPORT_FIELDS)),
  /** The first rows under the header, as text. */
  sample: z.array(z.object({ row: z.number().int(), cells: z.array(z.string()) })),
  totals: importTotalsSchema,
  categories: z.array(categoryLabelSchema),
  errors: z.array(rowErrorSchema),
  updates: z.array(rowUpdateSchema),
  notes: z.array(rowNoteSchema),
});
export type ImportPreview = z.output<typeof importPreviewSchema>;

export const importResultSchema = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  skipped: z.number().int(),
  errors: z.array(rowErrorSchema),
});
export type ImportResult = z.output<typeof importResultSchema>;

export const IMPORT_STAGES = ['idle', 'reading', 'checking', 'saving'] as const;
export const importProgressSchema = z.object({
  stage: z.enum(IMPORT_STAGES),
  /** Rows handled in this stage so far, of `total` (0 of 0 while a file is being read). */
  done: z.number().int(),
  total: z.number().int(),
});
export type ImportProgress = z.output<typeof importProgressSchema>;
