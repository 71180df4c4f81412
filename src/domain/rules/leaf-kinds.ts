/** The kinds of interned leaves (`LeafTable`). */
export const WORD = 0;
export const PHRASE = 1;
export const PREFIX = 2;
export const TAG = 3;
export const TAG_PREFIX = 4;
export const SECTION = 5;
export const SECTION_PREFIX = 6;
export const NEAR = 7;
