import { QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { queryClient } from '../lib/query-client';

export function AppProvider({ children }: { children: ReactNode }) {
  return (
    // Animations are CSS (components/ui/motion.css) and follow the OS setting: off under prefers-reduced-motion.
    <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
  );
}
