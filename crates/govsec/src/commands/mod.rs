//! One module per subcommand.

pub mod agency;
pub mod audit;
pub mod bench;
pub mod demo;
pub mod serve;
