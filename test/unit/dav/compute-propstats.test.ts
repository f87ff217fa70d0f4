// Propstats of one resource: answered without a promise when every value is at hand, and with one
// when a value is a promise; either way each property that fails is a 500 of its own, logged.
import { describe, expect, it } from 'vitest';
import type { DavContext } from '../../../src/dav/context.ts';
import { computePropstats } from '../../../src/dav/properties/compute.ts';
import { PropertyRegistry, type PropertyDef } from '../../../src/dav/properties/registry.ts';
import type { ListedResource } from '../../../src/dav/resource.ts';
import { dav } from '../../../src/dav/xml/names.ts';

const NS = '{http://example.com/ns}';
const def = (name: string, get: PropertyDef['get']): PropertyDef => ({ name: `${NS}${name}`, appliesTo: () => true, get, write: 'protected' });
const registry = new PropertyRegistry([
  def('now', () => 'at hand'),
  def('later', async () => 'awaited'),
  def('broken', () => {
    throw new Error('cannot compute');
  }),
  def('rejected', () => Promise.reject(new Error('went away'))),
  def('absent', () => undefined),
]);
const resource: ListedResource = { kind: 'virtual', path: '/dav/', name: 'dav-root' };

function context(logged: string[]): DavContext {
  const logger = { info: () => undefined, error: (_message: string, fields?: Record<string, unknown>) => void logged.push(String(fields?.property)) };
  return { principal: { name: 'alice', isAdmin: true }, deps: { logger } } as unknown as DavContext;
}

const statuses = (propstats: { status: number; props: { name: string }[] }[]) =>
  Object.fromEntries(propstats.flatMap((p) => p.props.map((prop) => [prop.name.slice(NS.length), p.status])));

describe('computePropstats', () => {
  it('answers synchronously when no value is a promise, a thrown property failing alone', () => {
    const logged: string[] = [];
    const names = ['now', 'broken', 'absent'].map((n) => `${NS}${n}`);
    const answer = computePropstats(context(logged), registry, resource, { type: 'prop', names }, new Map());
    expect(answer).not.toBeInstanceOf(Promise);
    expect(statuses(answer as Awaited<typeof answer>)).toEqual({ now: 200, broken: 500, absent: 404 });
    expect(logged).toEqual([`${NS}broken`]);
  });

  it('awaits the values that are promises, in the order asked, a rejected one failing alone', async () => {
    const logged: string[] = [];
    const names = ['later', 'now', 'rejected', 'broken'].map((n) => `${NS}${n}`);
    const answer = computePropstats(context(logged), registry, resource, { type: 'prop', names }, new Map());
    expect(answer).toBeInstanceOf(Promise);
    const propstats = await answer;
    expect(statuses(propstats)).toEqual({ later: 200, now: 200, rejected: 500, broken: 500 });
    expect(propstats[0]!.props.map((p) => p.children)).toEqual([['awaited'], ['at hand']]);
    expect(logged.sort()).toEqual([`${NS}broken`, `${NS}rejected`]);
  });

  it('refuses DAV:acl to whoever may not administer the resource, with 403', () => {
    const ctx = { ...context([]), principal: null } as unknown as DavContext;
    const answer = computePropstats(ctx, registry, resource, { type: 'prop', names: [dav('acl'), `${NS}now`] }, new Map());
    expect(statuses(answer as Awaited<typeof answer>)).toMatchObject({ now: 200 });
    expect((answer as Awaited<typeof answer>).find((p) => p.status === 403)?.props.map((p) => p.name)).toEqual([dav('acl')]);
  });
});
