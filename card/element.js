// ---- <ptero-server-card>: the element class (appended to the card's module by xtask) ----
// A custom element must be a JS class; its callbacks hand the work to the wasm exports.
//
// Attributes (reflected as properties): origin, server, token, token-url, actions,
// compact, theme (light | dark | auto), locale.
// Events (bubbles + composed): ptero-ready, ptero-state-change, ptero-power, ptero-error,
// ptero-session-expired.  Methods: refresh(), power(signal).
// Parts: base, header, name, state, meter, sparkline, power-button, sso-button, console, error.
const PTERO_CARD_TAG = "ptero-server-card";
if (!customElements.get(PTERO_CARD_TAG)) {
  await __wbg_init({ module_or_path: new URL("ptero-server-card_bg.wasm", import.meta.url) });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(PTERO_CARD_CSS);
  const ATTRIBUTES = ["origin", "server", "token", "token-url", "actions", "compact", "theme", "locale"];
  // Attributes whose change re-targets the card (theme/locale/compact only restyle).
  const RETARGET = new Set(["origin", "server", "token", "token-url", "actions"]);
  const toProperty = (attribute) => attribute.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
  let nextId = 1;
  // The card's wasm is built with panic=immediate-abort: a bug traps (a RuntimeError)
  // instead of printing. After a trap the instance cannot be trusted, so every card says
  // so instead of going blank or half-updating.
  const connected = new Set();
  let trapped = null;
  const STOPPED = "This card stopped after an internal error. Reload the page to try again.";
  const stop = (error) => {
    if (!(error instanceof WebAssembly.RuntimeError) || trapped) return;
    trapped = error;
    for (const card of connected) card.showStopped();
  };
  addEventListener("error", (event) => stop(event.error));
  addEventListener("unhandledrejection", (event) => stop(event.reason));
  const guarded = (call) => {
    try {
      return call();
    } catch (error) {
      stop(error);
      if (!(error instanceof WebAssembly.RuntimeError)) throw error;
    }
  };
  class PteroServerCard extends HTMLElement {
    static observedAttributes = ATTRIBUTES;
    #id = 0;
    constructor() {
      super();
      this.attachShadow({ mode: "open" }).adoptedStyleSheets = [sheet];
      // A page may set properties before this script defined the element; those landed
      // as own properties that shadow our accessors. Re-apply them through the setters.
      for (const attribute of ATTRIBUTES) {
        const property = toProperty(attribute);
        if (Object.prototype.hasOwnProperty.call(this, property)) {
          const value = this[property];
          delete this[property];
          this[property] = value;
        }
      }
    }
    connectedCallback() {
      this.#mount();
    }
    disconnectedCallback() {
      this.#unmount();
    }
    attributeChangedCallback(name, oldValue, newValue) {
      if (name === "locale" && this.shadowRoot.firstChild) this.shadowRoot.firstChild.lang = newValue ?? "";
      if (oldValue !== newValue && this.#id && RETARGET.has(name)) {
        this.#unmount();
        this.#mount();
      }
    }
    /** Reconnects the card: a fresh session (when the token allows) and fresh data. */
    refresh() {
      if (this.#id) {
        this.#unmount();
        this.#mount();
      }
    }
    /** Page-wide counters: mounted cards, open origin streams and sessions held (for tests and debugging). */
    static stats() {
      return trapped ? { mounted: 0, streams: 0, sessions: 0, stopped: true } : { mounted: cardsMounted(), streams: openStreams(), sessions: cachedSessions() };
    }
    /** Sends a power signal the card's token grants; false when it cannot. */
    power(signal) {
      return this.#id && !trapped ? Boolean(guarded(() => cardPower(this.#id, String(signal)))) : false;
    }
    /** Replaces the card with the internal-error message (after a wasm trap). */
    showStopped() {
      const box = document.createElement("div");
      box.className = "card card-error";
      box.setAttribute("part", "base");
      box.setAttribute("role", "alert");
      box.dataset.errorCode = "internal";
      box.textContent = STOPPED;
      this.#id = 0;
      this.shadowRoot.replaceChildren(box);
      this.dispatchEvent(new CustomEvent("ptero-error", { bubbles: true, composed: true, detail: { code: "internal", message: STOPPED } }));
    }
    #mount() {
      connected.add(this);
      if (trapped) return this.showStopped();
      this.#id = nextId++;
      // Mount inside a div, not on the shadow root itself (Leptos Suspense needs a parent element).
      const container = document.createElement("div");
      container.className = "root";
      // `locale` names the card's language for assistive technology.
      container.lang = this.getAttribute("locale") ?? "";
      this.shadowRoot.replaceChildren(container);
      guarded(() => cardConnected(this.#id, this, container));
    }
    #unmount() {
      connected.delete(this);
      if (this.#id && !trapped) guarded(() => cardDisconnected(this.#id));
      this.#id = 0;
      this.shadowRoot.replaceChildren();
    }
  }
  for (const attribute of ATTRIBUTES) {
    const property = toProperty(attribute);
    const boolean = attribute === "compact";
    Object.defineProperty(PteroServerCard.prototype, property, {
      get() {
        return boolean ? this.hasAttribute(attribute) : this.getAttribute(attribute);
      },
      set(value) {
        if (boolean) this.toggleAttribute(attribute, Boolean(value));
        else if (value === null || value === undefined) this.removeAttribute(attribute);
        else this.setAttribute(attribute, String(value));
      },
    });
  }
  // A second copy of this script (another URL) may have won the race while we awaited.
  if (!customElements.get(PTERO_CARD_TAG)) customElements.define(PTERO_CARD_TAG, PteroServerCard);
}
