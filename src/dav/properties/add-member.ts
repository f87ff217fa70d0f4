// DAV:add-member (RFC 5995 §3.1): the URL a client POSTs to so that the server names the new member
// (post.ts). Only on collections whose members can be created that way; protected, and left out of
// allprop as the RFC asks (Cyrus does the same).
import type { CollectionKind } from '../../storage/index.ts';
import { encodePath } from '../path.ts';
import { el } from '../xml/element.ts';
import { dav } from '../xml/names.ts';
import type { PropertyDef } from './registry.ts';

export function addMemberProperty(acceptsMembers: (kind: CollectionKind) => boolean): PropertyDef {
  return {
    name: dav('add-member'),
    appliesTo: (r) => r.kind === 'collection' && acceptsMembers(r.collection.kind),
    write: 'protected',
    get: ({ resource }) => (resource.kind === 'collection' ? el(dav('href'), `${encodePath(resource.collection.path)}?action=add-member`) : undefined),
  };
}
