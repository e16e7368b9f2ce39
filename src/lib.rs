//! ptero-web: the Leptos app and the `<ptero-server-card>` custom element.
//!
//! The app (`src/main.rs`, built from `index.html`), the server page's bundle
//! (`src/bin/manager.rs`, from `manager.html`, loaded on demand) and the card
//! (`src/bin/card.rs`, from `card.html`) share these modules; only their entry points
//! differ.
//! Layers: `api` talks HTTP, `live` keeps data fresh, `components` are small views,
//! `pages` are the app's first-load routes (`router` picks one), `manager` is the server
//! page, `card` is the custom element's glue.

pub mod api;
pub mod app;
pub mod card;
pub mod components;
pub mod crash;
pub mod i18n;
pub mod live;
pub mod manager;
pub mod notices;
pub mod pages;
pub mod pwa;
pub mod router;
pub mod session;
