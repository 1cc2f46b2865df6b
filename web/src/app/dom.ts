/** A few DOM helpers: the app has no framework, so views build their elements with `h`. */
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = String(v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: (Child | Child[])[]): void {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' || typeof c === 'number' ? String(c) : c);
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: (Child | Child[])[]): void {
  clear(el);
  append(el, children);
}

/** A state shown in place of data: loading, an error, or "no data yet" (never a made-up figure). */
export function placeholder(kind: 'loading' | 'empty' | 'error', text: string): HTMLElement {
  return h('p', { class: `placeholder ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/** A modal confirmation dialog (native <dialog>: focus trap and Escape come with it). */
export function confirmDialog(title: string, body: string, confirmLabel: string, cancelLabel: string): Promise<boolean> {
  return new Promise((resolve) => {
    const dlg = h(
      'dialog',
      { class: 'confirm', 'aria-labelledby': 'confirm-title' },
      h('h2', { id: 'confirm-title' }, title),
      h('p', {}, body),
      h(
        'form',
        { method: 'dialog', class: 'actions' },
        h('button', { value: 'cancel', class: 'secondary', autofocus: true }, cancelLabel),
        h('button', { value: 'ok', class: 'danger' }, confirmLabel),
      ),
    );
    dlg.addEventListener('close', () => {
      resolve(dlg.returnValue === 'ok');
      dlg.remove();
    });
    document.body.append(dlg);
    dlg.showModal();
  });
}
