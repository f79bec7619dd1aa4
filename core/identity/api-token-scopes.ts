// What an API token may do beyond acting with its user's rights on records, files and folders. A token
// without scopes (every token made before scopes existed) has exactly those rights; account security
// (the password, and later a second factor) is never a token's to change, with or without scopes.

/** Every scope a token may be given. */
export const apiTokenScopes = ['tokens'] as const;
export type ApiTokenScope = (typeof apiTokenScopes)[number];

/** What each scope lets a token do, in words for the profile page and messages. */
export const apiTokenScopeWords: Record<ApiTokenScope, string> = {
  tokens: 'list, make and revoke your API tokens',
};

/** Whether a string names a scope. */
export function isApiTokenScope(value: string): value is ApiTokenScope {
  return (apiTokenScopes as readonly string[]).includes(value);
}

/** The scopes as stored (space-separated, in the order of apiTokenScopes, no repeats; '' for none). */
export function storedScopes(scopes: readonly ApiTokenScope[]): string {
  return apiTokenScopes.filter((scope) => scopes.includes(scope)).join(' ');
}

/** The scopes of a stored value; a word this version does not know (a newer version's scope) grants nothing here. */
export function scopesOfStored(stored: string | null | undefined): ApiTokenScope[] {
  const words = (stored ?? '').split(' ');
  return apiTokenScopes.filter((scope) => words.includes(scope));
}

/** The scopes of `requested` that `held` lacks: a token may only give a new token scopes it has itself. */
export function scopesBeyond(requested: readonly string[], held: readonly string[]): string[] {
  return requested.filter((scope) => !held.includes(scope));
}

/** What a token with these scopes may do, as one sentence part for the profile page. */
export function describeTokenScopes(scopes: readonly ApiTokenScope[]): string {
  const extra = scopes.map((scope) => apiTokenScopeWords[scope]);
  return extra.length === 0
    ? 'Acts with your rights on records, files and folders; cannot manage tokens or change your password.'
    : `Acts with your rights on records, files and folders, and may ${extra.join(' and ')}; cannot change your password.`;
}
