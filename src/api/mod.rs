//! The custom resources appasset-operator serves: their Rust types are the single source of
//! the CRD schemas that `appasset crd` prints and `crds/` holds.

mod app_asset;
mod asset_policy;
mod vocabulary;

pub use app_asset::*;
pub use asset_policy::*;
pub use vocabulary::*;

/// The API group of every appasset-operator resource.
pub const GROUP: &str = "appasset.io";

/// The prefix of every annotation and label appasset-operator reads or writes.
pub const PREFIX: &str = "appasset.io/";

/// The field manager of every server-side apply the operator makes.
pub const FIELD_MANAGER: &str = "appasset-operator";
