// Partial retrieval (RFC 4791 §7.6, §9.6.1–§9.6.4): keeps only the components and properties a
// CALDAV:comp selector names; novalue="yes" keeps a property but not its value.
import type { CompSelector } from './request.ts';
import type { JCalComponent, JCalProperty } from './jcal.ts';

/**
 * The parts of `vcalendar` the selector asks for, as new arrays (the input is not modified).
 * `forJCal` picks how a value-less property is written: jCal needs one (empty) value, while the
 * text form is a bare "NAME;PARAMS:" line, which ical.js writes for a property with no value.
 */
export function selectParts(vcalendar: JCalComponent, selector: CompSelector, forJCal: boolean): JCalComponent {
  return selectComponent(vcalendar, selector, forJCal);
}

// --- Internal helpers ---

function selectComponent(component: JCalComponent, selector: CompSelector, forJCal: boolean): JCalComponent {
  const [name, properties, subcomponents] = component;
  return [name, selectProperties(properties, selector, forJCal), selectSubcomponents(subcomponents, selector, forJCal)];
}

function selectProperties(properties: JCalProperty[], selector: CompSelector, forJCal: boolean): JCalProperty[] {
  if (selector.allProps) return properties;
  const wanted = new Map(selector.props.map((p) => [p.name.toLowerCase(), p] as const));
  const kept: JCalProperty[] = [];
  for (const property of properties) {
    const choice = wanted.get(property[0]);
    if (!choice) continue;
    if (!choice.novalue) kept.push(property);
    else kept.push(forJCal ? [property[0], property[1], property[2], ''] : [property[0], property[1], property[2]]);
  }
  return kept;
}

function selectSubcomponents(subcomponents: JCalComponent[], selector: CompSelector, forJCal: boolean): JCalComponent[] {
  if (selector.allComps) return subcomponents;
  const kept: JCalComponent[] = [];
  for (const subcomponent of subcomponents) {
    const name = subcomponent[0].toUpperCase();
    const choice = selector.comps.find((c) => c.name === name);
    if (choice) kept.push(selectComponent(subcomponent, choice, forJCal));
  }
  return kept;
}
