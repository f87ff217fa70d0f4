// The configuration reference as a Markdown table, generated from OPTIONS so that the README
// cannot drift from the code (a test compares them).
import { OPTIONS, optionExternalName, type AppConfig } from './config.ts';

export function configTableMarkdown(): string {
  const rows = (Object.keys(OPTIONS) as (keyof AppConfig)[]).map((key) => {
    const spec = OPTIONS[key];
    const name = optionExternalName(key);
    const shown = spec.default === '' ? '(empty)' : `\`${spec.default}\``;
    return `| \`${name}\` | \`ORRERY_${name.toUpperCase()}\` | ${shown} | ${spec.description} |`;
  });
  return ['| option | environment variable | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
