import { compile } from 'html-to-text';

/*
 * Publishers send HTML in any field (a CMS headline with <em>, a body of paragraphs). Rules
 * match words, and emails and terminals show text, so it is stored as text: tags become
 * the line breaks they stand for, entities become characters, scripts and images go.
 * What is stored is text, not markup: React escapes it in emails, the CLI shows controls.
 */
const convertHtml = compile({
  wordwrap: false,
  decodeEntities: true,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    ...(['h1', 'h2', 'h3', 'h4', 'h5', 'h6'] as const).map((selector) => ({
      selector,
      options: { uppercase: false },
    })),
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
  ],
});

/**
 * The text of a field that may hold HTML. Text without `<` or `&` has no markup or entity
 * to turn, and is returned as it is: most fields, and the cheap case when many are read.
 */
export function htmlToText(text: string): string {
  if (!text.includes('<') && !text.includes('&')) return text;
  return convertHtml(text);
}
