import { describe, expect, it } from 'vitest';
import { escapeXml, sparkToXml } from './georeport-xml.js';

describe('GeoReport XML', () => {
  it('maps the Spark JSON back to the standard\'s elements', () => {
    expect(sparkToXml('service_definition', { service_code: 'A1', attributes: [{ code: 'x', required: true, order: 1, values: [{ key: 'k', name: 'n' }], description: null }] })).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<service_definition>',
        '  <service_code>A1</service_code>',
        '  <attributes>',
        '    <attribute>',
        '      <code>x</code>',
        '      <required>true</required>',
        '      <order>1</order>',
        '      <values>',
        '        <value>',
        '          <key>k</key>',
        '          <name>n</name>',
        '        </value>',
        '      </values>',
        '      <description/>',
        '    </attribute>',
        '  </attributes>',
        '</service_definition>',
        '',
      ].join('\n'),
    );
  });

  it('an empty root list is an empty root element', () => {
    expect(sparkToXml('service_requests', [])).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<service_requests>\n</service_requests>\n');
  });

  it('escapes markup and drops what XML cannot carry', () => {
    expect(escapeXml('<a href="x">Tom & Jerry\'s</a>\u0000\u0007\ttab\nline\uFFFE')).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;\ttab\nline');
    expect(escapeXml('藏文 བོད་ཡིག 😀')).toBe('藏文 བོད་ཡིག 😀');
  });

  it('refuses a list the standard does not name', () => {
    expect(() => sparkToXml('things', [{ a: 1 }])).toThrow(/no item element name/);
  });
});
