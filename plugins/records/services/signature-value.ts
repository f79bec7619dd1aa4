import { Buffer } from 'node:buffer';
import type { ValueCheck } from './field-value.ts';
import { isPlainObject, shown, storedIdPattern } from './plain-values.ts';
import { utcTimeOf } from './time-values.ts';

/** The largest signature drawing accepted, in bytes: a pad drawing is a few KiB, so this is generous. */
export const maxSignatureBytes = 300 * 1024;

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const pngDataUrlPrefix = 'data:image/png;base64,';
const base64Text = /^[A-Za-z0-9+/]*={0,2}$/;
const notADrawing = 'must be a PNG image drawn on the signature pad';
const storedProperties = ['signatureId', 'signedBy', 'signedByName', 'signedAt'];

/**
 * Checks a signature value: a stored reference `{ signatureId, signedBy?, signedByName?, signedAt? }`, or a
 * new drawing `{ image: 'data:image/png;base64,...' }` that really is a PNG of at most 300 KiB.
 */
export function checkSignatureValue(value: unknown): ValueCheck {
  if (!isPlainObject(value)) return { ok: false, error: 'must be a signature: a new drawing { image } or a stored { signatureId }' };
  if (Object.hasOwn(value, 'image')) {
    if (Object.hasOwn(value, 'signatureId')) return { ok: false, error: 'must be either a new drawing (image) or a stored signature (signatureId), not both' };
    const extra = Object.keys(value).find((key) => key !== 'image');
    if (extra !== undefined) return { ok: false, error: `has ${shown(extra)}, which a new drawing does not take: send only its image` };
    const problem = drawingProblem(value.image);
    return problem ? { ok: false, error: problem } : { ok: true, value: { image: value.image } };
  }
  return checkStoredSignature(value);
}

// The size is known from the text's length, so an oversized drawing is refused before anything is
// decoded; only the first bytes are decoded, to see the PNG signature.
function drawingProblem(image: unknown): string | null {
  if (typeof image !== 'string' || !image.startsWith(pngDataUrlPrefix)) return notADrawing;
  const encoded = image.slice(pngDataUrlPrefix.length);
  if (encoded.length % 4 !== 0) return notADrawing;
  const byteCount = (encoded.length / 4) * 3 - (encoded.endsWith('==') ? 2 : encoded.endsWith('=') ? 1 : 0);
  if (byteCount > maxSignatureBytes) return `${notADrawing}, at most 300 KiB (this one is ${Math.ceil(byteCount / 1024)} KiB)`;
  if (!base64Text.test(encoded)) return notADrawing;
  const head = Buffer.from(encoded.slice(0, 12), 'base64');
  return head.subarray(0, pngSignature.length).equals(pngSignature) ? null : notADrawing;
}

function checkStoredSignature(value: Record<string, unknown>): ValueCheck {
  const extra = Object.keys(value).find((key) => !storedProperties.includes(key));
  if (extra !== undefined) return { ok: false, error: `has ${shown(extra)}, which is not a signature property (signatureId, signedBy, signedByName, signedAt, or image for a new drawing)` };
  const { signatureId, signedBy, signedByName, signedAt } = value;
  if (typeof signatureId !== 'string' || !storedIdPattern.test(signatureId)) return { ok: false, error: 'must have the signatureId of a stored signature, or an image for a new drawing' };
  const stored: Record<string, unknown> = { signatureId };
  if (signedBy !== undefined) {
    if (typeof signedBy !== 'string' || !storedIdPattern.test(signedBy)) return { ok: false, error: 'must have the user id of the signer in signedBy' };
    stored.signedBy = signedBy;
  }
  if (signedByName !== undefined) {
    const name = typeof signedByName === 'string' ? signedByName.trim() : '';
    if (name.length < 1 || name.length > 200) return { ok: false, error: 'must have the signer\'s name (1 to 200 characters) in signedByName' };
    stored.signedByName = name;
  }
  if (signedAt !== undefined) {
    const at = utcTimeOf(signedAt);
    if (at === null) return { ok: false, error: 'must have the signing time in signedAt as an ISO 8601 time with a time zone' };
    stored.signedAt = at;
  }
  return { ok: true, value: stored };
}
