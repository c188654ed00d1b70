/** Small DOM helpers shared by the pages. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string>> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) if (value !== undefined) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

export function select(
  id: string,
  label: string,
  options: readonly string[],
  value: string,
): HTMLLabelElement {
  const s = el('select', { id });
  for (const o of options) s.append(el('option', { value: o }, o));
  s.value = value;
  return el('label', { for: id }, label, s);
}

export function numberInput(id: string, label: string, value: number, min = 0): HTMLLabelElement {
  return el(
    'label',
    { for: id },
    label,
    el('input', { id, type: 'number', value: String(value), min: String(min), step: '1' }),
  );
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
