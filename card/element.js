// ---- <ptero-server-card>: the element class (appended to the card's module by xtask) ----
// A custom element must be a JS class; its callbacks hand the work to the wasm exports.
const PTERO_CARD_TAG = "ptero-server-card";
if (!customElements.get(PTERO_CARD_TAG)) {
  await __wbg_init({ module_or_path: new URL("ptero-server-card_bg.wasm", import.meta.url) });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(PTERO_CARD_CSS);
  let nextId = 1;
  class PteroServerCard extends HTMLElement {
    static observedAttributes = ["origin", "server", "token", "token-url", "actions", "compact", "theme", "locale"];
    #id = 0;
    constructor() {
      super();
      this.attachShadow({ mode: "open" }).adoptedStyleSheets = [sheet];
    }
    connectedCallback() {
      this.#id = nextId++;
      // Mount inside a div, not on the shadow root itself (Leptos Suspense needs a parent element).
      const container = document.createElement("div");
      this.shadowRoot.replaceChildren(container);
      cardConnected(this.#id, container, this.getAttribute("server") ?? "");
    }
    disconnectedCallback() {
      cardDisconnected(this.#id);
      this.shadowRoot.replaceChildren();
    }
  }
  // A second copy of this script (another URL) may have won the race while we awaited.
  if (!customElements.get(PTERO_CARD_TAG)) customElements.define(PTERO_CARD_TAG, PteroServerCard);
}
