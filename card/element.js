// ---- <ptero-server-card>: the element class (appended to the card's module by xtask) ----
// A custom element must be a JS class; its callbacks hand the work to the wasm exports.
//
// The element's public contract (README.md lists the same; a test holds them in step):
// @attribute origin - the ptero-origin to talk to (the only host the card contacts)
// @attribute server - the server's 8-character identifier
// @attribute token - the hand-off JWT from the hosting site
// @attribute token-url - a URL of the hosting site answering {"token": …} or the bare token
// @attribute actions - narrows what the token grants: start stop restart kill console sso
// @attribute compact - a smaller card: no sparklines, no console
// @attribute theme - light | dark | auto (default auto: prefers-color-scheme)
// @attribute locale - the card's language (texts, numbers, times: en de fr es pl pt-BR nl ru); else the page's lang
// @attribute state - reflected, read-only: running, offline, starting, stopping, suspended, installing, maintenance, error
// @event ptero-ready - first live data (detail: server, state)
// @event ptero-state-change - the power state changed (detail: server, old, new)
// @event ptero-power-request - a power signal is about to be sent (detail: signal); cancelable: preventDefault() stops it
// @event ptero-power - the origin answered a power signal (detail: signal, outcome)
// @event ptero-error - something failed (detail: code, message)
// @event ptero-session-expired - the session ended: hand off a fresh token
// @event ptero-alert - the origin noticed a crash, an unexpected stop, recovery, high use or an unreachable node (detail: kind, server, at)
// @method refresh() - reconnects: a fresh session (when the token allows) and fresh data
// @method power(signal) - sends start, stop, restart or kill; false (with ptero-error) when it cannot
// @csspart base - the card
// @csspart header - name, state and uptime
// @csspart name - the server's name
// @csspart state - the state badge
// @csspart live - shown while the game server's socket feeds the card
// @csspart address - the primary address
// @csspart copy-button - copies the address
// @csspart players - players online, and the version and MOTD where the site shows them
// @csspart meter - each usage meter
// @csspart sparkline - each history chart
// @csspart stale - the hint that data is old
// @csspart power-button - each power button
// @csspart sso-button - Open in panel
// @csspart console - the console pane
// @csspart error - each error message
// @csspart alert - the banner of the newest alert, with its dismiss button
// @cssproperty --ptero-card-bg - background; the foreground tokens follow it unless set
// @cssproperty --ptero-card-fg - text
// @cssproperty --ptero-card-muted - secondary text
// @cssproperty --ptero-card-border - borders and meter tracks
// @cssproperty --ptero-accent - meters, charts, focus
// @cssproperty --ptero-ok - running
// @cssproperty --ptero-warn - transitions, high usage
// @cssproperty --ptero-bad - errors, suspended, kill
// @cssproperty --ptero-radius - corner radius
// @cssproperty --ptero-font - font family
const PTERO_CARD_TAG = "ptero-server-card";
if (!customElements.get(PTERO_CARD_TAG)) {
  await __wbg_init({ module_or_path: new URL("ptero-server-card_bg.wasm", import.meta.url) });
  // The language catalogs (locale-<tag>.txt) sit next to this module.
  cardBase(new URL(".", import.meta.url).href);
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(PTERO_CARD_CSS);
  const ATTRIBUTES = ["origin", "server", "token", "token-url", "actions", "compact", "theme", "locale"];
  // Attributes whose change rebuilds the card (theme/compact only restyle).
  const RETARGET = new Set(["origin", "server", "token", "token-url", "actions", "locale"]);
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
    for (const card of connected) stopCard(card);
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
  let stopCard;
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
    /** The reflected state (read-only). */
    get state() {
      return this.getAttribute("state");
    }
    /**
     * Page-wide counters: mounted cards, open origin streams, sessions held, timers
     * pending and requests in flight (for tests and debugging).
     */
    static stats() {
      if (trapped) return { mounted: 0, streams: 0, sessions: 0, timers: 0, requests: 0, stopped: true };
      const [mounted, streams, sessions, timers, requests] = cardStats();
      return { mounted, streams, sessions, timers, requests };
    }
    /** Sends a power signal the card's token grants; false (and ptero-error) when it cannot. */
    power(signal) {
      if (trapped) return false;
      return Boolean(guarded(() => cardPower(this.#id, this, String(signal))));
    }
    static {
      // Replaces a card with the internal-error message (after a wasm trap).
      stopCard = (card) => card.#stopped();
    }
    #stopped() {
      const box = document.createElement("div");
      box.className = "card card-error";
      box.setAttribute("part", "base");
      box.setAttribute("role", "alert");
      box.dataset.errorCode = "internal";
      box.textContent = STOPPED;
      this.#id = 0;
      this.setAttribute("state", "error");
      this.shadowRoot.replaceChildren(box);
      this.dispatchEvent(new CustomEvent("ptero-error", { bubbles: true, composed: true, detail: { code: "internal", message: STOPPED } }));
    }
    #mount() {
      connected.add(this);
      if (trapped) return this.#stopped();
      this.#id = nextId++;
      // Mount inside a div, not on the shadow root itself (Leptos Suspense needs a parent element).
      const container = document.createElement("div");
      container.className = "root";
      // `locale` names the card's language for assistive technology too.
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
