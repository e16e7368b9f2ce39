//! The PteroCA addon's SSO, done safely on the origin's side: a one-time ticket for the
//! viewer's panel user ([`crate::routes::sso`] issues and redeems it), the HS256 token
//! minted only when the ticket is redeemed ([`token`]), and the page that posts it to the
//! configured panel and nowhere else ([`page`]).

pub mod page;
pub mod token;
