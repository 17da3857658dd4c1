import type { InventoryItem } from './inventory/types';

export interface TileHandlers {
  onClick(event: MouseEvent): void;
  onKeydown(event: KeyboardEvent): void;
  onMouseover(event: MouseEvent): void;
  onMouseout(event: MouseEvent): void;
  onFocusin(event: FocusEvent): void;
  onFocusout(event: FocusEvent): void;
  /** Use with capture: `error` does not bubble. Hides a broken icon so the tile's initials show. */
  onError(event: Event): void;
}

function tileOf(target: EventTarget | null): HTMLElement | undefined {
  return (target as Element | null)?.closest?.<HTMLElement>('[data-item-key]') ?? undefined;
}

/**
 * One set of listeners for a container of item tiles (event delegation): a full account has ~1,800 tiles, and a
 * listener set per tile costs more to create than the tiles themselves.
 */
export function tileEvents(
  lookup: (key: string) => InventoryItem | undefined,
  on: {
    activate?(item: InventoryItem, el: HTMLElement): void;
    inspect?(item: InventoryItem | undefined, el?: HTMLElement): void;
  },
): TileHandlers {
  const find = (target: EventTarget | null) => {
    const el = tileOf(target);
    const item = el?.dataset.itemKey ? lookup(el.dataset.itemKey) : undefined;
    return el && item ? { el, item } : undefined;
  };
  return {
    onClick(event) {
      const hit = find(event.target);
      if (hit) on.activate?.(hit.item, hit.el);
    },
    onKeydown(event) {
      if (event.key !== 'Enter' && event.key !== ' ') return;
      const hit = find(event.target);
      if (!hit) return;
      event.preventDefault();
      on.activate?.(hit.item, hit.el);
    },
    onMouseover(event) {
      const hit = find(event.target);
      if (hit && tileOf(event.relatedTarget) !== hit.el) on.inspect?.(hit.item, hit.el);
    },
    onMouseout(event) {
      const from = tileOf(event.target);
      if (from && tileOf(event.relatedTarget) !== from) on.inspect?.(undefined);
    },
    onFocusin(event) {
      const hit = find(event.target);
      if (hit) on.inspect?.(hit.item, hit.el);
    },
    onFocusout(event) {
      if (tileOf(event.target) && !tileOf(event.relatedTarget)) on.inspect?.(undefined);
    },
    onError(event) {
      const img = event.target as HTMLElement | null;
      if (img?.tagName === 'IMG') img.dataset.broken = '';
    },
  };
}
