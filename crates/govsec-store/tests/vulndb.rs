//! Vulnerability intelligence in the store, on SQLite and PostgreSQL: imports that change only
//! what changed, files taken back, every field read back, and lookups through an index built
//! from storage.

use std::path::PathBuf;

use govsec_cpe::WellFormedName;
use govsec_store::testing::every_backend;
use govsec_store::{RecordCounts, RecordSource, Store};
use govsec_vulndb::{
    ApplicabilityIndex, Asset, CveId, CveRecord, PlatformVerdict, ProductKey, ReadOptions,
    VulnStatus, parse_vulnerability, read_kev_file, read_nvd_file,
};

fn data_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"));
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: vulndb store tests over the real sample ({} is absent)",
            dir.display()
        );
        None
    }
}

fn sample(dir: &std::path::Path) -> Vec<CveRecord> {
    let mut records = Vec::new();
    read_nvd_file(
        &dir.join("nvd/nvdcve-2.0-sample.json"),
        ReadOptions::default(),
        |record| records.push(record),
    )
    .unwrap();
    records
}

fn id(text: &str) -> CveId {
    text.parse().unwrap()
}

fn name(text: &str) -> WellFormedName {
    WellFormedName::parse(text).unwrap()
}

/// A record in NVD's shape for one CVE with one vulnerable criteria.
fn record(cve: &str, last_modified: &str, status: &str, criteria: &str, bounds: &str) -> CveRecord {
    parse_vulnerability(&format!(
        r#"{{"cve":{{"id":"{cve}","vulnStatus":"{status}","published":"2014-04-07T22:55:03.893",
        "lastModified":"{last_modified}","descriptions":[{{"lang":"en","value":"{cve} test"}}],
        "configurations":[{{"nodes":[{{"operator":"OR","negate":false,"cpeMatch":[{{"vulnerable":true,
        "criteria":"{criteria}"{bounds},"matchCriteriaId":"A1B2C3D4-0000-4000-8000-{number:0>12}"}}]}}]}}]}}}}"#,
        number = cve.rsplit('-').next().unwrap()
    ))
    .unwrap()
}

/// The index over everything stored, or over what a lookup of `product` needs.
async fn index(store: &Store, product: Option<&WellFormedName>) -> ApplicabilityIndex {
    let key = product.and_then(ProductKey::of);
    let mut builder = ApplicabilityIndex::builder();
    store
        .vulndb_applicability(key.as_ref(), &mut builder)
        .await
        .unwrap();
    builder.build()
}

async fn cves(store: &Store, asset: &Asset) -> Vec<String> {
    index(store, Some(asset.name()))
        .await
        .find(asset)
        .iter()
        .map(|hit| hit.cve.to_string())
        .fold(Vec::new(), |mut all, cve| {
            if all.last() != Some(&cve) {
                all.push(cve);
            }
            all
        })
}

async fn import(store: &Store, records: &[CveRecord]) -> RecordCounts {
    let mut import = store.begin_vulndb_import().await.unwrap();
    import
        .add_records(RecordSource::Nvd, records)
        .await
        .unwrap();
    import.commit().await.unwrap()
}

#[tokio::test]
async fn the_real_sample_and_kev_round_trip_with_every_field() {
    let Some(dir) = data_dir() else { return };
    let records = sample(&dir);
    let (catalog, skipped) = read_kev_file(
        &dir.join("kev/known_exploited_vulnerabilities.json"),
        ReadOptions::default(),
    )
    .unwrap();
    assert!(skipped.is_empty());
    for db in every_backend().await {
        let mut import = db.store.begin_vulndb_import().await.unwrap();
        for batch in records.chunks(40) {
            import.add_records(RecordSource::Nvd, batch).await.unwrap();
        }
        assert_eq!(
            import.replace_kev(&catalog).await.unwrap(),
            catalog.entries.len()
        );
        let counts = import.commit().await.unwrap();
        assert_eq!(
            counts,
            RecordCounts {
                new: 152,
                updated: 0,
                unchanged: 0,
                rejected: 1
            }
        );

        let ids: Vec<CveId> = records.iter().map(|record| record.id).collect();
        let stored = db.store.vulndb_records(&ids).await.unwrap();
        let mut expected = records.clone();
        expected.sort_by_key(|record| record.id);
        for (stored, expected) in stored.iter().zip(&expected) {
            if expected.status == VulnStatus::Rejected {
                assert!(stored.configurations.is_empty());
                assert_eq!(stored.status, VulnStatus::Rejected);
            } else {
                assert_eq!(stored, expected, "{} reads back as written", expected.id);
            }
        }
        assert_eq!(stored.len(), expected.len());

        let kev = db.store.vulndb_kev(&ids).await.unwrap().unwrap();
        assert_eq!(kev.catalog_version, catalog.catalog_version);
        let log4shell = id("CVE-2021-44228");
        assert_eq!(kev.get(log4shell), catalog.get(log4shell));
        assert_eq!(
            kev.entries.len(),
            135,
            "135 of the sample's CVEs are in KEV"
        );

        let statistics = db.store.vulndb_statistics().await.unwrap();
        assert_eq!(statistics.cves, 153);
        assert_eq!(statistics.kev_entries as usize, catalog.entries.len());
        // The products the normaliser's dictionary takes from the vulnerability data.
        let products = db.store.vulndb_product_names().await.unwrap();
        assert!(products.contains(&("a".to_owned(), "apache".to_owned(), "log4j".to_owned())));
        assert!(
            products.windows(2).all(|pair| pair[0] < pair[1]),
            "sorted and distinct"
        );

        // Lookups through storage: Log4Shell's ranges.
        let log4j = |version: &str| {
            Asset::new(name(&format!(
                "cpe:2.3:a:apache:log4j:{version}:*:*:*:*:*:*:*"
            )))
        };
        let both = ["CVE-2021-44228", "CVE-2021-45046"];
        assert_eq!(cves(&db.store, &log4j("2.14.1")).await, both);
        assert_eq!(cves(&db.store, &log4j("2.15.0")).await, ["CVE-2021-45046"]);
        assert!(cves(&db.store, &log4j("2.17.1")).await.is_empty());
        // OpenSSL 3.0.x.
        let openssl = Asset::new(name("cpe:2.3:a:openssl:openssl:3.0.6:*:*:*:*:*:*:*"));
        assert_eq!(cves(&db.store, &openssl).await, ["CVE-2022-3602"]);
        // WinRAR is vulnerable only running on Windows.
        let winrar = name("cpe:2.3:a:rarlab:winrar:7.12:*:*:*:*:*:*:*");
        let verdict = |platforms: Vec<WellFormedName>| {
            let asset = Asset::on_platforms(winrar.clone(), platforms);
            let store = db.store.clone();
            async move {
                index(&store, Some(asset.name()))
                    .await
                    .find(&asset)
                    .iter()
                    .find(|hit| hit.cve == id("CVE-2025-8088"))
                    .map(|hit| hit.verdict)
            }
        };
        assert_eq!(
            verdict(vec![name("cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*")]).await,
            Some(PlatformVerdict::Met)
        );
        assert_eq!(
            verdict(vec![name("cpe:2.3:o:linux:linux_kernel:6.1:*:*:*:*:*:*:*")]).await,
            Some(PlatformVerdict::NotMet)
        );
        assert_eq!(verdict(Vec::new()).await, Some(PlatformVerdict::Unknown));

        // The index of one product answers as the index of everything does.
        let whole = index(&db.store, None).await;
        assert_eq!(whole.cve_count(), 153);
        let asset = log4j("2.14.1");
        let answer = |index: &ApplicabilityIndex| {
            index
                .find(&asset)
                .iter()
                .map(|hit| (hit.cve, hit.configuration, hit.verdict))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            answer(&whole),
            answer(&index(&db.store, Some(asset.name())).await)
        );
    }
}

#[tokio::test]
async fn reimports_change_only_what_changed_and_rejections_drop_applicability() {
    let heartbleed = |last_modified: &str, status: &str| {
        record(
            "CVE-2014-0160",
            last_modified,
            status,
            "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*",
            r#","versionStartIncluding":"1.0.1","versionEndExcluding":"1.0.1g""#,
        )
    };
    let other = record(
        "CVE-2014-3566",
        "2020-01-01T00:00:00.000",
        "Analyzed",
        "cpe:2.3:a:openssl:openssl:1.0.1i:*:*:*:*:*:*:*",
        "",
    );
    let openssl = |version: &str| {
        Asset::new(name(&format!(
            "cpe:2.3:a:openssl:openssl:{version}:*:*:*:*:*:*:*"
        )))
    };
    for db in every_backend().await {
        let first = [
            heartbleed("2020-01-01T00:00:00.000", "Analyzed"),
            other.clone(),
        ];
        assert_eq!(import(&db.store, &first).await.new, 2);
        // OpenSSL's letter releases: 1.0.1f is inside the range, 1.0.1g is the fix.
        assert_eq!(cves(&db.store, &openssl("1.0.1f")).await, ["CVE-2014-0160"]);
        assert!(cves(&db.store, &openssl("1.0.1g")).await.is_empty());
        assert_eq!(cves(&db.store, &openssl("1.0.1i")).await, ["CVE-2014-3566"]);

        let again = import(&db.store, &first).await;
        assert_eq!(
            again,
            RecordCounts {
                unchanged: 2,
                ..RecordCounts::default()
            }
        );
        // A newer feed: one record changed, one the same; an older copy later in the same
        // import does not undo the newer one.
        let newer = [
            heartbleed("2024-05-01T00:00:00.000", "Modified"),
            other.clone(),
            heartbleed("2019-01-01T00:00:00.000", "Analyzed"),
        ];
        assert_eq!(
            import(&db.store, &newer).await,
            RecordCounts {
                updated: 1,
                unchanged: 1,
                ..RecordCounts::default()
            }
        );
        let stored = db
            .store
            .vulndb_records(&[id("CVE-2014-0160")])
            .await
            .unwrap();
        assert_eq!(stored[0].status, VulnStatus::Modified);
        assert_eq!(
            stored[0].descriptions.len(),
            1,
            "old child rows were replaced"
        );

        let rejected = [heartbleed("2025-01-01T00:00:00.000", "Rejected")];
        assert_eq!(
            import(&db.store, &rejected).await,
            RecordCounts {
                rejected: 1,
                ..RecordCounts::default()
            }
        );
        assert!(cves(&db.store, &openssl("1.0.1f")).await.is_empty());
        assert_eq!(cves(&db.store, &openssl("1.0.1i")).await, ["CVE-2014-3566"]);
    }
}

#[tokio::test]
async fn a_discarded_file_and_an_uncommitted_import_leave_nothing() {
    let good = record(
        "CVE-2021-44228",
        "2021-12-10T00:00:00.000",
        "Analyzed",
        "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*",
        "",
    );
    let later = record(
        "CVE-2021-45046",
        "2021-12-14T00:00:00.000",
        "Analyzed",
        "cpe:2.3:a:apache:log4j:2.15.0:*:*:*:*:*:*:*",
        "",
    );
    let newer_good = record(
        "CVE-2021-44228",
        "2022-12-10T00:00:00.000",
        "Modified",
        "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*",
        "",
    );
    for db in every_backend().await {
        import(&db.store, std::slice::from_ref(&good)).await;

        let mut run = db.store.begin_vulndb_import().await.unwrap();
        run.begin_file().await.unwrap();
        run.add_records(RecordSource::Nvd, &[newer_good.clone(), later.clone()])
            .await
            .unwrap();
        run.discard_file().await.unwrap();
        run.begin_file().await.unwrap();
        run.add_records(RecordSource::Nvd, std::slice::from_ref(&good))
            .await
            .unwrap();
        run.keep_file().await.unwrap();
        assert_eq!(
            run.commit().await.unwrap(),
            RecordCounts {
                unchanged: 1,
                ..RecordCounts::default()
            },
            "the discarded file counts for nothing"
        );
        let stored = db
            .store
            .vulndb_records(&[id("CVE-2021-44228"), id("CVE-2021-45046")])
            .await
            .unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].status, VulnStatus::Analyzed);

        let mut dropped = db.store.begin_vulndb_import().await.unwrap();
        dropped
            .add_records(RecordSource::Nvd, &[newer_good.clone(), later.clone()])
            .await
            .unwrap();
        drop(dropped);
        assert_eq!(db.store.vulndb_statistics().await.unwrap().cves, 1);
    }
}

#[tokio::test]
async fn cve5_records_merge_with_nvd_and_nvd_configurations_win() {
    let cve5 = govsec_vulndb::parse_cve5(
        r#"{"dataType":"CVE_RECORD","dataVersion":"5.1",
        "cveMetadata":{"cveId":"CVE-2026-10001","state":"PUBLISHED","assignerShortName":"example",
          "datePublished":"2026-04-20T00:00:00.000Z","dateUpdated":"2026-04-21T00:00:00.000Z"},
        "containers":{"cna":{"providerMetadata":{"orgId":"00000000-0000-4000-8000-000000000000","shortName":"example"},
          "descriptions":[{"lang":"en","value":"A flaw in Widget before 2.4."}],
          "affected":[{"vendor":"example","product":"widget","defaultStatus":"unaffected",
            "cpes":["cpe:2.3:a:example:widget:*:*:*:*:*:*:*:*"],
            "versions":[{"version":"2.0","lessThan":"2.4","status":"affected","versionType":"semver"}]}]}}}"#,
    )
    .unwrap();
    let widget = |version: &str| {
        Asset::new(name(&format!(
            "cpe:2.3:a:example:widget:{version}:*:*:*:*:*:*:*"
        )))
    };
    for db in every_backend().await {
        let mut run = db.store.begin_vulndb_import().await.unwrap();
        run.add_records(RecordSource::Cve5, std::slice::from_ref(&cve5))
            .await
            .unwrap();
        assert_eq!(run.commit().await.unwrap().new, 1);
        assert_eq!(cves(&db.store, &widget("2.3")).await, ["CVE-2026-10001"]);
        assert!(cves(&db.store, &widget("2.4")).await.is_empty());

        // NVD analyses it later with a narrower range: its configuration decides.
        let nvd = record(
            "CVE-2026-10001",
            "2026-05-01T00:00:00.000",
            "Analyzed",
            "cpe:2.3:a:example:widget:*:*:*:*:*:*:*:*",
            r#","versionStartIncluding":"2.2","versionEndExcluding":"2.4""#,
        );
        import(&db.store, &[nvd]).await;
        assert_eq!(cves(&db.store, &widget("2.3")).await, ["CVE-2026-10001"]);
        assert!(cves(&db.store, &widget("2.1")).await.is_empty());
        let stored = db
            .store
            .vulndb_records(&[id("CVE-2026-10001")])
            .await
            .unwrap();
        assert_eq!(stored.len(), 1);
        assert!(
            !stored[0].affected.is_empty(),
            "the CNA's data is kept beside NVD's"
        );
    }
}

/// Configurations stored as plain JSON (what databases written before the compression hold)
/// are still read; a damaged stored value is refused by name, not read as empty.
#[tokio::test]
async fn configurations_stored_before_compression_are_still_read() {
    let log4j = "cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*";
    let plain = format!(
        r#"[["nvd","or",false,[["or",false,[[true,"A1B2C3D4-0000-4000-8000-000000044228","{log4j}",">=2.0","<2.15.0"]]]]]]"#
    );
    for db in every_backend().await {
        let written = record(
            "CVE-2021-44228",
            "2021-12-10T10:15:09.143",
            "Analyzed",
            log4j,
            r#","versionStartIncluding":"2.0","versionEndExcluding":"2.15.0""#,
        );
        import(&db.store, std::slice::from_ref(&written)).await;
        let stored_as = |value: &str| match db.store.backend() {
            govsec_store::BackendKind::Sqlite => format!("'{value}'"),
            govsec_store::BackendKind::Postgres => format!("convert_to('{value}', 'UTF8')"),
        };
        db.tamper(&format!(
            "UPDATE vulndb_records SET configurations = {}",
            stored_as(&plain)
        ))
        .await;
        let read = db.store.vulndb_records(&[written.id]).await.unwrap();
        assert_eq!(read[0].configurations, written.configurations);
        let asset = Asset::new(name("cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*"));
        assert_eq!(cves(&db.store, &asset).await, ["CVE-2021-44228"]);

        db.tamper(&format!(
            "UPDATE vulndb_records SET configurations = {}",
            stored_as("[[\"nvd\"")
        ))
        .await;
        let refused = db.store.vulndb_records(&[written.id]).await.unwrap_err();
        assert!(refused.to_string().contains("configuration"), "{refused}");
    }
}
