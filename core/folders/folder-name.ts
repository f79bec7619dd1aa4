import { z } from 'zod';
import { hasControlCharacters } from '../http/control-characters.ts';

/** A folder name: trimmed, 1 to 200 characters, no control characters. */
export const folderName = z.string().trim()
  .min(1, 'is required')
  .max(200, 'must be at most 200 characters')
  .refine((name) => !hasControlCharacters(name), 'must not contain control characters such as line breaks');
