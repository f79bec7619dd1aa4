/** WCAG relative luminance of a #rgb or #rrggbb colour. */
function luminance(hex: string): number {
  const digits = hex.length === 4 ? [...hex.slice(1)].map((d) => d + d).join('') : hex.slice(1);
  const [r, g, b] = [0, 2, 4].map((i) => {
    const channel = Number.parseInt(digits.slice(i, i + 2), 16) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

const light = '#ffffff';
const dark = '#111827';

/**
 * {{contrastText settings.primaryColor}}: white or near-black, whichever has the higher WCAG contrast on
 * that background, so a tenant's pale brand colour never leaves white text unreadable.
 */
export default function contrastText(background: unknown): string {
  if (typeof background !== 'string' || !/^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(background)) {
    throw new Error(`contrastText needs a colour such as #1b5e9e, not ${JSON.stringify(background)}.`);
  }
  const bg = luminance(background);
  const onLight = (1.05) / (bg + 0.05);
  const onDark = (bg + 0.05) / (luminance(dark) + 0.05);
  return onLight >= onDark ? light : dark;
}
