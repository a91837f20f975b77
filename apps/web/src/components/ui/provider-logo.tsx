import anthropic from '@lobehub/icons-static-svg/icons/anthropic.svg?raw';
import azure from '@lobehub/icons-static-svg/icons/azure-color.svg?raw';
import bedrock from '@lobehub/icons-static-svg/icons/bedrock-color.svg?raw';
import cohere from '@lobehub/icons-static-svg/icons/cohere-color.svg?raw';
import deepseek from '@lobehub/icons-static-svg/icons/deepseek-color.svg?raw';
import fireworks from '@lobehub/icons-static-svg/icons/fireworks-color.svg?raw';
import gemini from '@lobehub/icons-static-svg/icons/gemini-color.svg?raw';
import groq from '@lobehub/icons-static-svg/icons/groq.svg?raw';
import huggingface from '@lobehub/icons-static-svg/icons/huggingface-color.svg?raw';
import mistral from '@lobehub/icons-static-svg/icons/mistral-color.svg?raw';
import ollama from '@lobehub/icons-static-svg/icons/ollama.svg?raw';
import openai from '@lobehub/icons-static-svg/icons/openai.svg?raw';
import openrouter from '@lobehub/icons-static-svg/icons/openrouter.svg?raw';
import together from '@lobehub/icons-static-svg/icons/together-color.svg?raw';
import { Server } from 'lucide-react';

/** The brand mark of each catalogue provider type (the LobeHub icon set, MIT; monochrome ones follow the text colour). */
const LOGOS: Readonly<Record<string, string>> = {
  openai,
  anthropic,
  google: gemini,
  'azure-openai': azure,
  bedrock,
  openrouter,
  together,
  groq,
  mistral,
  fireworks,
  cohere,
  huggingface,
  deepseek,
  ollama,
};

/** Whether a provider type has its own logo (custom endpoints and the mock get a generic server icon). */
export function hasProviderLogo(type: string): boolean {
  return Object.hasOwn(LOGOS, type);
}

/** A provider's logo, decorative (the provider's name is always written next to it). */
export function ProviderLogo({ type, className = 'h-5 w-5' }: { type: string; className?: string }) {
  const svg = hasProviderLogo(type) ? LOGOS[type] : undefined;
  if (svg === undefined) return <Server aria-hidden className={`${className} text-muted`} />;
  return (
    <span
      aria-hidden
      data-testid="provider-logo"
      data-provider-type={type}
      className={`inline-flex shrink-0 items-center justify-center [&>svg]:h-full [&>svg]:w-full ${className}`}
      // Static files from the icon package, bundled at build time: never user input.
      dangerouslySetInnerHTML={{ __html: svg }}
    />
  );
}
