import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';

/** A page as a complete HTML document. */
export function renderPage(element: ReactElement): string {
  return `<!doctype html>${renderToStaticMarkup(element)}`;
}
