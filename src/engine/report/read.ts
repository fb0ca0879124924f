/**
 * Reports read back (kc report, the extension's results cache) are untrusted input: a saved report may be truncated,
 * edited or crafted. Every reader takes it through here, so that renderers only ever see a report that fits
 * docs/report.schema.json, whose size caps bound what they allocate.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import schema from '../../../docs/report.schema.json';
import { REPORT_SCHEMA_VERSION, type Report } from '../../protocol/report';
import { KcError } from '../errors';
import { terminalText } from './escape';

// Compiled on first use: most runs of the CLI and the extension never read a report back.
let validate: ValidateFunction<Report> | undefined;

/** Well above any report kc writes (500 probes: under 10 MB): a bigger file is not read into memory at all. */
export const MAX_REPORT_BYTES = 64 * 2 ** 20;

/**
 * A saved report's (or cache file's) text. Only a regular file of at most MAX_REPORT_BYTES is read; it is opened
 * non-blocking and checked on the handle, so a FIFO or a device named r.json never blocks.
 */
export async function readReportText(file: string): Promise<string> {
  const name = terminalText(file);
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new KcError(`cannot read ${name} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new KcError(`${name} is not a regular file: give a report written by kc compare --json`);
    if (info.size > MAX_REPORT_BYTES) {
      throw new KcError(
        `${name} is ${Math.round(info.size / 2 ** 20)} MB, more than any report kc writes (${MAX_REPORT_BYTES / 2 ** 20} MB): not read`,
      );
    }
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** JSON text → a checked report; `source` (a file name) starts every error message. */
export function parseReport(text: string, source: string): Report {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new KcError(`${source} is not JSON: give a report written by kc compare --json`);
  }
  return checkReport(value, source);
}

/**
 * A parsed value → the same value typed as a report, or a one-line KcError naming its first bad field; `at` is the
 * report's JSON pointer in the file when it is part of a larger document (the extension's cache files).
 */
export function checkReport(value: unknown, source: string, at = ''): Report {
  const candidate = value as Partial<Report> | null;
  if (candidate?.schemaVersion !== REPORT_SCHEMA_VERSION || !Array.isArray(candidate.pairs) || !candidate.settings) {
    throw new KcError(
      `${source} is not a knowledge-consistency report (schemaVersion ${REPORT_SCHEMA_VERSION} with pairs and settings)`,
    );
  }
  validate ??= new Ajv({ allowUnionTypes: true }).compile<Report>(schema);
  const problem = validate(value) ? matrixProblem(value, at) : describe(validate.errors![0], at);
  if (problem) throw new KcError(`${source} is not a valid knowledge-consistency report: ${problem}`);
  return value as Report;
}

/** What the schema cannot say: every measure holds rows × cols values, as the renderers index it. */
function matrixProblem(report: Report, at: string): string | undefined {
  const m = report.matrix;
  if (!m) return undefined;
  for (const [name, values] of Object.entries(m.measures)) {
    if (values.length !== m.layersA.length * m.layersB.length) {
      return `${shown(`${at}/matrix/measures/${pointer(name)}`)} has ${values.length} values for ${m.layersA.length} × ${m.layersB.length} layers`;
    }
  }
  return undefined;
}

/** Ajv stops at the first error (allErrors off): one line, with the field as a JSON pointer. */
function describe(error: ErrorObject, at: string): string {
  const path = `${at}${error.instancePath}`;
  const where = shown(path);
  switch (error.keyword) {
    case 'required':
      return `${shown(`${path}/${pointer(String(error.params.missingProperty))}`)} is missing`;
    case 'type':
      return `${where} must be ${[error.params.type].flat().join(' or ')}`;
    case 'enum':
      return `${where} must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return error.propertyName === undefined
        ? `${where} ${error.message}`
        : `${where} has a key that ${error.message}`;
  }
}

/** A JSON pointer as shown in a message: keys come from the file, so long ones are cut and control characters replaced. */
function shown(path: string): string {
  if (path === '') return 'the top level';
  return terminalText(
    path
      .split('/')
      .map((part) => (part.length > 60 ? `${part.slice(0, 60)}…` : part))
      .join('/'),
  );
}

function pointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
