/**
 * Entry the extension host loads through the `extensionTestsPath` payload (see test/vscode/run.mjs): runs the bundled
 * mocha suites in out/vscode/suite/ and writes a JSON summary for the runner. Same `run()` contract as
 * @vscode/test-electron, so test/electron/run.mjs uses this file too.
 */
import Mocha from 'mocha';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface RunOptions {
  grep?: string;
  resultsFile?: string;
}

interface TestOutcome {
  title: string;
  state: 'passed' | 'failed';
  error?: string;
}

function suiteFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return suiteFiles(p);
    return e.name.endsWith('.test.js') ? [p] : [];
  });
}

function readOptions(): RunOptions {
  const file = join(__dirname, 'options.json');
  const fromFile: RunOptions = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  return { grep: process.env.KC_TEST_GREP || fromFile.grep, resultsFile: fromFile.resultsFile };
}

export function run(): Promise<void> {
  const options = readOptions();
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 120_000, reporter: 'spec' });
  if (options.grep) mocha.grep(options.grep);
  for (const file of suiteFiles(join(__dirname, 'suite')).sort()) mocha.addFile(file);

  const outcomes: TestOutcome[] = [];
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      if (options.resultsFile) writeFileSync(options.resultsFile, JSON.stringify({ tests: outcomes }, null, 2));
      if (failures > 0) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
    runner.on('pass', (test) => outcomes.push({ title: test.fullTitle(), state: 'passed' }));
    runner.on('fail', (test, err: Error) =>
      outcomes.push({ title: test.fullTitle(), state: 'failed', error: err?.stack ?? String(err) }),
    );
  });
}
