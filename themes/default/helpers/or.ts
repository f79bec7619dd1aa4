/** {{#if (or help error)}}: whether any of the arguments is truthy (Handlebars' options object excluded). */
export default function or(...args: unknown[]): boolean {
  return args.slice(0, -1).some(Boolean);
}
