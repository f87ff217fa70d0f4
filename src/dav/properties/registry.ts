// Live properties: one PropertyDef per property, registered explicitly in app.ts. Dead properties
// (anything without a def) are stored verbatim; writable live properties validate what is stored.
import type { DavContext } from '../context.ts';
import type { ListedResource } from '../resource.ts';
import type { XmlElement, XmlNode } from '../xml/element.ts';
import type { ClarkName } from '../xml/names.ts';

export interface PropertyContext {
  ctx: DavContext;
  resource: ListedResource;
  /** The resource's dead properties, Clark name → stored element. */
  dead: ReadonlyMap<string, XmlElement>;
  /**
   * The property element as the request named it, when it carries attributes: CALDAV properties
   * holding calendar data ask for a form by content-type (RFC 4791 §9.6, Cyrus's calendar-timezone).
   */
  requested?: XmlElement | undefined;
}

export interface PropertyDef {
  name: ClarkName;
  appliesTo(resource: ListedResource): boolean;
  /** The property's content; undefined when the resource has no value (reported 404). */
  get(pc: PropertyContext): Promise<PropertyValue> | PropertyValue;
  /** Included in a DAV:allprop answer (RFC 4918 §9.1: the RFC 4918 properties, not expensive ones). */
  inAllprop?: boolean;
  /**
   * How PROPPATCH treats it: 'protected' refuses with cannot-modify-protected-property; a validator
   * returns an error message for a bad value or null, and the value is then stored as a dead property.
   */
  write: 'protected' | ((value: XmlElement, pc: PropertyContext) => WriteCheck | Promise<WriteCheck>);
}

/** A validator's answer meaning "protected for this request" (e.g. a component set without force="yes"). */
export const PROTECTED = Symbol('protected');

/**
 * A validator's verdict: null accepts; a message refuses (409); a condition refuses with the RFC's
 * precondition element (403), e.g. CALDAV:valid-timezone; PROTECTED refuses as protected.
 */
export type WriteCheck = null | string | typeof PROTECTED | { condition: ClarkName; message: string };

export type PropertyValue = XmlNode | XmlNode[] | { element: XmlElement } | undefined;

export class PropertyRegistry {
  private readonly defs = new Map<ClarkName, PropertyDef[]>();

  constructor(defs: readonly PropertyDef[]) {
    for (const def of defs) {
      const list = this.defs.get(def.name) ?? [];
      list.push(def);
      this.defs.set(def.name, list);
    }
  }

  find(name: ClarkName, resource: ListedResource): PropertyDef | undefined {
    return this.defs.get(name)?.find((def) => def.appliesTo(resource));
  }

  /** Whether a name is a live property anywhere (then it is never stored as a dead one elsewhere). */
  isLive(name: ClarkName): boolean {
    return this.defs.has(name);
  }

  /** Writable live properties keep their values in dead-property storage. */
  isWritable(name: ClarkName): boolean {
    return this.defs.get(name)?.some((def) => def.write !== 'protected') ?? false;
  }

  namesFor(resource: ListedResource): ClarkName[] {
    const names: ClarkName[] = [];
    for (const [name, defs] of this.defs) if (defs.some((def) => def.appliesTo(resource))) names.push(name);
    return names;
  }

  allpropNames(resource: ListedResource): ClarkName[] {
    const names: ClarkName[] = [];
    for (const [name, defs] of this.defs) if (defs.some((def) => def.inAllprop && def.appliesTo(resource))) names.push(name);
    return names;
  }
}

/** Dead property values are stored as JSON of their XmlElement, which keeps namespaces and xml:lang. */
export function serializeDeadProperty(element: XmlElement): string {
  return JSON.stringify(element);
}

export function deserializeDeadProperty(text: string): XmlElement {
  return JSON.parse(text) as XmlElement;
}
