// The WebDAV-Push namespace (draft bitfireAT/webdav-push §1.4) and names in it.
import { clark, type ClarkName } from '../dav/xml/names.ts';

export const PUSH_NS = 'https://bitfire.at/webdav-push';

export const push = (local: string): ClarkName => clark(PUSH_NS, local);
