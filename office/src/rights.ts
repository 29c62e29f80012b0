// What a person's role lets them do, by the scope the API route asks: a page shows a change
// control only to a role whose scopes the route takes (the API refuses the others anyway).

import type { OfficeUser } from './types.ts';

export const holds = (user: OfficeUser, scope: string) => user.scopes.includes(scope);
