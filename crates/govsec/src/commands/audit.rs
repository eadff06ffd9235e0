//! `govsec audit verify`: walks the audit log's hash chain and names the first entry that was
//! modified, deleted, inserted or reordered. It runs against the database directly, so it also
//! works on a copy taken offline.

use govsec_core::audit::{ChainHead, verify};
use govsec_i18n::Text;

use crate::Failure;
use crate::config::Settings;

/// `govsec audit …`.
#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Verifies the hash chain. Prints JSON on stdout and a line on stderr; exit code 0 when the
    /// check ran, whatever it found (`"intact"` says).
    Verify {
        /// A head printed by an earlier verify (SEQUENCE:HASH), kept elsewhere: proves that no
        /// newest entries were deleted since.
        #[arg(long, value_name = "SEQUENCE:HASH")]
        anchor: Option<String>,
    },
}

/// Runs `govsec audit …`.
pub async fn run(command: AuditCommand, settings: &Settings) -> Result<(), Failure> {
    let AuditCommand::Verify { anchor } = command;
    let lang = settings.lang;
    let anchor = match anchor {
        Some(text) => Some(
            ChainHead::parse(&text)
                .ok_or_else(|| Failure::Input(Text::BadAnchor.get(lang).to_owned()))?,
        ),
        None => None,
    };
    let store = settings.open_store().await?;
    let entries = store.audit_chain().await.map_err(anyhow::Error::from)?;
    store.close().await;
    match verify(&entries, anchor.as_ref()) {
        Ok(head) => {
            super::print_line(
                serde_json::json!({"intact": true, "entries": entries.len(), "head": head.to_string()}),
            )
            .map_err(anyhow::Error::from)?;
            eprintln!(
                "{}",
                Text::AuditIntact.fill(lang, &[&entries.len(), &head.sequence, &head.hash])
            );
        }
        Err(tampering) => {
            super::print_line(
                serde_json::json!({"intact": false, "entries": entries.len(), "tampering": tampering, "message": tampering.message(lang)}),
            )
            .map_err(anyhow::Error::from)?;
            eprintln!(
                "{}",
                Text::AuditTampered.fill(lang, &[&tampering.message(lang)])
            );
        }
    }
    Ok(())
}
