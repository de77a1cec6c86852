/** Monthly/periodic reports (PDF, Excel) with progress and download; placeholder until built. */
export function ReportsPanel() {
  return null;
}
