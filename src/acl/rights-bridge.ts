// Interim bridge between the enforcement point and the rights model: evaluates Cyrus ACL strings.
import type { Principal } from '../dav/context.ts';
import { caldav, dav, cyrus, type ClarkName } from '../dav/xml/names.ts';

export type AclOperation =
  | 'read'
  | 'read-free-busy'
  | 'write-properties'
  | 'write-content'
  | 'bind'
  | 'make-collection'
  | 'remove-collection'
  | 'remove-resource'
  | 'admin';

const OPERATION_RIGHTS: Record<AclOperation, string> = {
  read: 'lr',
  'read-free-busy': '9',
  'write-properties': 'w',
  'write-content': 'i',
  bind: 'p',
  'make-collection': 'k',
  'remove-collection': 'x',
  'remove-resource': 't',
  admin: 'a',
};

const OPERATION_PRIVILEGE: Record<AclOperation, ClarkName> = {
  read: dav('read'),
  'read-free-busy': caldav('read-free-busy'),
  'write-properties': dav('write-properties'),
  'write-content': dav('write-content'),
  bind: dav('bind'),
  'make-collection': cyrus('make-collection'),
  'remove-collection': cyrus('remove-collection'),
  'remove-resource': cyrus('remove-resource'),
  admin: cyrus('admin'),
};

export function operationRights(operation: AclOperation, _kind: string): string {
  return OPERATION_RIGHTS[operation];
}

export function operationPrivilege(operation: AclOperation, _kind: string): ClarkName {
  return OPERATION_PRIVILEGE[operation];
}

export function effectiveRightsFor(acl: string, owner: string | null, principal: Principal | null, _kind: string): string {
  if (principal?.isAdmin) return 'lrswipkxtean987';
  if (principal && owner === principal.name) return 'lrswipkxtean987';
  const parts = acl.split('\t');
  let granted = '';
  let denied = '';
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const raw = parts[i]!;
    const negative = raw.startsWith('-');
    const identifier = negative ? raw.slice(1) : raw;
    const matches =
      identifier === 'anyone' ||
      (identifier === 'anonymous' && !principal) ||
      (principal !== null && identifier === principal.name);
    if (!matches) continue;
    if (negative) denied += parts[i + 1]!;
    else granted += parts[i + 1]!;
  }
  return [...new Set(granted)].filter((letter) => !denied.includes(letter)).join('');
}
