import { QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { createQueryClient } from '../lib/query-client';

export function AppProvider({ children }: { children: ReactNode }) {
  const [client] = useState(createQueryClient);
  return (
    // Animations are CSS (components/ui/motion.css) and follow the OS setting: off under prefers-reduced-motion.
    <QueryClientProvider client={client}>{children}</QueryClientProvider>
  );
}
