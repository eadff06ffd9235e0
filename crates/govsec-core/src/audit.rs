//! The tamper-evident audit log: every sign-in, every change of a record and every export is an
//! entry, and entries form a SHA-256 hash chain, so that a change made directly in the database
//! shows when the chain is walked (資通安全管理法施行細則: 紀錄之保存與完整性).
//!
//! Each entry stores the hash of its own canonical content and the content hash of the entry
//! before it. [`verify`] walks the entries in sequence order and names the first place where the
//! chain does not hold, and how: an entry modified, entries deleted, an entry inserted, or entries
//! reordered. Deleting the newest entries leaves a shorter chain that is still whole; to catch
//! that, keep the head that `govsec audit verify` prints somewhere else and give it back as an
//! anchor.

use std::collections::HashMap;
use std::fmt;

use govsec_i18n::{Lang, Text};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// A SHA-256 value, as 64 lower-case hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct ChainHash(String);

impl ChainHash {
    /// The hash the first entry points back to.
    pub fn genesis() -> ChainHash {
        ChainHash("0".repeat(64))
    }

    /// Reads 64 hex digits.
    pub fn parse(text: &str) -> Option<ChainHash> {
        let text = text.trim().to_ascii_lowercase();
        (text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())).then_some(ChainHash(text))
    }

    /// The hex digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What an audit entry says happened. Free text is kept out of it on purpose: no secret or
/// personal data goes into the log beyond the actor's login and address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    /// When, as RFC 3339 in UTC with microseconds.
    pub at: String,
    /// Who: a login name, or `cli` for the command line on the server.
    pub actor: String,
    /// The actor's agency, if any.
    pub agency: Option<String>,
    /// The actor's role, if any.
    pub role: Option<String>,
    /// What happened, a stable key such as `registry.import` or `session.login_failed`.
    pub action: String,
    /// What it happened to, such as an agency code or a file name.
    pub object: String,
    /// Where the request came from.
    pub client_address: Option<String>,
}

impl AuditRecord {
    /// The bytes the content hash is taken over: every field, length-prefixed so that no two
    /// different records share them, and absent fields distinct from empty ones.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(128);
        out.extend_from_slice(b"govsec-audit-v1");
        for field in [
            Some(self.at.as_str()),
            Some(self.actor.as_str()),
            self.agency.as_deref(),
            self.role.as_deref(),
            Some(self.action.as_str()),
            Some(self.object.as_str()),
            self.client_address.as_deref(),
        ] {
            match field {
                Some(text) => {
                    out.push(1);
                    out.extend_from_slice(&(text.len() as u64).to_be_bytes());
                    out.extend_from_slice(text.as_bytes());
                }
                None => out.push(0),
            }
        }
        out
    }

    /// The SHA-256 of the canonical bytes.
    pub fn content_hash(&self) -> ChainHash {
        ChainHash(hex::encode(Sha256::digest(self.canonical_bytes())))
    }
}

/// Who does something, as the audit log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// A login name, or `cli` for the command line on the server.
    pub name: String,
    /// The actor's agency, if any.
    pub agency: Option<String>,
    /// The actor's role, if any.
    pub role: Option<String>,
    /// Where the request came from.
    pub client_address: Option<String>,
}

impl Actor {
    /// The command line, run by whoever operates the server.
    pub fn command_line() -> Actor {
        Actor {
            name: "cli".to_owned(),
            agency: None,
            role: None,
            client_address: None,
        }
    }

    /// The record of this actor doing `action` to `object` at `at`.
    pub fn record(&self, at: String, action: &str, object: &str) -> AuditRecord {
        AuditRecord {
            at,
            actor: self.name.clone(),
            agency: self.agency.clone(),
            role: self.role.clone(),
            action: action.to_owned(),
            object: object.to_owned(),
            client_address: self.client_address.clone(),
        }
    }
}

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Position in the log, from 1, without gaps.
    pub sequence: i64,
    /// What happened.
    pub record: AuditRecord,
    /// The content hash of the entry before, or [`ChainHash::genesis`] for the first.
    pub previous_hash: ChainHash,
    /// The SHA-256 of this entry's canonical content.
    pub content_hash: ChainHash,
}

/// How the chain was broken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Tampering {
    /// The entry's content no longer matches its hash, or its hash was recomputed after a change.
    Modified {
        /// The entry.
        sequence: i64,
    },
    /// Entries are missing from the sequence.
    Deleted {
        /// The first missing sequence number.
        first: i64,
        /// The last missing sequence number.
        last: i64,
    },
    /// An entry that the chain does not contain was put between two that it links.
    Inserted {
        /// The entry.
        sequence: i64,
    },
    /// The entry points back to an entry that is not its predecessor.
    Reordered {
        /// The entry.
        sequence: i64,
        /// The entry it points back to.
        points_to: i64,
    },
    /// The anchor recorded earlier is not in the chain any more (newest entries deleted or the
    /// log replaced).
    AnchorMissing {
        /// The anchor's sequence number.
        sequence: i64,
    },
}

impl Tampering {
    /// The finding explained in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Tampering::Modified { sequence } => Text::AuditModified.fill(lang, &[sequence]),
            Tampering::Deleted { first, last } => Text::AuditDeleted.fill(lang, &[first, last]),
            Tampering::Inserted { sequence } => Text::AuditInserted.fill(lang, &[sequence]),
            Tampering::Reordered {
                sequence,
                points_to,
            } => Text::AuditReordered.fill(lang, &[sequence, points_to]),
            Tampering::AnchorMissing { sequence } => {
                Text::AuditAnchorMissing.fill(lang, &[sequence])
            }
        }
    }
}

impl fmt::Display for Tampering {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

/// The newest entry of a whole chain: what to keep elsewhere as an anchor, written
/// `SEQUENCE:HASH`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainHead {
    /// Its sequence number (0 for an empty log).
    pub sequence: i64,
    /// Its content hash.
    pub hash: ChainHash,
}

impl ChainHead {
    /// Reads `SEQUENCE:HASH`.
    pub fn parse(text: &str) -> Option<ChainHead> {
        let (sequence, hash) = text.trim().split_once(':')?;
        Some(ChainHead {
            sequence: sequence.parse().ok().filter(|s: &i64| *s >= 0)?,
            hash: ChainHash::parse(hash)?,
        })
    }
}

impl fmt::Display for ChainHead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.sequence, self.hash)
    }
}

/// Walks `entries` (in sequence order) and returns the head of the chain, or the first
/// tampering found. With an anchor, also checks that the anchored entry is still in the chain.
pub fn verify(entries: &[AuditEntry], anchor: Option<&ChainHead>) -> Result<ChainHead, Tampering> {
    let position: HashMap<&ChainHash, usize> = entries
        .iter()
        .enumerate()
        .map(|(index, entry)| (&entry.content_hash, index))
        .collect();
    let mut expected_previous = ChainHash::genesis();
    let mut expected_sequence = 1;
    for (index, entry) in entries.iter().enumerate() {
        if entry.record.content_hash() != entry.content_hash {
            return Err(Tampering::Modified {
                sequence: entry.sequence,
            });
        }
        if entry.sequence > expected_sequence && entry.previous_hash != expected_previous {
            return Err(Tampering::Deleted {
                first: expected_sequence,
                last: entry.sequence - 1,
            });
        }
        if entry.previous_hash != expected_previous {
            let before_predecessor = index
                .checked_sub(2)
                .map(|i| &entries[i].content_hash)
                .unwrap_or(&ChainHash::genesis())
                == &entry.previous_hash;
            return Err(match position.get(&entry.previous_hash) {
                _ if before_predecessor && index > 0 => Tampering::Inserted {
                    sequence: entries[index - 1].sequence,
                },
                Some(&pointed) => Tampering::Reordered {
                    sequence: entry.sequence,
                    points_to: entries[pointed].sequence,
                },
                None => Tampering::Modified {
                    sequence: entries
                        .get(index.wrapping_sub(1))
                        .map_or(entry.sequence, |p| p.sequence),
                },
            });
        }
        if entry.sequence != expected_sequence {
            return Err(Tampering::Reordered {
                sequence: entry.sequence,
                points_to: expected_sequence - 1,
            });
        }
        expected_previous = entry.content_hash.clone();
        expected_sequence += 1;
    }
    if let Some(anchor) = anchor {
        let held = entries
            .iter()
            .any(|e| e.sequence == anchor.sequence && e.content_hash == anchor.hash);
        if anchor.sequence > 0 && !held {
            return Err(Tampering::AnchorMissing {
                sequence: anchor.sequence,
            });
        }
    }
    Ok(ChainHead {
        sequence: expected_sequence - 1,
        hash: expected_previous,
    })
}

/// The entry that follows `head` with `record`.
pub fn chain(head: &ChainHead, record: AuditRecord) -> AuditEntry {
    AuditEntry {
        sequence: head.sequence + 1,
        content_hash: record.content_hash(),
        previous_hash: head.hash.clone(),
        record,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(n: usize) -> AuditRecord {
        AuditRecord {
            at: format!("2026-12-01T10:00:{n:02}.000000Z"),
            actor: "officer@301000000A".into(),
            agency: Some("301000000A".into()),
            role: Some("agency_officer".into()),
            action: "registry.import".into(),
            object: format!("file-{n}.csv"),
            client_address: Some("127.0.0.1".into()),
        }
    }

    fn log(length: usize) -> Vec<AuditEntry> {
        let mut head = ChainHead {
            sequence: 0,
            hash: ChainHash::genesis(),
        };
        let mut entries = Vec::new();
        for n in 0..length {
            let entry = chain(&head, record(n));
            head = ChainHead {
                sequence: entry.sequence,
                hash: entry.content_hash.clone(),
            };
            entries.push(entry);
        }
        entries
    }

    fn renumber(entries: &mut [AuditEntry]) {
        for (index, entry) in entries.iter_mut().enumerate() {
            entry.sequence = index as i64 + 1;
        }
    }

    #[test]
    fn a_whole_chain_verifies_to_its_head() {
        let entries = log(5);
        let head = verify(&entries, None).unwrap();
        assert_eq!(head.sequence, 5);
        assert_eq!(head.hash, entries[4].content_hash);
        assert_eq!(verify(&[], None).unwrap().sequence, 0);
        assert!(verify(&entries, Some(&head)).is_ok());
    }

    #[test]
    fn a_modified_entry_is_named() {
        let mut entries = log(5);
        entries[2].record.object = "other.csv".into();
        assert_eq!(
            verify(&entries, None),
            Err(Tampering::Modified { sequence: 3 })
        );
        // Recomputing the hash moves the break to the link, still at entry 3.
        entries[2].content_hash = entries[2].record.content_hash();
        assert_eq!(
            verify(&entries, None),
            Err(Tampering::Modified { sequence: 3 })
        );
    }

    #[test]
    fn deleted_entries_are_named() {
        let mut entries = log(6);
        entries.drain(2..4);
        assert_eq!(
            verify(&entries, None),
            Err(Tampering::Deleted { first: 3, last: 4 })
        );
        let mut first_gone = log(3);
        first_gone.remove(0);
        assert_eq!(
            verify(&first_gone, None),
            Err(Tampering::Deleted { first: 1, last: 1 })
        );
    }

    #[test]
    fn deleting_the_newest_entries_is_caught_by_the_anchor() {
        let mut entries = log(5);
        let head = verify(&entries, None).unwrap();
        entries.truncate(3);
        assert_eq!(
            verify(&entries, Some(&head)),
            Err(Tampering::AnchorMissing { sequence: 5 })
        );
    }

    #[test]
    fn an_inserted_entry_is_named() {
        let mut entries = log(5);
        let forged = chain(
            &ChainHead {
                sequence: 2,
                hash: entries[1].content_hash.clone(),
            },
            record(99),
        );
        entries.insert(2, forged);
        renumber(&mut entries);
        assert_eq!(
            verify(&entries, None),
            Err(Tampering::Inserted { sequence: 3 })
        );
    }

    #[test]
    fn reordered_entries_are_named() {
        let mut entries = log(5);
        entries.swap(1, 3);
        renumber(&mut entries);
        assert_eq!(
            verify(&entries, None),
            Err(Tampering::Reordered {
                sequence: 2,
                points_to: 3
            })
        );
    }

    #[test]
    fn canonical_bytes_tell_absent_from_empty() {
        let mut with_empty = record(1);
        with_empty.agency = Some(String::new());
        let mut without = record(1);
        without.agency = None;
        assert_ne!(with_empty.content_hash(), without.content_hash());
        assert!(ChainHash::parse(without.content_hash().as_str()).is_some());
    }
}
