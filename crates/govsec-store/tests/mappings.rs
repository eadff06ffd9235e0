//! Learned software mappings against real databases (SQLite, and PostgreSQL when configured):
//! an agency's mapping applies to the agency, a promoted one to every agency, every change is
//! audited, and an agency outside the caller's scope cannot be taught for.

use govsec_core::audit::{Actor, verify};
use govsec_core::registry::{TextEncoding, read_registry};
use govsec_core::{AgencyCode, Scope};
use govsec_store::NewSoftwareMapping;
use govsec_store::testing::{TestDatabase, every_backend};

async fn with_agencies() -> Vec<TestDatabase> {
    let databases = every_backend().await;
    for db in &databases {
        let registry = "code,name_zh,tier,level,parent_code\n301000000A,內政部,二級機關,A,\n301010000C,內政部警政署,三級機關,A,301000000A\n313000000G,財政部,二級機關,A,\n";
        db.store
            .import_agencies(
                read_registry("a.csv", registry.as_bytes(), TextEncoding::Detect),
                &Actor::command_line(),
            )
            .await
            .unwrap();
    }
    databases
}

fn code(text: &str) -> AgencyCode {
    AgencyCode::parse(text).unwrap()
}

fn mapping(key: &str, product: &str) -> NewSoftwareMapping {
    NewSoftwareMapping {
        key: key.to_owned(),
        software_name: "公文製作系統 2.0".to_owned(),
        publisher: Some("某資訊公司".to_owned()),
        part: "a".to_owned(),
        vendor: "example".to_owned(),
        product: product.to_owned(),
    }
}

#[tokio::test]
async fn mappings_apply_to_their_agency_until_promoted() {
    for db in with_agencies().await {
        let store = &db.store;
        let police = code("301010000C");
        let finance = code("313000000G");
        let supervisor = Scope::Subtree(code("301000000A"));
        assert!(
            store
                .teach_software_mapping(
                    &supervisor,
                    &police,
                    &mapping("公文製作系統|某資訊公司", "editor"),
                    &Actor::command_line(),
                    10
                )
                .await
                .unwrap()
        );
        // A supervisor cannot teach for an agency outside its subtree; nothing is written.
        assert!(
            !store
                .teach_software_mapping(
                    &supervisor,
                    &finance,
                    &mapping("x|y", "other"),
                    &Actor::command_line(),
                    11
                )
                .await
                .unwrap()
        );
        assert_eq!(
            store.software_mappings(Some(&police)).await.unwrap().len(),
            1
        );
        assert!(
            store
                .software_mappings(Some(&finance))
                .await
                .unwrap()
                .is_empty()
        );
        assert!(store.software_mappings(None).await.unwrap().is_empty());
        // Teaching the same key again replaces the product.
        store
            .teach_software_mapping(
                &Scope::Agency(police.clone()),
                &police,
                &mapping("公文製作系統|某資訊公司", "document_editor"),
                &Actor::command_line(),
                12,
            )
            .await
            .unwrap();
        let own = store.software_mappings(Some(&police)).await.unwrap();
        assert_eq!(own.len(), 1);
        assert_eq!(own[0].product, "document_editor");
        assert!(!own[0].national);
        assert!(
            store
                .promote_software_mapping(
                    &police,
                    "公文製作系統|某資訊公司",
                    &Actor::command_line(),
                    13
                )
                .await
                .unwrap()
        );
        assert!(
            !store
                .promote_software_mapping(&police, "no such key", &Actor::command_line(), 14)
                .await
                .unwrap()
        );
        let national = store.software_mappings(Some(&finance)).await.unwrap();
        assert_eq!(national.len(), 1);
        assert!(national[0].national);
        assert_eq!(store.software_mappings(None).await.unwrap().len(), 1);
        // The finance ministry's officer sees the national mapping, not other agencies' own.
        let seen = store
            .software_mappings_in_scope(&Scope::Agency(finance.clone()))
            .await
            .unwrap();
        assert_eq!(seen.len(), 1);
        let chain = store.audit_chain().await.unwrap();
        let actions: Vec<&str> = chain.iter().map(|e| e.record.action.as_str()).collect();
        assert_eq!(
            actions
                .iter()
                .filter(|a| a.starts_with("software_mapping."))
                .count(),
            3,
            "{actions:?}"
        );
        assert!(verify(&chain, None).is_ok());
    }
}

#[tokio::test]
async fn the_cpe_dictionary_imports_in_chunks_and_keeps_titles() {
    for db in with_agencies().await {
        let store = &db.store;
        let row = |product: &str, title: Option<&str>| {
            (
                "a".to_owned(),
                "filezilla-project".to_owned(),
                product.to_owned(),
                title.map(str::to_owned),
            )
        };
        store
            .import_cpe_dictionary(
                &[row("filezilla_client", Some("FileZilla Client"))],
                &Actor::command_line(),
            )
            .await
            .unwrap();
        store
            .import_cpe_dictionary(
                &[
                    row("filezilla_client", None),
                    row("filezilla_server", Some("FileZilla Server")),
                ],
                &Actor::command_line(),
            )
            .await
            .unwrap();
        let stored = store.cpe_dictionary().await.unwrap();
        assert_eq!(stored.len(), 2);
        assert_eq!(
            stored[0].3.as_deref(),
            Some("FileZilla Client"),
            "a missing title keeps the old one"
        );
        // A part outside a/o/h is refused by the database and the chunk is not half-written.
        let bad = [
            row("x", None),
            ("z".to_owned(), "v".to_owned(), "p".to_owned(), None),
        ];
        assert!(
            store
                .import_cpe_dictionary(&bad, &Actor::command_line())
                .await
                .is_err()
        );
        assert_eq!(store.cpe_dictionary().await.unwrap().len(), 2);
    }
}
