export interface App {
  id: string;
  name: string;
  slug: string;
  description: string | null;
  contactEmail: string | null;
  active: boolean;
  piiProtection: boolean;
  orgId: string | null;
  createdAt: string;
  updatedAt: string;
}

export const appsKeys = {
  all: ['apps'] as const,
  list: ['apps', 'list'] as const,
};
