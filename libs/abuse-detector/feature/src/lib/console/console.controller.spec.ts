import { CONSOLE_HTML } from './assets/console-page.asset';
import { CONSOLE_SCRIPT } from './assets/console-script.asset';
import { CONSOLE_CSP, ConsoleController } from './console.controller';
import { loadChartJs, resolveChartJs } from './chart-asset';

describe(ConsoleController.name, () => {
  it('forbids inline and foreign scripts, styles and framing', () => {
    expect(CONSOLE_CSP).toContain("default-src 'self'");
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).toContain("frame-ancestors 'none'");
    expect(CONSOLE_CSP).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });

  it('serves a page with no inline script, style or event handler, loading only its own files', () => {
    expect(CONSOLE_HTML).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(CONSOLE_HTML).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    const sources = [...CONSOLE_HTML.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources.sort()).toEqual(['/console/chart.umd.js', '/console/console.css', '/console/console.js']);
  });

  it('serves a script that parses, and never writes HTML from data', () => {
    expect(() => new Function(CONSOLE_SCRIPT)).not.toThrow();
    expect(CONSOLE_SCRIPT).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
  });

  it('refers only to test ids the page has', () => {
    const used = new Set([...CONSOLE_SCRIPT.matchAll(/\$\('([a-z-]+)'\)/g)].map((m) => m[1]));
    const missing = [...used].filter((id) => !CONSOLE_HTML.includes(`data-testid="${id}"`));
    expect(missing).toEqual([]);
  });

  it('answers 404 for chart.js when it is not installed, and serves it when it is', () => {
    expect(() => new ConsoleController(undefined).chart()).toThrow(/not installed/);
    expect(new ConsoleController(Buffer.from('x')).chart().toString()).toBe('x');
  });
});

describe(resolveChartJs.name, () => {
  it("finds chart.js's UMD build from the workspace, without its source map comment", () => {
    const chart = loadChartJs(resolveChartJs());
    expect(chart?.toString()).toMatch(/^\/\*!\n \* Chart\.js v4/);
    expect(chart?.toString()).not.toContain('sourceMappingURL');
  });

  it('answers undefined when no base finds it', () => {
    expect(resolveChartJs(['/nonexistent/package.json', undefined])).toBeUndefined();
    expect(loadChartJs(undefined)).toBeUndefined();
  });
});
