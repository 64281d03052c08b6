'use client';

import { usePathname } from 'next/navigation';
import { useEffect } from 'react';

/**
 * Opens each page at its top. The content area, not the window, scrolls: Next.js keeps its offset
 * across a navigation and then scrolls the new page's first element into view, which left a page
 * opened from a scrolled one 24 px down (the content's top padding).
 */
export function ScrollReset({ containerId }: { containerId: string }) {
  const pathname = usePathname();
  useEffect(() => {
    // Runs after Next.js's own scrolling for the new page.
    if (pathname) document.getElementById(containerId)?.scrollTo({ top: 0 });
  }, [pathname, containerId]);
  return null;
}
