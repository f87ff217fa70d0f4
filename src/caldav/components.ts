// The supported-calendar-component-set of a calendar (RFC 4791 §5.2.3), stored as a dead property
// at creation; a calendar without one accepts the configured default set.
import type { DavContext } from '../dav/context.ts';
import { deserializeDeadProperty } from '../dav/properties/registry.ts';
import { childElements, el, type XmlElement } from '../dav/xml/element.ts';
import { caldav } from '../dav/xml/names.ts';
import type { CollectionRecord } from '../storage/index.ts';

export const SUPPORTED_COMPONENT_SET = caldav('supported-calendar-component-set');

export async function supportedComponentsOf(ctx: DavContext, collection: CollectionRecord): Promise<string[]> {
  const stored = (await ctx.deps.store.properties.get(collection.path)).get(SUPPORTED_COMPONENT_SET);
  return stored ? componentsFromElement(deserializeDeadProperty(stored)) : [...ctx.deps.config.calendar_component_set];
}

export function componentsFromElement(element: XmlElement): string[] {
  return childElements(element)
    .filter((c) => c.name === caldav('comp'))
    .map((c) => (c.attributes.name ?? '').toUpperCase())
    .filter((name) => name !== '');
}

export function componentSetElement(components: readonly string[]): XmlElement {
  return el(SUPPORTED_COMPONENT_SET, components.map((name) => el(caldav('comp'), null, { name })));
}
