import type { z } from 'zod';
import { isAppError } from '../http/app-error.ts';

/** Field errors of a form, by field name, to show beside each field. */
export type FieldErrors = Record<string, string>;

/** The first problem of each field in a zod error, as a sentence fragment ("must be an email address"). */
export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || 'form';
    errors[key] ??= issue.message.replace(/^Invalid input: /, '');
  }
  return errors;
}

/**
 * Turns a refusal thrown by a service (an AppError with details.fields) into the form's field errors
 * and a message for the top of the form; anything else is rethrown.
 */
export function formErrorsOf(thrown: unknown): { fields: FieldErrors; message: string; status: number } {
  if (!isAppError(thrown) || thrown.status >= 500) throw thrown;
  const fields = (thrown.details as { fields?: FieldErrors }).fields ?? {};
  return { fields, message: thrown.message, status: thrown.status };
}
