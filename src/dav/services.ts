// What the generic WebDAV handlers get from the areas: property and report registries, content
// policies per collection kind, and collection-creation rules. Built once in app.ts.
import type { CollectionKind } from '../storage/index.ts';
import type { ContentPolicies } from './content.ts';
import type { BodyTransform } from './methods/get-head.ts';
import type { DavContext } from './context.ts';
import type { PatchFormat } from './patch-format.ts';
import type { PropertyRegistry } from './properties/registry.ts';
import type { ReportRegistry } from './reports/registry.ts';
import type { DavResource, ResourceView } from './resource.ts';

export interface DavServices {
  properties: PropertyRegistry;
  reports: ReportRegistry;
  content: ContentPolicies;
  /** Whether a collection of `child` kind may live directly in `parent` (a stored collection or a virtual one). */
  canContain(parent: DavResource, child: CollectionKind): boolean;
  /** The ACL a new collection starts with. */
  initialAcl(ctx: DavContext, kind: CollectionKind, parent: DavResource): string;
  /** Refuses deletions the area forbids (home, Inbox, the default calendar); throws a DavError. */
  checkDeletable(ctx: DavContext, resource: DavResource): Promise<void>;
  /**
   * The resource at `pathname` as the request's principal may know it: what they may not see is
   * answered as missing (the access policy, acl/visibility.ts).
   */
  visible(ctx: DavContext, resource: DavResource, pathname: string): Promise<ResourceView>;
  /** How a stored body is sent back (GET, and PUT with Prefer: return=representation); as stored if absent. */
  outgoingBody?: BodyTransform;
  /** The patch document type PATCH accepts on members of a kind of collection; none means PATCH is not allowed there. */
  patchFormat?(kind: CollectionKind): PatchFormat | null;
  /** Extra POST handling by the areas (sharing, Outbox, bulk import); null means "not handled". */
  post?(ctx: DavContext): Promise<Response | null>;
  /** POST to a member resource (RFC 8607 managed-attachment actions); null means "not handled". */
  postResource?(ctx: DavContext): Promise<Response | null>;
}
