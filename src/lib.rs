//! ptero-web: the Leptos app and the `<ptero-server-card>` custom element.
//!
//! The app (`src/main.rs`, built from `index.html`) and the card (`src/bin/card.rs`, built
//! from `card.html`) share these modules; only their entry points differ.

pub mod app;
pub mod card;
