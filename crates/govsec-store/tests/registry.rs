//! The agency registry against real databases: SQLite always, PostgreSQL when
//! `GOVSEC_TEST_DATABASE_URL` is set. Every test runs the same body on each backend.

use govsec_core::audit::Actor;
use govsec_core::registry::{TextEncoding, read_registry};
use govsec_core::{AgencyCode, CentreType, Error, ExchangeLayer, Scope, Tier};
use govsec_store::testing::every_backend;
use govsec_store::{AuditFilter, Store, StoreError};

const HEADER: &str = "code,name_zh,name_en,tier,parent,level,exchange_layer,exchange_centre,contacts,websites,systems\n";

fn registry() -> String {
    format!(
        "{HEADER}\
A00000000A,行政院,Executive Yuan,其他,,A,管理層,,,https://www.ey.gov.tw/,公文管理系統|是|是|是\n\
301000000A,內政部,Ministry of the Interior,二級機關,A00000000A,A,交換層,自管,資安長|資安長|ciso@moi.gov.tw|02-2356-5000,https://www.moi.gov.tw/,戶役政資訊系統|是|是|否;全球資訊網|否|是|否\n\
301010000A,內政部警政署,National Police Agency,三級機關,301000000A,A,終端層,,,http://www.npa.gov.tw/,警政資訊系統|是|否|是\n\
301010100A,內政部警政署刑事警察局,Criminal Investigation Bureau,四級機關,301010000A,B,,,,https://cib.npa.gov.tw/,\n\
303000000B,外交部,Ministry of Foreign Affairs,二級機關,A00000000A,A,終端層,,,https://www.mofa.gov.tw/,\n\
379000000A,臺北市政府,Taipei City Government,縣市政府,,A,交換層,自建,,https://www.gov.taipei/,\n"
    )
}

fn code(text: &str) -> AgencyCode {
    AgencyCode::parse(text).unwrap()
}

async fn import(store: &Store, text: &str) -> Result<govsec_store::ImportOutcome, StoreError> {
    store
        .import_agencies(
            read_registry("agencies.csv", text.as_bytes(), TextEncoding::Detect),
            &Actor::command_line(),
        )
        .await
}

#[tokio::test]
async fn an_import_is_read_back_in_tree_order() {
    for db in every_backend().await {
        let store = &db.store;
        assert_eq!(store.registry_revision().await.unwrap(), 0);
        let outcome = import(store, &registry()).await.unwrap();
        assert_eq!((outcome.created, outcome.updated), (6, 0));
        assert_eq!(store.registry_revision().await.unwrap(), 1);
        let summaries = store.agency_summaries(&Scope::National).await.unwrap();
        let codes: Vec<&str> = summaries.iter().map(|s| s.code.as_str()).collect();
        // Tree order: each agency directly before its subtree.
        assert_eq!(
            codes,
            [
                "379000000A",
                "A00000000A",
                "301000000A",
                "301010000A",
                "301010100A",
                "303000000B"
            ]
        );
        assert_eq!(summaries[4].depth(), 3);
        let agencies = store.agencies(&Scope::National).await.unwrap();
        let moi = agencies
            .iter()
            .find(|a| a.code == code("301000000A"))
            .unwrap();
        assert_eq!(
            moi.exchange_layer,
            ExchangeLayer::Exchange(CentreType::SelfManaged)
        );
        assert_eq!(moi.systems.len(), 2);
        assert!(moi.systems[0].core && !moi.systems[0].covered_by_edr);
        assert_eq!(
            moi.contacts[0].email.as_ref().unwrap().as_str(),
            "ciso@moi.gov.tw"
        );
        assert_eq!(store.count_agencies(&Scope::National).await.unwrap(), 6);
    }
}

#[tokio::test]
async fn a_subtree_scope_sees_only_its_subtree() {
    for db in every_backend().await {
        let store = &db.store;
        import(store, &registry()).await.unwrap();
        let scope = Scope::Subtree(code("301000000A"));
        let codes: Vec<String> = store
            .agency_summaries(&scope)
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.code.to_string())
            .collect();
        assert_eq!(codes, ["301000000A", "301010000A", "301010100A"]);
        assert_eq!(store.count_agencies(&scope).await.unwrap(), 3);
        assert!(
            store
                .agency_detail(&scope, &code("303000000B"))
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            store
                .agency_detail(&scope, &code("A00000000A"))
                .await
                .unwrap()
                .is_none()
        );
        let exported = store.agencies(&scope).await.unwrap();
        assert_eq!(exported.len(), 3);
        assert!(exported.iter().all(|a| a.code.as_str().starts_with("301")));
        let detail = store
            .agency_detail(&scope, &code("301010000A"))
            .await
            .unwrap()
            .unwrap();
        // The Executive Yuan is outside the scope: the ancestors stop at the scope's root.
        let ancestors: Vec<&str> = detail.ancestors.iter().map(|a| a.code.as_str()).collect();
        assert_eq!(ancestors, ["301000000A"]);
        let statistics = store.registry_statistics(&scope).await.unwrap();
        assert_eq!(statistics.total().agencies, 3);
        let own = Scope::Agency(code("301010000A"));
        let codes: Vec<String> = store
            .agency_summaries(&own)
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.code.to_string())
            .collect();
        assert_eq!(
            codes,
            ["301010000A"],
            "an officer sees its agency, not its subordinates"
        );
        assert!(
            store
                .agency_detail(&own, &code("301010100A"))
                .await
                .unwrap()
                .is_none()
        );
        let detail = store
            .agency_detail(&own, &code("301010000A"))
            .await
            .unwrap()
            .unwrap();
        assert!(detail.children.is_empty() && detail.ancestors.is_empty());
        assert_eq!(
            store
                .registry_statistics(&own)
                .await
                .unwrap()
                .total()
                .agencies,
            1
        );
        let unknown = Scope::Subtree(code("999999999Z"));
        assert!(store.agency_summaries(&unknown).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn an_agency_page_has_its_ancestors_children_and_subtree_size() {
    for db in every_backend().await {
        let store = &db.store;
        import(store, &registry()).await.unwrap();
        let detail = store
            .agency_detail(&Scope::National, &code("301010000A"))
            .await
            .unwrap()
            .unwrap();
        let ancestors: Vec<&str> = detail.ancestors.iter().map(|a| a.code.as_str()).collect();
        assert_eq!(ancestors, ["A00000000A", "301000000A"]);
        let children: Vec<&str> = detail.children.iter().map(|a| a.code.as_str()).collect();
        assert_eq!(children, ["301010100A"]);
        assert_eq!(detail.subtree_size, 2);
        assert_eq!(detail.agency.websites[0].as_str(), "http://www.npa.gov.tw/");
        assert!(
            store
                .agency_detail(&Scope::National, &code("999999999Z"))
                .await
                .unwrap()
                .is_none()
        );
    }
}

#[tokio::test]
async fn a_rejected_import_writes_nothing() {
    for db in every_backend().await {
        let store = &db.store;
        import(store, &registry()).await.unwrap();
        let before = store.agencies(&Scope::National).await.unwrap();
        // Good rows first, then an unknown parent, a bad level and a malformed URL.
        let text = format!(
            "{HEADER}\
305000000C,國防部,,二級機關,A00000000A,A,,,,https://www.mnd.gov.tw/,\n\
301000000A,內政部（改名）,,二級機關,A00000000A,B,,,,,\n\
307000000D,財政部,,二級機關,888888888Z,A,,,,,\n\
309000000E,教育部,,二級機關,A00000000A,G,,,,not a url,\n"
        );
        let revision = store.registry_revision().await.unwrap();
        let error = import(store, &text).await.unwrap_err();
        assert_eq!(
            store.registry_revision().await.unwrap(),
            revision,
            "a rejected import changes nothing"
        );
        let StoreError::Rejected(Error::ImportRejected { problems, .. }) = error else {
            panic!("expected a rejection, got {error:?}");
        };
        let places: Vec<String> = problems
            .iter()
            .map(|p| format!("{}:{}:{}", p.file, p.row.unwrap(), p.column.unwrap()))
            .collect();
        assert_eq!(
            places,
            ["agencies.csv:4:5", "agencies.csv:5:6", "agencies.csv:5:10"]
        );
        assert_eq!(store.agencies(&Scope::National).await.unwrap(), before);
    }
}

#[tokio::test]
async fn a_cycle_through_the_registry_is_rejected() {
    for db in every_backend().await {
        let store = &db.store;
        import(store, &registry()).await.unwrap();
        let text = format!("{HEADER}A00000000A,行政院,,其他,301010100A,A,,,,,\n");
        let error = import(store, &text).await.unwrap_err();
        assert!(
            matches!(&error, StoreError::Rejected(Error::ImportRejected { problems, .. }) if problems[0].problem.code() == "cycle"),
            "{error:?}"
        );
    }
}

#[tokio::test]
async fn reimporting_updates_and_moves_whole_subtrees() {
    for db in every_backend().await {
        let store = &db.store;
        import(store, &registry()).await.unwrap();
        // The National Police Agency moves under the Ministry of Foreign Affairs (a test of the
        // mechanism, not of government structure) and loses its systems.
        let text = format!(
            "{HEADER}301010000A,內政部警政署,National Police Agency,三級機關,303000000B,B,終端層,,,https://www.npa.gov.tw/,\n"
        );
        let outcome = import(store, &text).await.unwrap();
        assert_eq!((outcome.created, outcome.updated), (0, 1));
        let scope = Scope::Subtree(code("303000000B"));
        let codes: Vec<String> = store
            .agency_summaries(&scope)
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.code.to_string())
            .collect();
        assert_eq!(codes, ["303000000B", "301010000A", "301010100A"]);
        let npa = store
            .agency_detail(&scope, &code("301010000A"))
            .await
            .unwrap()
            .unwrap();
        assert!(npa.agency.systems.is_empty());
        assert_eq!(npa.agency.websites[0].as_str(), "https://www.npa.gov.tw/");
        assert_eq!(
            store
                .count_agencies(&Scope::Subtree(code("301000000A")))
                .await
                .unwrap(),
            1
        );
    }
}

#[tokio::test]
async fn statistics_count_per_tier_level_and_layer() {
    for db in every_backend().await {
        let store = &db.store;
        import(store, &registry()).await.unwrap();
        let statistics = store.registry_statistics(&Scope::National).await.unwrap();
        let tiers: Vec<Tier> = statistics.by_tier.iter().map(|(t, _)| *t).collect();
        assert_eq!(
            tiers,
            [
                Tier::SecondLevel,
                Tier::ThirdLevel,
                Tier::FourthLevel,
                Tier::CityCounty,
                Tier::Other
            ]
        );
        let total = statistics.total();
        assert_eq!(
            (total.agencies, total.websites, total.https_websites),
            (6, 6, 5)
        );
        assert_eq!(
            (
                total.core_systems,
                total.core_covered_by_vans,
                total.core_covered_by_edr
            ),
            (3, 2, 2)
        );
        assert_eq!(statistics.systems, 4);
        let level_a = statistics.by_level[0].1;
        assert_eq!(level_a, 5);
        assert_eq!(statistics.by_layer.len(), 4);
    }
}

#[tokio::test]
async fn migrations_can_run_twice() {
    for db in every_backend().await {
        db.store.migrate().await.unwrap();
        db.store.ping().await.unwrap();
    }
}

#[tokio::test]
async fn the_audit_log_is_read_within_the_scope() {
    use govsec_core::audit::verify;
    for db in every_backend().await {
        let store = &db.store;
        import(store, &registry()).await.unwrap();
        let officer = |agency: &str| Actor {
            name: format!("officer@{agency}"),
            agency: Some(agency.to_owned()),
            role: Some("agency_officer".to_owned()),
            client_address: Some("127.0.0.1".to_owned()),
        };
        store
            .record_audit(&officer("301010000A"), "registry.export", "1 agencies")
            .await
            .unwrap();
        store
            .record_audit(&officer("303000000B"), "registry.export", "1 agencies")
            .await
            .unwrap();
        let national = store
            .audit_entries(&Scope::National, &AuditFilter::default(), 10)
            .await
            .unwrap();
        assert_eq!(national.len(), 3);
        assert_eq!(national[0].sequence, 3, "newest first");
        let ministry = store
            .audit_entries(
                &Scope::Subtree(code("301000000A")),
                &AuditFilter::default(),
                10,
            )
            .await
            .unwrap();
        assert_eq!(ministry.len(), 1);
        assert_eq!(ministry[0].record.agency.as_deref(), Some("301010000A"));
        assert!(
            store
                .audit_entries(
                    &Scope::Agency(code("301000000A")),
                    &AuditFilter::default(),
                    10
                )
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            verify(&store.audit_chain().await.unwrap(), None)
                .unwrap()
                .sequence,
            3
        );
    }
}
