// Opens the VS Code workbench of a running code-server in a fresh chromium and waits until it is drawn.
import { launchChromium } from './chromium.mjs';

/** URL that opens `folder`; `payload` pairs go to the workbench (extensionDevelopmentPath, extensionTestsPath). */
export function workbenchUrl(server, folder, payload) {
  const params = new URLSearchParams({ folder });
  if (payload) params.set('payload', JSON.stringify(payload));
  return `${server.url}/?${params}`;
}

/** `vscode-remote://` URI of a path on the code-server machine, as the payload wants it. */
export function remoteUri(server, path) {
  return `vscode-remote://127.0.0.1:${server.port}${path}`;
}

export async function openWorkbench(server, folder, { payload, beforeGoto } = {}) {
  const context = await launchChromium();
  const page = context.pages()[0] ?? (await context.newPage());
  if (beforeGoto) await beforeGoto(page);
  await page.goto(workbenchUrl(server, folder, payload));
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  return { context, page };
}
