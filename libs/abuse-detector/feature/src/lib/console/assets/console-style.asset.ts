// Served as is by ConsoleController; kept as a TypeScript string so the webpack bundle carries it (no asset to copy).
// No backquote and no dollar-brace inside: the template below must stay a plain string.

/**
 * The console's styles.
 */
export const CONSOLE_CSS = String.raw`:root {
  color-scheme: light;
  font-family: system-ui, sans-serif;
  font-size: 14px;
  --border: #d4d4d8;
  --muted: #52525b;
}
body {
  margin: 0;
  background: #f4f4f5;
  color: #18181b;
}
header {
  display: flex;
  align-items: center;
  gap: 1rem;
  padding: 0.6rem 1rem;
  background: #18181b;
  color: #fafafa;
}
header h1 {
  font-size: 1.1rem;
  margin: 0;
  flex: 1;
}
.connection {
  padding: 0.1rem 0.5rem;
  border-radius: 999px;
  background: #52525b;
}
.connection[data-state='live'] {
  background: #15803d;
}
.connection[data-state='reconnecting'] {
  background: #b45309;
}
main {
  display: grid;
  grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
  gap: 1rem;
  padding: 1rem;
}
.panel {
  background: #fff;
  border: 1px solid var(--border);
  border-radius: 6px;
  padding: 0.8rem 1rem;
  min-width: 0;
}
.panel h2 {
  font-size: 1rem;
  margin: 0 0 0.6rem;
}
.panel h2 small {
  color: var(--muted);
  font-weight: normal;
}
.alerts,
.cases {
  grid-column: 1;
}
.detail,
.activity {
  grid-column: 2;
}
.toast {
  grid-column: 1 / -1;
  margin: 0;
  min-height: 1.4em;
}
.toast.success {
  color: #15803d;
}
.stream-status {
  margin: 0 0 0.6rem;
  font-weight: 600;
}
.stream-status.warning {
  color: #b45309;
}
.toast.error,
.stream-status.error,
.error {
  color: #b91c1c;
}
.filters {
  display: flex;
  flex-wrap: wrap;
  gap: 0.6rem;
  margin-bottom: 0.6rem;
}
.table-wrap {
  overflow: auto;
  max-height: 28rem;
}
table {
  width: 100%;
  border-collapse: collapse;
}
th,
td {
  text-align: left;
  padding: 0.3rem 0.4rem;
  border-bottom: 1px solid var(--border);
  vertical-align: top;
}
td.subject {
  word-break: break-all;
  max-width: 22rem;
}
td.summary {
  overflow-wrap: anywhere;
  white-space: pre-line;
  max-width: 24rem;
}
td.number {
  text-align: right;
}
tbody tr {
  cursor: pointer;
}
tbody tr:hover,
tbody tr.selected {
  background: #eff6ff;
}
tr.overdue td {
  background: #fef2f2;
}
.severity {
  padding: 0 0.4rem;
  border-radius: 4px;
  color: #fff;
  background: #71717a;
}
.severity-medium {
  background: #ca8a04;
}
.severity-high {
  background: #ea580c;
}
.severity-critical {
  background: #b91c1c;
}
dl {
  display: grid;
  grid-template-columns: max-content 1fr;
  gap: 0.2rem 0.8rem;
}
dt {
  color: var(--muted);
}
dd {
  margin: 0;
  word-break: break-word;
}
.evidence {
  max-height: 10rem;
  overflow: auto;
  font-family: ui-monospace, monospace;
  font-size: 0.8rem;
}
.actions {
  display: flex;
  flex-wrap: wrap;
  gap: 0.4rem;
  margin-top: 0.6rem;
}
button {
  padding: 0.3rem 0.7rem;
}
button.danger {
  color: #b91c1c;
}
.chart {
  position: relative;
  height: 16rem;
}
.login {
  max-width: 26rem;
  margin: 4rem auto;
  background: #fff;
  border: 1px solid var(--border);
  border-radius: 6px;
  padding: 1.2rem;
}
.login form {
  display: grid;
  gap: 0.5rem;
}
.hint {
  color: var(--muted);
  font-size: 0.85rem;
}
dialog {
  max-width: 32rem;
  border: 1px solid var(--border);
  border-radius: 6px;
}
dialog form {
  display: grid;
  gap: 0.6rem;
}
dialog textarea,
dialog select {
  display: block;
  width: 100%;
  box-sizing: border-box;
}
[hidden] {
  display: none !important;
}
`;
