// The iCalendar VPATCH component (draft-daboo-icalendar-vpatch): parses a patch document and
// applies it to a calendar object. Pure: no storage, no HTTP. The result still has to pass the
// calendar's validation, which is the caller's business (§3: "the patch operation MUST fail").
import ICAL from 'ical.js';
import { utcMsToLocal } from '../tz/zone.ts';
import { parseICalendar } from './parse.ts';
import { deriveOverride } from './override.ts';
import { expandInstances } from './recurrence.ts';
import { InvalidPatchError, parseIcalPath, type ComponentSegment, type IcalPath, type PropertyMatch } from './vpatch-path.ts';
import { formatResolved, readingValues, resolveProperty, tzidOf, zoneContext, type ZoneContext } from './zones.ts';

export { InvalidPatchError };

/** PATCH-VERSION other than 1 (§10.2.1: the whole patch MUST be rejected). */
export class UnsupportedPatchVersionError extends Error {
  override name = 'UnsupportedPatchVersionError';
}

/** The patch cannot be applied to this object: a RID= names no instance of the series (§11.2). */
export class PatchConflictError extends Error {
  override name = 'PatchConflictError';
}

/** One PATCH component, ready to apply. */
export interface PatchOperation {
  target: IcalPath;
  deletes: IcalPath[];
  parameters: { path: IcalPath; source: ICAL.Property }[];
  components: ICAL.Component[];
  properties: { property: ICAL.Property; action: PatchAction }[];
}

type PatchAction = { kind: 'BYNAME' | 'CREATE' | 'BYVALUE' } | { kind: 'BYPARAM'; match: Extract<PropertyMatch, { kind: 'parameter' }> };

export interface ApplyOptions {
  nowUtcMs: number;
  /** Iteration steps allowed when checking that a RID= names an instance (CALDAV:max-instances). */
  maxInstances: number;
}

/** The media type advertised in Accept-Patch (§13: component and optinfo are required). */
export const VPATCH_MEDIA_TYPE = 'text/calendar; component=VPATCH; optinfo="PATCH-VERSION:1"';

/**
 * The PATCH components of a patch document, VPATCHes in PATCH-ORDER (those without one last, §3).
 * Throws InvalidICalendarError when the text is not iCalendar, InvalidPatchError when it is not a
 * well-formed patch, UnsupportedPatchVersionError for a version other than 1.
 */
export function parseVpatch(text: string): PatchOperation[] {
  const root = parseICalendar(text);
  const vpatches = root.getAllSubcomponents('vpatch');
  if (vpatches.length === 0) throw new InvalidPatchError('The patch document holds no VPATCH component');
  const other = root.getAllSubcomponents().find((c) => c.name !== 'vpatch' && c.name !== 'vtimezone');
  if (other) throw new InvalidPatchError(`A patch document holds VPATCH components only, not ${other.name.toUpperCase()}`);
  const ordered = vpatches.map((vpatch, index) => ({ vpatch, order: patchOrder(vpatch), index }));
  ordered.sort((a, b) => (a.order ?? Infinity) - (b.order ?? Infinity) || a.index - b.index);
  for (const { vpatch } of ordered) checkVersion(vpatch);
  return ordered.flatMap(({ vpatch }) => vpatch.getAllSubcomponents().map(parsePatch));
}

/** Applies the operations in order to `vcalendar`, in place (§4 gives the order within one PATCH). */
export function applyVpatch(vcalendar: ICAL.Component, operations: readonly PatchOperation[], options: ApplyOptions): void {
  readingValues(() => {
    const ctx = zoneContext(vcalendar);
    for (const operation of operations) {
      for (const target of resolveTargets(vcalendar, operation.target.components, ctx, options)) {
        for (const path of operation.deletes) applyDelete(target, path, ctx);
        for (const { path, source } of operation.parameters) applyParameters(target, path, source);
        for (const component of operation.components) addComponent(target, component, ctx);
        for (const { property, action } of operation.properties) addProperty(target, property, action);
      }
    }
  });
}

// --- Internal helpers ---

function patchOrder(vpatch: ICAL.Component): number | undefined {
  const values = vpatch.getAllProperties('patch-order');
  if (values.length > 1) throw new InvalidPatchError('A VPATCH has more than one PATCH-ORDER (§10.2.2)');
  if (values.length === 0) return undefined;
  const text = String(values[0]!.getFirstValue());
  if (!/^[+-]?\d+$/.test(text)) throw new InvalidPatchError(`PATCH-ORDER "${text}" is not an integer`);
  return Number(text);
}

function checkVersion(vpatch: ICAL.Component): void {
  const values = vpatch.getAllProperties('patch-version');
  if (values.length > 1) throw new InvalidPatchError('A VPATCH has more than one PATCH-VERSION (§10.2.1)');
  const version = values.length === 0 ? '1' : String(values[0]!.getFirstValue()).trim();
  if (version !== '1') throw new UnsupportedPatchVersionError(`PATCH-VERSION ${version} is not supported; this server applies version 1`);
}

function parsePatch(patch: ICAL.Component): PatchOperation {
  if (patch.name !== 'patch') throw new InvalidPatchError(`A VPATCH holds PATCH components only, not ${patch.name.toUpperCase()}`);
  const targets = patch.getAllProperties('patch-target');
  if (targets.length !== 1) throw new InvalidPatchError(`A PATCH component needs exactly one PATCH-TARGET (§10.3.1), this one has ${targets.length}`);
  const operation: PatchOperation = {
    target: parseIcalPath(pathText(targets[0]!), 'PATCH-TARGET'),
    deletes: [],
    parameters: [],
    components: patch.getAllSubcomponents().map((c) => new ICAL.Component(structuredClone(c.toJSON()))),
    properties: [],
  };
  for (const property of patch.getAllProperties()) {
    const name = property.name.toUpperCase();
    if (name === 'PATCH-TARGET') continue;
    if (name === 'PATCH-DELETE') operation.deletes.push(parseIcalPath(pathText(property), 'PATCH-DELETE'));
    else if (name === 'PATCH-PARAMETER') operation.parameters.push({ path: parseIcalPath(pathText(property), 'PATCH-PARAMETER'), source: property });
    else if (name.startsWith('PATCH-')) throw new InvalidPatchError(`${name} is not a property of the PATCH component`);
    else operation.properties.push(actionProperty(property));
  }
  return operation;
}

function pathText(property: ICAL.Property): string {
  return String(property.getFirstValue() ?? '').trim();
}

/** The property to add without its PATCH-ACTION parameter (§7), and what that parameter asked. */
function actionProperty(source: ICAL.Property): { property: ICAL.Property; action: PatchAction } {
  const property = new ICAL.Property(structuredClone(source.toJSON()));
  const raw = property.getParameter('patch-action');
  property.removeParameter('patch-action');
  if (raw === undefined || raw === null) return { property, action: { kind: 'BYNAME' } };
  const value = String(raw);
  const upper = value.toUpperCase();
  if (upper === 'BYNAME' || upper === 'CREATE' || upper === 'BYVALUE') return { property, action: { kind: upper } };
  if (upper.startsWith('BYPARAM@')) {
    // A param-match as in a path (§10.4), so it is read by the path parser.
    const match = parseIcalPath(`#X[${value.slice('BYPARAM'.length)}]`, 'PATCH-DELETE').property?.match;
    if (match?.kind === 'parameter') return { property, action: { kind: 'BYPARAM', match } };
  }
  throw new InvalidPatchError(`PATCH-ACTION=${value} on ${property.name.toUpperCase()} is not CREATE, BYNAME, BYVALUE or BYPARAM@… (§10.4)`);
}

/** The components a component path names below `root` (the path's first segment is root itself). */
function resolveTargets(root: ICAL.Component, segments: readonly ComponentSegment[], ctx: ZoneContext, options: ApplyOptions): ICAL.Component[] {
  let current = [root];
  for (const segment of segments.slice(1)) current = current.flatMap((parent) => matchChildren(parent, segment, ctx, options));
  return current;
}

/**
 * Children of `parent` that a segment matches. A RID= of an instance that has no overriding
 * component yet creates one from the master (§11.2); a RID= that names no instance fails.
 * Only PATCH-TARGET paths pass `options` (PATCH-DELETE removes only what exists).
 */
function matchChildren(parent: ICAL.Component, segment: ComponentSegment, ctx: ZoneContext, options?: ApplyOptions): ICAL.Component[] {
  const candidates = parent.getAllSubcomponents(segment.name.toLowerCase()).filter((c) => segment.uid === undefined || valueText(c.getFirstProperty('uid')) === segment.uid);
  if (segment.rid === undefined) return candidates;
  if (segment.rid === 'M') return candidates.filter((c) => !c.hasProperty('recurrence-id'));
  const matched = candidates.filter((c) => recurrenceKey(c, ctx) === segment.rid);
  if (matched.length > 0 || !options) return matched;
  const masters = candidates.filter((c) => !c.hasProperty('recurrence-id'));
  return masters.map((master) => createOverride(parent, master, segment.rid!, ctx, options));
}

function recurrenceKey(component: ICAL.Component, ctx: ZoneContext): string | undefined {
  const rid = resolveProperty(component, 'recurrence-id', ctx);
  return rid ? formatResolved(rid) : undefined;
}

/** A new overriding component for the instance `rid` of `master`, added to `parent` (§11.2). */
function createOverride(parent: ICAL.Component, master: ICAL.Component, rid: string, ctx: ZoneContext, options: ApplyOptions): ICAL.Component {
  const uid = valueText(master.getFirstProperty('uid'));
  const ridMs = instantOf(rid);
  const day = 86_400_000;
  const instance = expandInstances(parent, {
    componentName: master.name,
    rangeStartUtcMs: ridMs - 2 * day,
    rangeEndUtcMs: ridMs + 2 * day,
    horizonUtcMs: ridMs + 2 * day,
    maxInstances: options.maxInstances,
  }).find((i) => i.component === master && !i.isOverride && i.recurrenceId === rid);
  const start = resolveProperty(master, 'dtstart', ctx);
  if (!instance || !start) {
    throw new PatchConflictError(`RID=${rid} is not an instance of ${master.name.toUpperCase()} ${uid ?? ''} (not generated by its rules, or excluded): there is nothing to override (draft-daboo-icalendar-vpatch §11.2)`);
  }
  const dtstart = master.getFirstProperty('dtstart')!;
  const local = utcMsToLocal(start.zone, instance.startUtcMs);
  const time = (dtstart.getFirstValue() as ICAL.Time).clone();
  Object.assign(time, { ...local, isDate: start.isDate });
  const override = deriveOverride(master, { time, tzid: tzidOf(dtstart) });
  const stamp = override.getFirstProperty('dtstamp');
  if (stamp) stamp.setValue(ICAL.Time.fromJSDate(new Date(options.nowUtcMs), true));
  parent.addSubcomponent(override);
  return override;
}

/** A RID value as an instant (DATE and floating values read as UTC; the search range allows for that). */
function instantOf(rid: string): number {
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2}))?/.exec(rid)!;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
}

function applyDelete(target: ICAL.Component, path: IcalPath, ctx: ZoneContext): void {
  if (!path.property) {
    let parents = [target];
    for (const segment of path.components.slice(0, -1)) parents = parents.flatMap((p) => matchChildren(p, segment, ctx));
    const last = path.components[path.components.length - 1]!;
    for (const parent of parents) for (const child of matchChildren(parent, last, ctx)) parent.removeSubcomponent(child);
    return;
  }
  for (const property of matchProperties(target, path.property.name, path.property.match)) {
    if (path.parameter) deleteParameter(property, path.parameter, path.value);
    else if (path.value !== undefined) deleteValue(target, property, path.value);
    else target.removeProperty(property);
  }
}

function deleteParameter(property: ICAL.Property, name: string, value: string | undefined): void {
  const key = name.toLowerCase();
  const current = property.getParameter(key);
  if (current === undefined || current === null) return;
  if (value === undefined) {
    property.removeParameter(key);
    return;
  }
  const values = (Array.isArray(current) ? current : [String(current)]).filter((v) => v !== value);
  if (values.length === 0) property.removeParameter(key);
  else property.setParameter(key, values.length === 1 ? values[0]! : values);
}

/** Removes one value of a multi-valued property (EXDATE, CATEGORIES…); the property goes when none is left (§8). */
function deleteValue(component: ICAL.Component, property: ICAL.Property, value: string): void {
  const [name, params, type, ...values] = property.toJSON() as [string, Record<string, unknown>, string, ...unknown[]];
  const kept = values.filter((v) => valueText(new ICAL.Property([name, {}, type, v])) !== value);
  if (kept.length === values.length && valueText(property) !== value) return;
  component.removeProperty(property);
  if (kept.length > 0 && kept.length < values.length) component.addProperty(new ICAL.Property([name, params, type, ...kept]));
}

/** PATCH-PARAMETER (§9): set the source's parameters on the properties, or add values to one multi-valued parameter. */
function applyParameters(target: ICAL.Component, path: IcalPath, source: ICAL.Property): void {
  const parameters = Object.entries((source.toJSON() as [string, Record<string, unknown>])[1]);
  for (const property of matchProperties(target, path.property!.name, path.property!.match)) {
    if (!path.parameter) {
      for (const [name, value] of parameters) property.setParameter(name, value as string | string[]);
      continue;
    }
    const key = path.parameter.toLowerCase();
    const added = parameters.find(([name]) => name === key)?.[1];
    if (added === undefined) continue;
    const current = property.getParameter(key);
    const merged = [...toList(current), ...toList(added).filter((v) => !toList(current).includes(v))];
    property.setParameter(key, merged.length === 1 ? merged[0]! : merged);
  }
}

/** §6: an added component replaces the children with the same name, UID and RECURRENCE-ID. */
function addComponent(target: ICAL.Component, template: ICAL.Component, ctx: ZoneContext): void {
  const component = new ICAL.Component(structuredClone(template.toJSON()));
  const uid = valueText(component.getFirstProperty('uid'));
  const rid = recurrenceKey(component, ctx);
  for (const existing of target.getAllSubcomponents(component.name)) {
    const sameUid = uid === undefined ? !existing.hasProperty('uid') : valueText(existing.getFirstProperty('uid')) === uid;
    if (sameUid && (uid === undefined || recurrenceKey(existing, ctx) === rid)) target.removeSubcomponent(existing);
  }
  target.addSubcomponent(component);
}

/** §7: an added property, with the properties it replaces removed first. */
function addProperty(target: ICAL.Component, template: ICAL.Property, action: PatchAction): void {
  const property = new ICAL.Property(structuredClone(template.toJSON()));
  if (action.kind !== 'CREATE') {
    const value = valueText(property);
    for (const existing of target.getAllProperties(property.name)) {
      const replaced = action.kind === 'BYPARAM' ? parameterMatches(existing, action.match) : action.kind === 'BYNAME' || valueText(existing) === value;
      if (replaced) target.removeProperty(existing);
    }
  }
  target.addProperty(property);
}

function matchProperties(component: ICAL.Component, name: string, match: PropertyMatch | undefined): ICAL.Property[] {
  return component.getAllProperties(name.toLowerCase()).filter((property) => {
    if (!match) return true;
    if (match.kind === 'parameter') return parameterMatches(property, match);
    return (valueText(property) === match.value) !== match.negate;
  });
}

function parameterMatches(property: ICAL.Property, match: Extract<PropertyMatch, { kind: 'parameter' }>): boolean {
  const current = property.getParameter(match.parameter.toLowerCase());
  const present = current !== undefined && current !== null;
  const found = match.value === undefined ? present : present && (toList(current).includes(match.value) || toList(current).join(',') === match.value);
  return found !== match.negate;
}

function toList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/** The value as written in iCalendar, escapes included: what path match values are compared with (§11.4). */
function valueText(property: ICAL.Property | null): string | undefined {
  if (!property) return undefined;
  const [name, , type, ...values] = property.toJSON() as [string, unknown, string, ...unknown[]];
  const line = ICAL.stringify.property([name, {}, type, ...values] as unknown as Parameters<typeof ICAL.stringify.property>[0], undefined as never, true);
  return line.slice(line.indexOf(':') + 1);
}
