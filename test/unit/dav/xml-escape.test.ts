// Text and attribute escaping of the XML writer: markup characters become references, carriage
// returns survive XML's line-end normalisation as &#13;, and characters XML 1.0 cannot carry are
// dropped, so that any stored text (a summary with a stray control character) serialises.
import { describe, expect, it } from 'vitest';
import { escapeAttribute, escapeText } from '../../../src/dav/xml/serialize.ts';

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
