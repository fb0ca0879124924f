// Model Overview page: sortable layer table (sort kept in the webview state across re-renders), bars drawn from
// the cells' values, and clicks on layers / buttons reported to the extension host.
(function () {
  const vscode = acquireVsCodeApi();
  const table = document.getElementById('layers');

  for (const bar of document.querySelectorAll('td.num .bar')) {
    const value = Number(bar.parentElement.dataset.value);
    bar.style.width = `${Math.round(Math.min(1, Math.max(0, value)) * 100)}%`;
  }

  function sortBy(col, dir) {
    if (!table) return;
    const th = table.tHead.rows[0].cells[col];
    if (!th) return;
    const numeric = th.dataset.type === 'num';
    const rows = Array.from(table.tBodies[0].rows);
    const key = (row) => row.cells[col].dataset.value ?? '';
    rows.sort((x, y) => {
      const a = key(x);
      const b = key(y);
      // Empty cells (layers not compared) stay at the bottom in both directions.
      if (a === '' || b === '') return a === b ? 0 : a === '' ? 1 : -1;
      const order = numeric ? Number(a) - Number(b) : a.localeCompare(b, undefined, { numeric: true });
      return dir === 'asc' ? order : -order;
    });
    for (const row of rows) table.tBodies[0].appendChild(row);
    for (const cell of table.tHead.rows[0].cells) cell.setAttribute('aria-sort', 'none');
    th.setAttribute('aria-sort', dir === 'asc' ? 'ascending' : 'descending');
    vscode.setState({ col, dir });
  }

  const state = vscode.getState();
  if (state && typeof state.col === 'number') sortBy(state.col, state.dir);

  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const sortButton = target && target.closest('th button[data-col]');
    if (sortButton) {
      const col = Number(sortButton.dataset.col);
      const current = vscode.getState();
      // Numbers sort high-to-low first (the most consistent layers on top), text A-to-Z.
      const first = sortButton.parentElement.dataset.type === 'num' ? 'desc' : 'asc';
      const dir = current && current.col === col ? (current.dir === 'asc' ? 'desc' : 'asc') : first;
      sortBy(col, dir);
      return;
    }
    const link = target && target.closest('a[data-layer]');
    if (link) {
      event.preventDefault();
      vscode.postMessage({ type: 'openPair', layer: link.dataset.layer });
      return;
    }
    const action = target && target.closest('button[data-action]');
    if (action) vscode.postMessage({ type: action.dataset.action });
  });
})();
