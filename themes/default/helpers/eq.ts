/** {{#if (eq status "open")}}: strict equality of two values. */
export default function eq(left: unknown, right: unknown): boolean {
  return left === right;
}
