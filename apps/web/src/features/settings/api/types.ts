export interface GatewaySettings {
  ollamaBaseUrl: string | null;
  ollamaProvider: { id: string; slug: string; status: string; modelCount: number } | null;
  bodyLogging: boolean;
  debugHeaders: boolean;
  updatedAt: string | null;
}

export type OllamaTestResult = { success: true; latencyMs: number; baseUrl: string; models: string[] } | { success: false; latencyMs?: number; error: { code: string; message: string } };

export const settingsKeys = { all: ['settings'] as const };
