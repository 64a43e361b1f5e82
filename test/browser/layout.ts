// Layout measurements taken in the page (as scripts: the test project compiles without the DOM's
// types). Shared by the phone and dashboard suites.
import type { Locator, Page } from 'playwright-core';

export interface PageLayout {
  /** Where the page's own content begins, from the top of the document. */
  readonly contentTop: number;
  readonly scrollWidth: number;
  /** Elements reaching past the right edge of the screen that nothing clips (what makes a page scroll sideways). */
  readonly overflowing: string[];
}

const PAGE_LAYOUT = `(() => {
  const width = window.innerWidth;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.position === 'fixed') return s.visibility === 'hidden';
      if (s.overflowX !== 'visible' && p.getBoundingClientRect().right <= width + 1) return true;
    }
    return false;
  };
  const overflowing = [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > width + 1 && getComputedStyle(el).visibility !== 'hidden' && !clipped(el))
    .slice(0, 8)
    .map((el) => el.tagName.toLowerCase() + '.' + [...el.classList].join('.') + ' right=' + Math.round(el.getBoundingClientRect().right));
  const main = document.querySelector('main.content').firstElementChild;
  return { contentTop: main.getBoundingClientRect().top + window.scrollY, scrollWidth: document.scrollingElement.scrollWidth, overflowing };
})()`;

export function pageLayout(page: Page): Promise<PageLayout> {
  return page.evaluate<PageLayout>(PAGE_LAYOUT);
}

export interface Box {
  readonly text: string;
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly width: number;
  /** The text's own width (scrollWidth): more than `width` when it is cut. */
  readonly textWidth: number;
}

/** The boxes of the elements a locator finds (in viewport coordinates). */
export function boxes(locator: Locator): Promise<Box[]> {
  return locator.evaluateAll((els) =>
    els.map((el) => {
      const e = el as unknown as { getBoundingClientRect(): Box; textContent: string | null; scrollWidth: number };
      const r = e.getBoundingClientRect();
      return { text: (e.textContent ?? '').trim(), left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, textWidth: e.scrollWidth };
    }),
  );
}

/** Whether two boxes overlap (touching edges do not). */
export function overlap(a: Box, b: Box): boolean {
  return a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
}

/** Whether a box lies within another (half a pixel of rounding allowed). */
export function inside(a: Box, outer: Box): boolean {
  return a.left >= outer.left - 0.5 && a.right <= outer.right + 0.5 && a.top >= outer.top - 0.5 && a.bottom <= outer.bottom + 0.5;
}
