/**
 * Below this width (a side panel at Chrome's default width, a small window) the inventory shows one character next to
 * the vault, with a picker for the others, instead of every character in a row.
 */
export const NARROW_WIDTH = 760;
