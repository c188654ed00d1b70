export function mountViewerPage(root: HTMLElement): void {
  root.textContent = 'viewer';
}
