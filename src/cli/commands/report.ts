import type { Command } from 'commander';
import { KcError } from '../../engine/errors';
import { parseReport, readReportText } from '../../engine/report/read';
import { checkReportTargets } from '../../engine/report/targets';
import { writeReports } from '../../engine/report/write';

/** `kc report <result.json> [--html out.html] [--md out.md]`: the HTML / Markdown reports of a saved result. */
export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'write the self-contained HTML report and/or the Markdown report (with a heatmap PNG) of a saved result',
    )
    .argument('<result>', 'a report JSON written by kc compare --json')
    .option('--html <file>', 'self-contained HTML report')
    .option('--md <file>', 'Markdown report; the heatmap PNG is written beside it')
    .action(async (resultPath: string, opts: { html?: string; md?: string }) => {
      if (!opts.html && !opts.md) throw new KcError('nothing to write: give --html <file> and/or --md <file>');
      await checkReportTargets(opts, [{ file: resultPath, what: 'the report being read' }]);
      const report = parseReport(await readReportText(resultPath), resultPath);
      for (const file of await writeReports(report, opts)) process.stdout.write(`wrote ${file}\n`);
    });
}
