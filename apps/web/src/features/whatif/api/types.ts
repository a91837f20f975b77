export const whatIfKeys = {
  all: ['whatif'] as const,
  /** Everyone's advice (operators) or one organization's. */
  savings: (orgId: string | null) => ['whatif', 'savings', orgId ?? 'all'] as const,
};
