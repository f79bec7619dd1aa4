// CSRF protection for a browser form that its route reads as a stream (`streamBody: 'form'`: a record form
// with photos, posted as multipart/form-data). A route's policy runs before any of the body is read, so
// the token a plain HTML form carries in its `_csrf` field cannot be checked there the way koa-body's
// parsed forms are. For such a route, a session request that sends no X-CSRF-Token header has its token
// check left pending by the policy (the same-origin check still runs there), and:
// - the handler reads `_csrf` as the form's first field and calls verifyStreamedFormToken() before it
//   accepts any other part (no file byte is stored for a request whose token is wrong or missing);
// - until it is verified, the request's audit recorder refuses changes, so nothing audited can commit;
// - a handler that finishes without verifying it is answered 403 (the route table checks).
// Every other route keeps the check in its policy, exactly as before.
import type { Context } from 'koa';
import type { AuditRecorder } from '../audit/audit-event.ts';
import { AppError } from '../http/app-error.ts';
import type { RequestState } from '../http/request-state.ts';
import { equalTokens } from './csrf-protection.ts';

/** Where a streamed form's token stands on one request. */
class StreamedFormToken {
  /** The session's token, once the policy left its check to the handler; null while nothing is pending. */
  expected: string | null = null;
  verified = false;
}

const stateKey = 'streamedFormToken';

const tokenOf = (ctx: Context): StreamedFormToken | undefined => {
  const found = (ctx.state as RequestState)[stateKey];
  return found instanceof StreamedFormToken ? found : undefined;
};

const wrongToken = (): AppError => new AppError(403, 'csrf_failed', 'The form\'s CSRF token is missing or wrong, so nothing of it was kept. Reload the page and submit the form again.');

/**
 * Marks a request to a `streamBody: 'form'` route before its policy runs, and puts a guard on its audit
 * recorder: a change recorded while the form's token is still unverified is refused (and with it the
 * change's transaction). Called by the route table only.
 */
export function expectStreamedForm(ctx: Context): void {
  (ctx.state as RequestState)[stateKey] = new StreamedFormToken();
  const recorder: AuditRecorder = ctx.audit;
  // Only this request's context sees the guard: app.context.audit stays as it is for every other one.
  ctx.audit = {
    record(event, transaction) {
      if (streamedFormTokenPending(ctx)) return Promise.reject(wrongToken());
      return recorder.record(event, transaction);
    },
    recordSoon: (event) => recorder.recordSoon(event),
    waitFor: (pending) => recorder.waitFor(pending),
  };
}

/**
 * For the session policy: on a streamed-form request without an X-CSRF-Token header, leaves the token
 * check to the handler and returns true; false everywhere else (the policy checks the token itself).
 */
export function deferCsrfToStreamedForm(ctx: Context, expected: string): boolean {
  const token = tokenOf(ctx);
  if (!token || ctx.get('X-CSRF-Token')) return false;
  token.expected = expected;
  return true;
}

/** Whether the handler of this request still has to verify the form's `_csrf` field before it accepts any part. */
export function streamedFormTokenPending(ctx: Context): boolean {
  const token = tokenOf(ctx);
  return token !== undefined && token.expected !== null && !token.verified;
}

/**
 * Verifies the `_csrf` field of a streamed form (`sent`: its value, or undefined when the form had none
 * before the part that needs it) and throws a 403 when it is not the session's token. Does nothing when
 * no check is pending: a bearer request, one with the X-CSRF-Token header (checked by the policy), or one
 * already verified.
 */
export function verifyStreamedFormToken(ctx: Context, sent: unknown): void {
  const token = tokenOf(ctx);
  if (!token || token.expected === null || token.verified) return;
  if (typeof sent !== 'string' || sent === '' || !equalTokens(sent, token.expected)) throw wrongToken();
  token.verified = true;
}

/** Refuses (403) a streamed-form request whose handler finished without verifying its token. Called by the route table after the handler. */
export function assertStreamedFormVerified(ctx: Context): void {
  if (streamedFormTokenPending(ctx)) {
    (ctx.state as RequestState).log.error({ path: ctx.path }, 'A streamed form route finished without verifying the form\'s CSRF token; the answer was replaced with a refusal');
    throw wrongToken();
  }
}
