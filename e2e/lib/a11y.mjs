// In-page accessibility checks, run with `page.evaluate(auditPage)`: every control has an
// accessible name, text meets WCAG AA contrast against its effective background, and the
// layout does not overflow the viewport sideways. Shadow roots (the card) are included.
// Returns a list of problems (strings), empty when the page passes.
export function auditPage() {
  const problems = [];
  const parse = (css) => {
    const m = css.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const luminance = ({ r, g, b }) => {
    const lin = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  // The composed parent: through shadow roots to their host.
  const parentOf = (el) => el.parentElement ?? el.getRootNode()?.host ?? null;
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = parentOf(e)) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) {
        layers.push(c);
        if (c.a >= 1) break;
      }
    }
    const canvas = matchMedia("(prefers-color-scheme: dark)").matches ? { r: 18, g: 18, b: 18, a: 1 } : { r: 255, g: 255, b: 255, a: 1 };
    return layers.reduceRight((below, layer) => over(layer, below), canvas);
  };
  const visible = (el) => {
    const s = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return s.visibility !== "hidden" && s.display !== "none" && box.width > 1 && box.height > 1;
  };
  const describe = (el) => `<${el.localName}${el.id ? "#" + el.id : ""}${el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : ""}> "${(el.textContent ?? "").trim().slice(0, 30)}"`;
  const accessibleName = (el) => {
    const root = el.getRootNode();
    const byIds = (ids) => ids.split(/\s+/).map((id) => root.getElementById?.(id)?.textContent ?? "").join(" ");
    return [
      el.getAttribute("aria-label"),
      el.getAttribute("aria-labelledby") && byIds(el.getAttribute("aria-labelledby")),
      el.id && root.querySelector?.(`label[for="${el.id}"]`)?.textContent,
      el.closest("label")?.textContent,
      ["button", "a", "summary"].includes(el.localName) ? el.textContent : "",
      el.getAttribute("title"),
    ].map((t) => (t ?? "").trim()).find(Boolean);
  };
  const walk = (root, visit) => {
    for (const el of root.querySelectorAll("*")) {
      visit(el);
      if (el.shadowRoot) walk(el.shadowRoot, visit);
    }
  };
  walk(document, (el) => {
    if (!visible(el)) return;
    if (el.matches("button, a[href], input:not([type=hidden]), select, textarea, summary") && !accessibleName(el)) {
      problems.push(`no accessible name: ${describe(el)}`);
    }
    const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!ownText || el.closest?.("[aria-hidden=true]")) return;
    const style = getComputedStyle(el);
    const fg = parse(style.color);
    if (!fg) return;
    const bg = background(el);
    const text = over(fg, bg);
    const [hi, lo] = [luminance(text), luminance(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const needed = large ? 3 : 4.5;
    // Disabled controls are exempt from contrast requirements (WCAG 1.4.3).
    if (ratio < needed && !el.closest("button:disabled, input:disabled")) {
      problems.push(`contrast ${ratio.toFixed(2)} < ${needed}: ${describe(el)} (${style.color} on rgb(${bg.r|0}, ${bg.g|0}, ${bg.b|0}))`);
    }
  });
  const overflow = document.documentElement.scrollWidth - window.innerWidth;
  if (overflow > 0) problems.push(`page overflows the ${window.innerWidth}px viewport by ${overflow}px`);
  return problems;
}
