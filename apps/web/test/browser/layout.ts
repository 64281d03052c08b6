import type { Page } from 'playwright-core';

interface Box {
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

interface Frame {
  readonly viewport: { readonly width: number; readonly height: number };
  readonly pageScrolls: boolean;
  readonly header: Box;
  readonly bar: Box;
  readonly buttons: readonly (Box & { readonly name: string })[];
  readonly main: { readonly scrollHeight: number; readonly clientHeight: number; readonly scrollTop: number };
  readonly overflow: readonly string[];
}

// Runs in the page. A string, not a function: the test runner's transpiler wraps named functions in a
// helper the page does not have.
const MEASURE = `(() => {
  const box = (element) => {
    const r = element ? element.getBoundingClientRect() : null;
    return r ? { top: r.top, bottom: r.bottom, left: r.left, right: r.right } : { top: -1, bottom: -1, left: -1, right: -1 };
  };
  const main = document.querySelector('main');
  const bar = main.nextElementSibling;
  return {
    viewport: { width: window.innerWidth, height: window.innerHeight },
    pageScrolls: document.documentElement.scrollHeight > window.innerHeight + 1 || window.scrollY !== 0,
    header: box(document.querySelector('header')),
    bar: box(bar),
    buttons: [...(bar ? bar.querySelectorAll('button') : [])].map((b) => ({ ...box(b), name: (b.textContent || '').trim() })),
    main: { scrollHeight: main.scrollHeight, clientHeight: main.clientHeight, scrollTop: main.scrollTop },
    // What stretches the window past its height (often an absolutely positioned screen-reader text
    // whose containing block is the window rather than the scrolling content).
    overflow: [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().bottom > window.innerHeight + 1 && main.contains(el) && getComputedStyle(el).position === 'absolute')
      .slice(0, 3)
      .map((el) => el.tagName.toLowerCase() + '.' + String(el.className).split(' ')[0] + ' "' + (el.textContent || '').trim().slice(0, 30) + '"'),
  };
})()`;

/** Where the frame's parts are: the window, the header, the action bar and its buttons, the content. */
function measure(page: Page): Promise<Frame> {
  return page.evaluate(MEASURE) as Promise<Frame>;
}

function framed(frame: Frame, when: string): string[] {
  const problems: string[] = [];
  const { width, height } = frame.viewport;
  if (frame.pageScrolls) {
    const culprits = frame.overflow.length > 0 ? ` (stretched by ${frame.overflow.join(', ')})` : '';
    problems.push(`${when}: the window itself scrolls${culprits}`);
  }
  if (Math.abs(frame.header.top) > 1)
    problems.push(`${when}: the header is not at the top (${frame.header.top})`);
  if (Math.abs(frame.bar.bottom - height) > 1) {
    problems.push(`${when}: the action bar does not end at the bottom (${frame.bar.bottom} of ${height})`);
  }
  for (const b of frame.buttons) {
    if (b.top < frame.bar.top - 1 || b.bottom > height + 1 || b.left < -1 || b.right > width + 1) {
      problems.push(`${when}: the button "${b.name}" is not fully on screen`);
    }
  }
  return problems;
}

/**
 * Problems with the page's frame at the current window size: the window must not scroll, the header
 * must sit at the top and the action bar at the bottom with every button on screen, before and after
 * the content scrolls to its end. An empty list is a pass.
 */
export async function checkLayout(page: Page): Promise<string[]> {
  const before = await measure(page);
  const problems = framed(before, 'at the top');
  if (before.buttons.length === 0) problems.push('the action bar has no buttons');
  if (before.main.scrollHeight > before.main.clientHeight) {
    await page.locator('main').evaluate((main) => {
      main.scrollTop = main.scrollHeight;
    });
    const after = await measure(page);
    if (after.main.scrollTop === 0) problems.push('the content does not scroll');
    problems.push(...framed(after, 'scrolled to the end'));
    if (Math.abs(after.bar.top - before.bar.top) > 1) problems.push('the action bar moved with the content');
    await page.locator('main').evaluate((main) => {
      main.scrollTop = 0;
    });
  }
  return problems;
}

const FOCUSED = `(() => {
  const element = document.activeElement;
  if (!element) return null;
  const style = getComputedStyle(element);
  return {
    text: (element.textContent || '').trim(),
    outline: style.outlineStyle + ' ' + style.outlineWidth,
    visible: element.matches(':focus-visible'),
  };
})()`;

/**
 * Tabs from the top of the page until `name` (a button) has the focus; resolves with its outline as
 * the browser draws it (a visible focus ring), or null if the keyboard never reaches it.
 */
export async function tabTo(page: Page, name: string, maxTabs = 120): Promise<string | null> {
  await page.locator('body').evaluate((body) => {
    (document.activeElement as HTMLElement | null)?.blur();
    body.focus();
  });
  for (let i = 0; i < maxTabs; i += 1) {
    await page.keyboard.press('Tab');
    const focused = (await page.evaluate(FOCUSED)) as {
      text: string;
      outline: string;
      visible: boolean;
    } | null;
    if (focused?.text === name) return focused.visible ? focused.outline : 'not focus-visible';
  }
  return null;
}
