import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { GlobalFonts } from '@napi-rs/canvas';

/**
 * The chart font: DejaVu Sans from the `dejavu-fonts-ttf` npm package, registered under a name
 * of our own. Charts never name a system family, so they render the same on a bare container
 * with no fonts installed as on a laptop.
 */
export const CHART_FONT_FAMILY = 'ServeMedic DejaVu Sans';

let registered: { readonly family: string; readonly files: readonly string[] } | undefined;

export function chartFontFiles(): { regular: string; bold: string } {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  return { regular: join(dir, 'DejaVuSans.ttf'), bold: join(dir, 'DejaVuSans-Bold.ttf') };
}

/** Registers the font once per process; throws with the fix when the package is missing. */
export function registerChartFont(): { readonly family: string; readonly files: readonly string[] } {
  if (registered) return registered;
  const { regular, bold } = chartFontFiles();
  for (const file of [regular, bold]) {
    if (GlobalFonts.registerFromPath(file, CHART_FONT_FAMILY) === null) {
      throw new Error(`could not load the chart font ${file}; reinstall the dejavu-fonts-ttf package (npm ci)`);
    }
  }
  registered = { family: CHART_FONT_FAMILY, files: [regular, bold] };
  return registered;
}

export function chartFont(px: number, weight: 'normal' | 'bold' = 'normal'): string {
  return `${weight === 'bold' ? 'bold ' : ''}${px}px "${CHART_FONT_FAMILY}"`;
}
