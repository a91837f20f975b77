export const whatIfKeys = {
  all: ['whatif'] as const,
  /** Everyone's advice (operators) or one organization's. */
  savings: (orgId: string | null) => ['whatif', 'savings', orgId ?? 'all'] as const,
  /** The aliases that apply to one organization's requests. */
  aliases: (orgId: string) => ['whatif', 'aliases', orgId] as const,
};
