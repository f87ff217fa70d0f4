// Multistatus bodies parsed into structure, so tests assert on hrefs, statuses and properties
// rather than on bytes.
import { childElements, findChild, findChildren, textContent, type XmlElement } from '../../src/dav/xml/element.ts';
import { dav } from '../../src/dav/xml/names.ts';
import { parseXml } from '../../src/dav/xml/parse.ts';

export interface ParsedResponse {
  status?: number;
  props: Map<string, { status: number; element: XmlElement }>;
  element: XmlElement;
}

export function parseMultistatus(xml: string): Map<string, ParsedResponse> {
  // A response, unlike a request body, may hold any number of elements (a listing of thousands).
  const root = parseXml(xml, { maxElements: Infinity });
  if (root.name !== dav('multistatus')) throw new Error(`Not a multistatus: ${root.name}`);
  const result = new Map<string, ParsedResponse>();
  for (const response of findChildren(root, dav('response'))) {
    const href = decodeURIComponent(textContent(findChild(response, dav('href'))!).trim());
    const props = new Map<string, { status: number; element: XmlElement }>();
    const statusElement = findChild(response, dav('status'));
    for (const propstat of findChildren(response, dav('propstat'))) {
      const status = statusCode(textContent(findChild(propstat, dav('status'))!));
      for (const prop of childElements(findChild(propstat, dav('prop'))!)) props.set(prop.name, { status, element: prop });
    }
    result.set(href, { ...(statusElement ? { status: statusCode(textContent(statusElement)) } : {}), props, element: response });
  }
  return result;
}

export function statusCode(line: string): number {
  return Number(/HTTP\/\d\.\d (\d{3})/.exec(line)?.[1]);
}

export function propText(response: ParsedResponse | undefined, name: string): string | undefined {
  const prop = response?.props.get(name);
  return prop && prop.status === 200 ? textContent(prop.element) : undefined;
}

export { parseXml, textContent, findChild, childElements };
