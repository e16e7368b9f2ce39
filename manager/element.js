// ---- <ptero-server-manager>: the server page's element (appended to its module by xtask) ----
// The app's first load renders <ptero-server-manager server="…"> on a server's page (and
// <ptero-server-manager page="account"> on /account) and loads this module; the element
// mounts the page when connected and unmounts it (its socket, timers and requests) when
// disconnected. Light DOM: the app's sheet styles it.
const PTERO_MANAGER_TAG = "ptero-server-manager";
if (!customElements.get(PTERO_MANAGER_TAG)) {
  const wasm = new URL(import.meta.url.replace(/\.js(?:[?#].*)?$/, "_bg.wasm"));
  await __wbg_init({ module_or_path: wasm });
  await managerTexts();
  let nextId = 1;
  class PteroServerManager extends HTMLElement {
    #id = 0;
    connectedCallback() {
      if (this.#id) return;
      this.#id = nextId++;
      managerConnected(this.#id, this, this.getAttribute("page") ?? "server", this.getAttribute("server") ?? "");
    }
    disconnectedCallback() {
      if (!this.#id) return;
      managerDisconnected(this.#id);
      this.#id = 0;
    }
  }
  customElements.define(PTERO_MANAGER_TAG, PteroServerManager);
}
