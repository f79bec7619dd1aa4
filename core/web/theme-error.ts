/** A theme that cannot be loaded; its message names the theme, the file and what to do. */
export class ThemeLoadError extends Error {
  readonly theme: string;

  constructor(theme: string, reason: string, options?: { cause?: unknown }) {
    super(`Theme "${theme}" could not be loaded: ${reason}`, options);
    this.name = 'ThemeLoadError';
    this.theme = theme;
  }
}
