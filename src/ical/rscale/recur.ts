// Where RSCALE meets ical.js: which parsed RRULE values are RFC 7529 rules, evaluated by this
// folder's iterator instead of ical.js's RecurIterator (which knows nothing of RSCALE and would
// expand the rule as a Gregorian one).
import type ICAL from 'ical.js';
import { parseRscaleRule, type RscaleProblem, type RscaleRule } from './rule.ts';

/**
 * The RSCALE rule of a parsed RRULE, or a problem when it cannot be evaluated (an unknown scale);
 * undefined for a rule without RSCALE, and for a GREGORIAN one with BYWEEKNO, which ical.js
 * expands (SKIP cannot apply to ISO weeks).
 */
export function rscaleRuleOf(recur: ICAL.Recur): RscaleRule | RscaleProblem | undefined {
  const fields = recur as unknown as { rscale?: unknown; skip?: unknown };
  if (typeof fields.rscale !== 'string' || fields.rscale === '') return undefined;
  const skip = typeof fields.skip === 'string' ? `;SKIP=${fields.skip}` : '';
  const rule = parseRscaleRule(`RSCALE=${fields.rscale}${skip};${recur.toString()}`);
  if ('scale' in rule && rule.scale.name === 'GREGORIAN' && rule.byWeekNo.length > 0) return undefined;
  return rule;
}

/** Why a component's rules cannot be evaluated (an RSCALE this server lacks, RFC 7529 §5.2), or undefined. */
export function rscaleProblemOf(component: ICAL.Component): RscaleProblem | undefined {
  for (const property of [...component.getAllProperties('rrule'), ...component.getAllProperties('exrule')]) {
    const value = property.getFirstValue() as ICAL.Recur | null;
    const rule = value && typeof value === 'object' ? rscaleRuleOf(value) : undefined;
    if (rule && 'message' in rule) return rule;
  }
  return undefined;
}
