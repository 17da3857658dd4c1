import type { InventoryItem } from '../inventory/types';

/** Listeners for a tile container, keyed for `v-on="…"` (Vue turns `errorCapture` into a capturing listener). */
export interface TileHandlers {
  click(event: MouseEvent): void;
  keydown(event: KeyboardEvent): void;
  mouseover(event: MouseEvent): void;
  mouseout(event: MouseEvent): void;
  focusin(event: FocusEvent): void;
  focusout(event: FocusEvent): void;
  /** `error` does not bubble, so it is caught on the way down. Hides a broken icon so the tile's initials show. */
  errorCapture(event: Event): void;
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
    click(event) {
      const hit = find(event.target);
      if (hit) on.activate?.(hit.item, hit.el);
    },
    keydown(event) {
      if (event.key !== 'Enter' && event.key !== ' ') return;
      const hit = find(event.target);
      if (!hit) return;
      event.preventDefault();
      on.activate?.(hit.item, hit.el);
    },
    mouseover(event) {
      const hit = find(event.target);
      if (hit && tileOf(event.relatedTarget) !== hit.el) on.inspect?.(hit.item, hit.el);
    },
    mouseout(event) {
      const from = tileOf(event.target);
      if (from && tileOf(event.relatedTarget) !== from) on.inspect?.(undefined);
    },
    focusin(event) {
      const hit = find(event.target);
      if (hit) on.inspect?.(hit.item, hit.el);
    },
    focusout(event) {
      if (tileOf(event.target) && !tileOf(event.relatedTarget)) on.inspect?.(undefined);
    },
    errorCapture(event) {
      const img = event.target as HTMLElement | null;
      if (img?.tagName === 'IMG') img.dataset.broken = '';
    },
  };
}
