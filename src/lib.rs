//! ptero-web: the Leptos app and the `<ptero-server-card>` custom element.
//!
//! The app (`src/main.rs`, built from `index.html`) and the card (`src/bin/card.rs`, built
//! from `card.html`) share these modules; only their entry points differ.
//! Layers: `api` talks HTTP, `live` keeps data fresh, `components` are small views,
//! `pages` are the app's routes (`router` picks one), `card` is the custom element's glue.

pub mod api;
pub mod app;
pub mod card;
pub mod components;
pub mod crash;
pub mod live;
pub mod pages;
pub mod pwa;
pub mod router;
pub mod sections;
pub mod session;
