/** "Acme Corp." → "acme-corp", "My Custom LLM" → "my-custom-llm": a suggestion for a slug field (at most 63 characters). */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}
