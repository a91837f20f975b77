export interface ByokKey {
  providerId: string;
  provider: { slug: string; name: string; type: string };
  label: string | null;
  /** Only the last four characters of the key ever come back. */
  last4: string;
  status: 'active' | 'invalid' | string;
  lastError: string | null;
  lastTestedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export type ConnectionTest =
  | { success: true; latencyMs: number; modelsAvailable: string[] }
  | { success: false; latencyMs: number; error: { code: string; message: string } };

export interface ProviderOption {
  id: string;
  name: string;
  slug: string;
  type: string;
  status: string;
}

export const byokKeys = {
  all: ['byok'] as const,
  mine: ['byok', 'mine'] as const,
  providers: ['byok', 'provider-options'] as const,
};
