export const whatIfKeys = {
  all: ['whatif'] as const,
  savings: ['whatif', 'savings'] as const,
};
