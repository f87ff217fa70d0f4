// REPORT (RFC 3253 §3.6): dispatch on the body's root element; unknown reports are refused with
// DAV:supported-report.
import { readBodyText } from '../../http/body.ts';
import type { DavContext } from '../context.ts';
import { badRequest, conditionError, notFound } from '../errors.ts';
import type { DavServices } from '../services.ts';
import { parseXml } from '../xml/parse.ts';

export async function handleReport(ctx: DavContext, services: DavServices): Promise<Response> {
  if (ctx.resource.kind === 'missing' && !ctx.freeBusyTarget) throw notFound();
  // Where a collection hidden from the principal may still answer a free-busy-query (right 9), the
  // body is read first: which report it is decides whether the target is there for them.
  const text = await readBodyText(ctx.request, ctx.deps.config.xml_max_size, 'REPORT body');
  if (text.trim() === '') throw badRequest('REPORT needs a body');
  const body = parseXml(text);
  const report = services.reports.find(body.name);
  if (ctx.resource.kind === 'missing') {
    if (report?.freeBusy && ctx.freeBusyTarget) return report.run({ ...ctx, resource: ctx.freeBusyTarget, freeBusyTarget: null }, body, services);
    throw notFound();
  }
  if (!report) throw conditionError({ name: '{DAV:}supported-report' }, `The report ${body.name} is not supported here`);
  return report.run(ctx, body, services);
}
