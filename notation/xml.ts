/** A few lines of XML writing: enough for MusicXML, escaped, without a DOM. */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] as string);
}

type Attributes = Record<string, string | number | undefined>;

function attributeText(attributes: Attributes): string {
  return Object.entries(attributes)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ` ${name}="${escapeXml(String(value))}"`)
    .join('');
}

/** An element with text or child elements; `undefined` children are left out. */
export function el(name: string, attributes: Attributes, ...children: (string | number | undefined)[]): string {
  const inner = children.filter((child) => child !== undefined).join('');
  return inner === '' ? `<${name}${attributeText(attributes)}/>` : `<${name}${attributeText(attributes)}>${inner}</${name}>`;
}

/** An element holding one text value. */
export function text(name: string, value: string | number, attributes: Attributes = {}): string {
  return `<${name}${attributeText(attributes)}>${escapeXml(String(value))}</${name}>`;
}
