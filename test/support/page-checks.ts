import fs from 'node:fs';
import path from 'node:path';
import axe from 'axe-core';
import type { Page } from 'playwright-core';

/** Where browser tests keep a screenshot of each page they check (git-ignored). */
export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '../../test-artifacts/pages');

/** The part of axe's in-page API the check uses. */
interface AxeInPage {
  run(options: object): Promise<{
    violations: {
      id: string;
      impact: string | null;
      help: string;
      nodes: { target: string[] }[];
    }[];
  }>;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core in the page and gives its serious and critical violations (WCAG 2.1 A/AA and
 * best practice). axe is evaluated through the browser's debugging protocol, which the pages'
 * Content-Security-Policy does not govern, so the page is checked exactly as served.
 */
export async function findSeriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    // Runs in the page: axe is the global the source above defined; it checks the document.
    const { axe: inPage } = globalThis as unknown as { axe: AxeInPage };
    const result = await inPage.run({ resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Keeps a full-page screenshot of the page under `test-artifacts/pages/<name>.png`. */
export async function keepScreenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Both at once: the check every page of a browser test gets. */
export async function checkPage(page: Page, name: string): Promise<AxeViolation[]> {
  await keepScreenshot(page, name);
  return findSeriousViolations(page);
}
