// REPORT framework (RFC 3253 §3.6): one ReportDef per report, looked up by the body's root name.
import type { DavContext } from '../context.ts';
import type { ListedResource } from '../resource.ts';
import type { DavServices } from '../services.ts';
import type { XmlElement } from '../xml/element.ts';
import type { ClarkName } from '../xml/names.ts';

export interface ReportDef {
  name: ClarkName;
  /** Whether the resource lists it in DAV:supported-report-set (RFC 3253 §3.1.5). */
  offeredOn(resource: ListedResource): boolean;
  /**
   * Answers busy time only, so it also runs on a calendar or home hidden from a principal who
   * holds read-free-busy there (Cyrus right 9, RFC 4791 §6.1.1); its run checks that privilege.
   */
  freeBusy?: boolean;
  run(ctx: DavContext, body: XmlElement, services: DavServices): Promise<Response>;
}

export class ReportRegistry {
  private readonly defs = new Map<ClarkName, ReportDef>();

  constructor(defs: readonly ReportDef[]) {
    for (const def of defs) this.defs.set(def.name, def);
  }

  find(name: ClarkName): ReportDef | undefined {
    return this.defs.get(name);
  }

  /** The reports a resource offers, in the order they were registered. */
  offeredOn(resource: ListedResource): ClarkName[] {
    return [...this.defs.values()].filter((def) => def.offeredOn(resource)).map((def) => def.name);
  }
}
