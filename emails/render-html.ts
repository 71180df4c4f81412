import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';

/**
 * React Email's `render` prefixes an XHTML 1.0 Transitional doctype, and React writes void
 * elements as `<meta/>` and some attribute names in camelCase (`cellPadding`). Mail clients
 * parse every message as HTML, so we send plain HTML5 serialization instead: the HTML5
 * doctype, void elements without the slash, attribute names in lower case.
 */

const VOID_ELEMENTS = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
]);

// React escapes `"`, `<` and `>` in attribute values and `<` in text, so in its output a start
// tag runs from `<name` to the first `>` and every attribute value is double-quoted.
const START_TAG = /<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'<>/=]+(?:="[^"]*")?)*)\s*(\/?)>/g;
const ATTRIBUTE = /(\s+)([^\s"'<>/=]+)((?:="[^"]*")?)/g;
const LEADING_DOCTYPE = /^\s*<!DOCTYPE[^>]*>/i;

/**
 * Rewrites React's rendering of an email document as HTML5: `<!DOCTYPE html>`, `<meta>` for
 * `<meta/>`, lower-case attribute names. Text and attribute values are left byte for byte.
 */
export function rewriteAsHtml5(html: string): string {
  return `<!DOCTYPE html>${rewriteTagsAsHtml5(html.replace(LEADING_DOCTYPE, ''))}`;
}

/**
 * The start tags of a piece of React's markup rewritten as `rewriteAsHtml5` does. Tag by tag,
 * so a document's pieces rewritten apart and joined equal the document rewritten whole.
 */
function rewriteTagsAsHtml5(html: string): string {
  return html.replace(START_TAG, (_tag, name: string, attributes: string, slash) => {
    const attrs = attributes.replace(
      ATTRIBUTE,
      (_, space: string, attr: string, value: string) => `${space}${attr.toLowerCase()}${value}`,
    );
    // A slash on anything but a void element would be a real (if ignored) error: keep it visible.
    const close = slash && !VOID_ELEMENTS.has(name.toLowerCase()) ? '/>' : '>';
    return `<${name}${attrs}${close}`;
  });
}

/**
 * Renders an email template to the HTML we send (see `rewriteAsHtml5`). React renders it
 * in one synchronous pass: the templates fetch nothing, so there is nothing to stream or wait
 * for. (React Email's `render` imports react-dom/server anew and streams on every call, which
 * costs more than the render itself when thousands of digests go out.)
 */
export async function renderEmailHtml(element: ReactElement): Promise<string> {
  return rewriteAsHtml5(renderToStaticMarkup(element));
}

/** Renders one part of an email (a story card) as it appears inside `renderEmailHtml`'s output. */
export function renderFragmentHtml(element: ReactElement): string {
  return rewriteTagsAsHtml5(renderToStaticMarkup(element));
}
