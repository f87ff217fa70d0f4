// Prints the README's configuration table from the option definitions in src/config.ts.
import { configTableMarkdown } from '../src/config-doc.ts';

console.log(configTableMarkdown());
