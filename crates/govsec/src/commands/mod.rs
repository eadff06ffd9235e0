//! One module per subcommand.

pub mod agency;
pub mod audit;
pub mod bench;
pub mod cpe;
pub mod demo;
pub mod serve;
pub mod token;
pub mod user;
pub mod vulndb;
