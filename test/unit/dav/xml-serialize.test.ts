// The XML writer: escaping (markup characters become references, carriage returns survive XML's
// line-end normalisation as &#13;, characters XML 1.0 cannot carry are dropped, so that any stored
// text serialises), and namespace declarations in streamed documents.
import { describe, expect, it } from 'vitest';
import { el, type XmlElement } from '../../../src/dav/xml/element.ts';
import { parseXml } from '../../../src/dav/xml/parse.ts';
import { escapeAttribute, escapeText, XmlStreamWriter } from '../../../src/dav/xml/serialize.ts';

describe('escapeText', () => {
  it('escapes markup and keeps carriage returns as references', () => {
    expect(escapeText('a < b && c > d\r\n')).toBe('a &lt; b &amp;&amp; c &gt; d&#13;\n');
  });

  it('drops characters XML 1.0 cannot carry and keeps the rest of Unicode', () => {
    expect(escapeText('x\u0000y\u0001z\u000B\u001F\uFFFE\uFFFF\t\n√ 😀')).toBe('xyz\t\n√ 😀');
  });

  it('returns plain text unchanged', () => {
    const text = 'BEGIN:VCALENDAR\nSUMMARY:Lunch\n';
    expect(escapeText(text)).toBe(text);
  });
});

describe('escapeAttribute', () => {
  it('also escapes quotes and the whitespace attribute normalisation would fold', () => {
    expect(escapeAttribute('say "hi"\r\n\t<&>\u0002')).toBe('say &quot;hi&quot;&#13;&#10;&#9;&lt;&amp;&gt;');
  });
});

describe('XmlStreamWriter', () => {
  it('declares well-known namespaces once on the root and any other one on the child that uses it', () => {
    const writer = new XmlStreamWriter('{DAV:}multistatus');
    const plain = el('{DAV:}response', [el('{DAV:}href', '/a'), el('{urn:ietf:params:xml:ns:caldav}calendar-data', 'x')]);
    const custom = el('{DAV:}response', [el('{http://example.com/ns}color', '#fff', { '{http://example.com/other}kind': 'hex', plain: 'yes' })]);
    const [first, second] = [writer.child(plain), writer.child(custom)];
    expect(first).toBe('<D:response><D:href>/a</D:href><C:calendar-data>x</C:calendar-data></D:response>');
    expect(second).toMatch(/^<D:response xmlns:x\d+="http:\/\/example.com\/ns" xmlns:x\d+="http:\/\/example.com\/other">/);
    const document = parseXml(writer.start() + first + second + writer.end());
    const color = (document.children[1] as XmlElement).children[0] as XmlElement;
    expect(color.name).toBe('{http://example.com/ns}color');
    expect(color.attributes).toEqual({ '{http://example.com/other}kind': 'hex', plain: 'yes' });
  });

  it('writes tags and recurring texts it keeps as it would write them afresh, escapes included', () => {
    const writer = new XmlStreamWriter('{DAV:}multistatus');
    for (let i = 0; i < 2; i++) {
      expect([writer.open('{DAV:}propstat'), writer.close('{DAV:}propstat')]).toEqual(['<D:propstat>', '</D:propstat>']);
      expect(writer.recurringText('{DAV:}status', 'HTTP/1.1 200 OK')).toBe('<D:status>HTTP/1.1 200 OK</D:status>');
      expect(writer.recurringText('{DAV:}responsedescription', 'a & b')).toBe('<D:responsedescription>a &amp; b</D:responsedescription>');
    }
    expect(writer.recurringText('{DAV:}status', 'HTTP/1.1 404 Not Found')).toBe('<D:status>HTTP/1.1 404 Not Found</D:status>');
  });
});
