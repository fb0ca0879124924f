import { TOOL_NAME, TOOL_VERSION } from '../version';
import { FAMILY_SCHEMA_VERSION, type ManyModelReport } from '../../protocol/family';
import type { ManyModelParts } from './many';

/** The fields a family or drift report opens with, its kind among them. */
export function reportHead<K extends string>(kind: K, parts: ManyModelParts) {
  return {
    schemaVersion: FAMILY_SCHEMA_VERSION,
    kind,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    createdAt: new Date().toISOString(),
    backend: parts.backend,
    settings: parts.settings,
    probe: parts.probe,
  };
}

/** The fields a family or drift report closes with: the fits, those planned and skipped, timings, the plan and
 * warnings. */
export function reportTail(
  parts: ManyModelParts,
): Pick<ManyModelReport, 'fits' | 'planned' | 'skipped' | 'timings' | 'plan' | 'warnings'> {
  return {
    fits: parts.fits,
    planned: parts.planned,
    ...(parts.skipped.length ? { skipped: parts.skipped } : {}),
    timings: parts.timings,
    ...(parts.plan ? { plan: parts.plan } : {}),
    warnings: parts.warnings,
  };
}
