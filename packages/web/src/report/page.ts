export function mountReportPage(root: HTMLElement): void {
  root.textContent = 'report';
}
