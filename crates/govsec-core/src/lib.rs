//! The domain of govsec, free of I/O: agencies and their supervision tree, the access scope a
//! caller works in, and the agency registry's import/export files.
//!
//! Everything here is a pure function over data. Storage (`govsec-store`) persists these types
//! and the web and command-line front ends (`govsec-web`, `govsec`) present them.

pub mod agency;
pub mod audit;
pub mod error;
pub mod registry;
pub mod scope;
pub mod tree;

pub use agency::{
    Agency, AgencyCode, CentreType, Contact, EmailAddress, ExchangeLayer, InformationSystem,
    ResponsibilityLevel, Tier, WebsiteUrl,
};
pub use error::Error;
pub use scope::Scope;
