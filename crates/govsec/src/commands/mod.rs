//! One module per subcommand.

pub mod agency;
pub mod bench;
pub mod demo;
pub mod serve;
