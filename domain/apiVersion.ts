// The API versions this build serves, named by the date each was fixed, as KeyStone's
// Keystone-Version header names them. A request may ask for any of them; one that asks for
// none gets the version its environment was pinned to when it was made. A new version is
// appended here when an answer's meaning changes; the ones before it keep their meaning.

export const API_VERSIONS = ['2026-12-01'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];
export const CURRENT_API_VERSION: ApiVersion = API_VERSIONS[API_VERSIONS.length - 1]!;

export const isApiVersion = (v: string): v is ApiVersion => (API_VERSIONS as readonly string[]).includes(v);
