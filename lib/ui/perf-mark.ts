/**
 * Mark the moment a view is painted and usable, once per page load. `requestAnimationFrame` then a task runs after
 * the browser has painted the frame that holds the new DOM, so the mark measures what the player sees; the
 * benchmarks read these marks (`performance.getEntriesByName`).
 */
export function markPainted(name: string): void {
  if (performance.getEntriesByName(name).length) return;
  requestAnimationFrame(() => setTimeout(() => performance.mark(name), 0));
}
