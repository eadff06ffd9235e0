use super::*;
use crate::Position;

const TABLE: &str = r#"
[[vendor]]
vendor = "microsoft"
names = ["Microsoft Corporation", "微軟", "台灣微軟"]

[[vendor]]
vendor = "oracle"
names = ["Oracle Corporation", "甲骨文"]

[[vendor]]
vendor = "rarlab"
names = ["win.rar GmbH", "RARLAB"]

[[vendor]]
vendor = "trendmicro"
names = ["Trend Micro Inc.", "趨勢科技"]

[[product]]
part = "a"
vendor = "microsoft"
product = "office"
names = ["Microsoft Office", "Office"]
versioning = "year"
years = { "14" = ["2010"], "15" = ["2013"], "16" = ["2016", "2019", "2021", "2024"] }
build_updates = { "14.0.6029" = "sp1", "14.0.7015" = "sp2", "15.0.4569" = "sp1" }

[[product]]
part = "o"
vendor = "microsoft"
product = "windows_10"
names = ["Microsoft Windows 10", "Windows 10"]
versioning = "windows"

[[product]]
part = "o"
vendor = "microsoft"
product = "windows_server"
names = ["Microsoft Windows Server", "Windows Server"]
versioning = "windows_server"

[[product]]
part = "a"
vendor = "oracle"
product = "jre"
names = ["Java", "Java Runtime Environment", "Java SE Runtime Environment"]
versioning = "java"

[[product]]
part = "a"
vendor = "rarlab"
product = "winrar"
names = ["WinRAR"]

[[product]]
part = "a"
vendor = "openssl"
product = "openssl"
names = ["OpenSSL"]
packages = ["openssl", "libssl3", "openssl-libs"]
versioning = "distro_package"

[[product]]
part = "a"
vendor = "openbsd"
product = "openssh"
names = ["OpenSSH"]
packages = ["openssh"]

[[product]]
part = "a"
vendor = "apache"
product = "log4j"
names = ["Apache Log4j"]
packages = ["log4j-core"]

[[product]]
part = "a"
vendor = "trendmicro"
product = "apex_one"
names = ["Trend Micro Apex One", "Apex One"]

[[product]]
part = "a"
vendor = "microsoft"
product = "edge_chromium"
names = ["Microsoft Edge", "Edge"]

[[product]]
part = "a"
vendor = "microsoft"
product = ".net"
names = ["Microsoft .NET Runtime", "Microsoft .NET"]
components = 3
products = { "3" = ".net_core" }

[[product]]
part = "a"
vendor = "microsoft"
product = "asp.net_core"
names = ["Microsoft ASP.NET Core", "Microsoft .NET Windows Server Hosting"]
components = 3

[[product]]
part = "a"
vendor = "python"
product = "python"
names = ["Python"]

[[product]]
part = "a"
vendor = "pypa"
product = "pip"
names = ["pip", "Python pip"]

[[product]]
part = "o"
vendor = "vmware"
product = "esxi"
names = ["VMware ESXi"]
update_words = ["update", "u"]
update_format = "update_{}"
components = 2

[[product]]
part = "a"
vendor = "vmware"
product = "vcenter_server"
names = ["VMware vCenter Server Appliance"]
update_words = ["update", "u"]
update_format = "update{}"

[[product]]
part = "a"
vendor = "synology"
product = "diskstation_manager"
names = ["Synology DiskStation Manager"]
update_words = ["update"]
update_format = "update{}"

[[product]]
part = "a"
vendor = "trendmicro"
product = "officescan"
names = ["OfficeScan Agent"]
releases = { "12.0" = "xg" }
build_updates = { "12.0.4345" = "sp1" }

[[product]]
part = "o"
vendor = "qnap"
product = "qts"
names = ["QNAP QTS"]
update_words = ["build"]
update_format = "build_{}"

[[term]]
zh = "防毒"
en = "antivirus"
"#;

fn normaliser() -> Normaliser {
    let aliases = Aliases::from_toml("table.toml", TABLE).unwrap();
    let mut dictionary = ProductDictionary::from_aliases(&aliases);
    dictionary.extend(
        DictionarySource::VulnerabilityData,
        [
            ProductKey::new(Part::Application, "filezilla-project", "filezilla_client").unwrap(),
            ProductKey::new(Part::Application, "filezilla-project", "filezilla_server").unwrap(),
            ProductKey::new(Part::Application, "keepass", "keepass").unwrap(),
            ProductKey::new(Part::Application, "videolan", "vlc_media_player").unwrap(),
        ],
    );
    Normaliser::new(aliases, dictionary, LearnedMappings::default())
}

fn entry(name: &str, publisher: Option<&str>, version: Option<&str>) -> InventoryEntry {
    let mut entry = InventoryEntry::new(
        SourceLocation {
            file: Arc::from("inventory.csv"),
            position: Position::Row(2),
        },
        name.to_owned(),
    );
    entry.publisher = publisher.map(str::to_owned);
    entry.version = version.map(str::to_owned);
    entry
}

fn converted(normaliser: &Normaliser, entry: &InventoryEntry, package: bool) -> String {
    let found = normaliser.normalise_entry(entry, package);
    assert_eq!(found.status, Status::Converted, "{found:#?}");
    found.cpe.unwrap()
}

#[test]
fn zh_tw_names_with_noise_convert_through_the_alias_table() {
    let normaliser = normaliser();
    let office = entry(
        "Microsoft Office 專業增強版 2016 - zh-tw",
        Some("台灣微軟股份有限公司"),
        Some("16.0.4266.1001"),
    );
    assert_eq!(
        converted(&normaliser, &office, false),
        "cpe:2.3:a:microsoft:office:2016:*:*:*:*:*:*:*"
    );
    let found = normaliser.normalise_entry(&office, false);
    assert_eq!(found.build.as_deref(), Some("16.0.4266.1001"));
    assert!(matches!(
        found.candidates[0].method,
        Method::Alias {
            publisher_agrees: true,
            ..
        }
    ));
    let winrar = entry(
        "ＷｉｎＲＡＲ 6.24 (64 位元)",
        Some("win.rar GmbH"),
        Some("6.24.0"),
    );
    assert_eq!(
        converted(&normaliser, &winrar, false),
        "cpe:2.3:a:rarlab:winrar:6.24:*:*:*:*:*:*:*"
    );
    let apex = entry("趨勢科技 Apex One 防毒", None, Some("14.0.12345"));
    assert_eq!(
        converted(&normaliser, &apex, false),
        "cpe:2.3:a:trendmicro:apex_one:14.0.12345:*:*:*:*:*:*:*"
    );
}

#[test]
fn java_office_and_windows_versions_follow_nvd() {
    let normaliser = normaliser();
    let java = entry(
        "Java 8 Update 281 (64-bit)",
        Some("Oracle Corporation"),
        Some("8.0.2810.9"),
    );
    assert_eq!(
        converted(&normaliser, &java, false),
        "cpe:2.3:a:oracle:jre:1.8.0:update_281:*:*:*:*:*:*"
    );
    let windows = entry("Microsoft Windows 10 專業版", None, Some("10.0.19045.3803"));
    assert_eq!(
        converted(&normaliser, &windows, false),
        "cpe:2.3:o:microsoft:windows_10_22h2:10.0.19045.3803:*:*:*:*:*:*:*"
    );
    let server = entry(
        "Windows Server 2019 Datacenter",
        None,
        Some("10.0.17763.5329"),
    );
    assert_eq!(
        converted(&normaliser, &server, false),
        "cpe:2.3:o:microsoft:windows_server_2019:10.0.17763.5329:*:*:*:*:*:*:*"
    );
    let office_build_only = entry(
        "Microsoft Office",
        Some("Microsoft Corporation"),
        Some("16.0.17029.20108"),
    );
    let found = normaliser.normalise_entry(&office_build_only, false);
    assert_eq!(found.status, Status::Ambiguous);
    assert!(found.remarks.contains(&Remark::VersionAmbiguous));
    assert!(
        found
            .candidates
            .iter()
            .any(|c| c.cpe == "cpe:2.3:a:microsoft:office:2019:*:*:*:*:*:*:*"),
        "{found:#?}"
    );
}

#[test]
fn office_service_packs_follow_from_the_build() {
    let normaliser = normaliser();
    for (name, build, cpe) in [
        (
            "Microsoft Office Professional Plus 2010",
            "14.0.7015.1000",
            "cpe:2.3:a:microsoft:office:2010:sp2:*:*:*:*:*:*",
        ),
        (
            "Microsoft Office 2010",
            "14.0.6129.5000",
            "cpe:2.3:a:microsoft:office:2010:sp1:*:*:*:*:*:*",
        ),
        (
            "Microsoft Office 專業增強版 2013",
            "15.0.4569.1506",
            "cpe:2.3:a:microsoft:office:2013:sp1:*:*:*:*:*:*",
        ),
        (
            "Microsoft Office 2013",
            "15.0.4420.1017",
            "cpe:2.3:a:microsoft:office:2013:*:*:*:*:*:*:*",
        ),
        (
            "Microsoft Office",
            "14.0.7268.5000",
            "cpe:2.3:a:microsoft:office:2010:sp2:*:*:*:*:*:*",
        ),
        // A build of another release than the name's leaves the update open.
        (
            "Microsoft Office 2013",
            "14.0.7015.1000",
            "cpe:2.3:a:microsoft:office:2013:*:*:*:*:*:*:*",
        ),
    ] {
        let office = entry(name, Some("Microsoft Corporation"), Some(build));
        assert_eq!(
            converted(&normaliser, &office, false),
            cpe,
            "{name} {build}"
        );
    }
    let office = entry(
        "Microsoft Office 2010",
        Some("Microsoft Corporation"),
        Some("14.0.7015.1000"),
    );
    let found = normaliser.normalise_entry(&office, false);
    assert!(
        found.remarks.contains(&Remark::UpdateOfBuild {
            build: "14.0.7015.1000".to_owned(),
            update: "sp2".to_owned(),
        }),
        "{found:#?}"
    );
    let named = entry(
        "Microsoft Office 2010 Service Pack 1",
        None,
        Some("14.0.7015.1000"),
    );
    assert_eq!(
        converted(&normaliser, &named, false),
        "cpe:2.3:a:microsoft:office:2010:sp1:*:*:*:*:*:*"
    );
}

#[test]
fn a_release_name_keeps_the_build_that_says_its_update() {
    let normaliser = normaliser();
    for (build, cpe) in [
        (
            "12.0.5698",
            "cpe:2.3:a:trendmicro:officescan:xg:sp1:*:*:*:*:*:*",
        ),
        (
            "12.0.1876",
            "cpe:2.3:a:trendmicro:officescan:xg:*:*:*:*:*:*:*",
        ),
    ] {
        let agent = entry("OfficeScan Agent", Some("趨勢科技"), Some(build));
        assert_eq!(converted(&normaliser, &agent, false), cpe, "{build}");
    }
}

#[test]
fn appliance_updates_in_the_version_column_follow_each_products_spelling() {
    let normaliser = normaliser();
    for (name, version, cpe) in [
        (
            "VMware ESXi",
            "7.0 Update 3o (22348816)",
            "cpe:2.3:o:vmware:esxi:7.0:update_3o:*:*:*:*:*:*",
        ),
        (
            "VMware ESXi",
            "8.0 U2",
            "cpe:2.3:o:vmware:esxi:8.0:update_2:*:*:*:*:*:*",
        ),
        (
            "VMware ESXi",
            "6.7.0 Update 3 (Build 15160138)",
            "cpe:2.3:o:vmware:esxi:6.7:update_3:*:*:*:*:*:*",
        ),
        (
            "VMware vCenter Server Appliance",
            "7.0.3.01700 (7.0 U3n)",
            "cpe:2.3:a:vmware:vcenter_server:7.0:update3n:*:*:*:*:*:*",
        ),
        (
            "Synology DiskStation Manager",
            "7.2.1-69057 Update 4",
            "cpe:2.3:a:synology:diskstation_manager:7.2.1-69057:update4:*:*:*:*:*:*",
        ),
        (
            "QNAP QTS",
            "5.1.4.2596 build 20231128",
            "cpe:2.3:o:qnap:qts:5.1.4.2596:build_20231128:*:*:*:*:*:*",
        ),
        (
            "QNAP QTS",
            "5.1.4.2596",
            "cpe:2.3:o:qnap:qts:5.1.4.2596:*:*:*:*:*:*:*",
        ),
    ] {
        let appliance = entry(name, None, Some(version));
        assert_eq!(converted(&normaliser, &appliance, false), cpe, "{version}");
    }
    let vcenter = entry(
        "VMware vCenter Server Appliance",
        None,
        Some("7.0.3.01700 (7.0 U3n)"),
    );
    let found = normaliser.normalise_entry(&vcenter, false);
    assert_eq!(found.build.as_deref(), Some("7.0.3.01700"));
    assert_eq!(found.version_source, VersionSource::VersionField);
}

#[test]
fn dotnet_releases_and_the_hosting_bundle_take_nvds_product_names() {
    let normaliser = normaliser();
    let core = entry(
        "Microsoft .NET Runtime - 3.1.32 (x64)",
        Some("Microsoft Corporation"),
        Some("3.1.32.31915"),
    );
    assert_eq!(
        converted(&normaliser, &core, false),
        "cpe:2.3:a:microsoft:.net_core:3.1.32:*:*:*:*:*:*:*"
    );
    let found = normaliser.normalise_entry(&core, false);
    assert!(
        found.remarks.contains(&Remark::ProductOfVersion {
            version: "3.1.32".to_owned(),
            product: ".net_core".to_owned(),
        }),
        "{found:#?}"
    );
    let modern = entry(
        "Microsoft .NET Runtime - 8.0.1 (x64)",
        Some("Microsoft Corporation"),
        Some("8.0.1.23601"),
    );
    assert_eq!(
        converted(&normaliser, &modern, false),
        "cpe:2.3:a:microsoft:.net:8.0.1:*:*:*:*:*:*:*"
    );
    let hosting = entry(
        "Microsoft .NET 8.0.1 - Windows Server Hosting",
        Some("微軟"),
        Some("8.0.1.23601"),
    );
    assert_eq!(
        converted(&normaliser, &hosting, false),
        "cpe:2.3:a:microsoft:asp.net_core:8.0.1:*:*:*:*:*:*:*"
    );
    // Words after the version that name a product of their own are a part of the product
    // before the version, not one phrase with it.
    let pip = entry(
        "Python 3.10.11 pip Bootstrap (64-bit)",
        None,
        Some("3.10.11150.0"),
    );
    let found = normaliser.normalise_entry(&pip, false);
    assert!(
        found
            .candidates
            .first()
            .is_some_and(|c| c.cpe.starts_with("cpe:2.3:a:python:python:")),
        "{found:#?}"
    );
}

#[test]
fn packages_and_package_urls_use_the_package_names() {
    let normaliser = normaliser();
    let ubuntu = entry("libssl3", None, Some("3.0.2-0ubuntu1.10"));
    assert_eq!(
        converted(&normaliser, &ubuntu, true),
        "cpe:2.3:a:openssl:openssl:3.0.2:*:*:*:*:*:*:*"
    );
    let ssh = entry("openssh-server", None, Some("1:9.2p1-2+deb12u2"));
    assert_eq!(
        converted(&normaliser, &ssh, true),
        "cpe:2.3:a:openbsd:openssh:9.2:p1:*:*:*:*:*:*"
    );
    let mut log4j = entry("log4j-core", Some("org.apache.logging.log4j"), None);
    log4j.package_url = Some("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1".to_owned());
    assert_eq!(
        converted(&normaliser, &log4j, false),
        "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*"
    );
}

#[test]
fn a_given_cpe_is_used_and_an_invalid_one_is_reported() {
    let normaliser = normaliser();
    let mut given = entry("whatever", None, Some("1.2.3"));
    given.given_cpe = Some("cpe:2.3:a:vendor:product:*:*:*:*:*:*:*:*".to_owned());
    assert_eq!(
        converted(&normaliser, &given, false),
        "cpe:2.3:a:vendor:product:1.2.3:*:*:*:*:*:*:*"
    );
    given.given_cpe = Some("cpe:2.3:a:vendor".to_owned());
    let found = normaliser.normalise_entry(&given, false);
    assert_eq!(found.status, Status::Invalid);
    assert!(
        matches!(&found.remarks[0], Remark::InvalidCpe { cpe, .. } if cpe == "cpe:2.3:a:vendor")
    );
    given.given_cpe = Some("cpe:2.3:a:*:*:*:*:*:*:*:*:*:*".to_owned());
    assert_eq!(
        normaliser.normalise_entry(&given, false).status,
        Status::Invalid
    );
    let nameless = entry("  ", Some("Microsoft"), None);
    let found = normaliser.normalise_entry(&nameless, false);
    assert_eq!(found.status, Status::Invalid);
    assert_eq!(found.remarks, [Remark::MissingName]);
}

#[test]
fn unknown_names_rank_against_the_dictionary() {
    let normaliser = normaliser();
    let filezilla = entry("FileZilla Client 3.66.1", Some("Tim Kosse"), Some("3.66.1"));
    assert_eq!(
        converted(&normaliser, &filezilla, false),
        "cpe:2.3:a:filezilla-project:filezilla_client:3.66.1:*:*:*:*:*:*:*"
    );
    let vague = entry("FileZilla 3.66.1", None, Some("3.66.1"));
    let found = normaliser.normalise_entry(&vague, false);
    assert_eq!(found.status, Status::Ambiguous, "{found:#?}");
    assert!(found.candidates.len() >= 2);
    let nothing = entry("差勤管理系統", Some("本機關資訊室"), Some("3.0"));
    let found = normaliser.normalise_entry(&nothing, false);
    assert_eq!(found.status, Status::Unconverted);
    assert!(
        found
            .remarks
            .iter()
            .any(|r| matches!(r, Remark::Untranslated { .. }))
    );
}

#[test]
fn a_publisher_of_another_vendor_makes_an_alias_ambiguous() {
    let normaliser = normaliser();
    let found = normaliser.normalise_entry(
        &entry("Edge", Some("Oracle Corporation"), Some("1.0")),
        false,
    );
    assert_eq!(found.status, Status::Ambiguous);
    assert!(found.remarks.contains(&Remark::PublisherDisagrees {
        publisher_vendor: "oracle".to_owned()
    }));
}

#[test]
fn learned_mappings_apply_to_later_versions_and_agency_wins() {
    let aliases = Aliases::from_toml("table.toml", TABLE).unwrap();
    let dictionary = ProductDictionary::from_aliases(&aliases);
    let mut learned = LearnedMappings::default();
    let key = mapping_key(&aliases, "公文製作系統 2.0", Some("某資訊公司"));
    let product = ProductKey::new(Part::Application, "example", "document_editor").unwrap();
    learned.add(key.clone(), product.clone(), MappingScope::Agency);
    learned.add(
        key,
        ProductKey::new(Part::Application, "other", "editor").unwrap(),
        MappingScope::National,
    );
    let normaliser = Normaliser::new(aliases, dictionary, learned);
    let found = normaliser.normalise_entry(
        &entry("公文製作系統 2.1", Some("某資訊公司"), Some("2.1")),
        false,
    );
    assert_eq!(
        found.cpe.as_deref(),
        Some("cpe:2.3:a:example:document_editor:2.1:*:*:*:*:*:*:*")
    );
    assert_eq!(
        found.candidates[0].method,
        Method::Learned {
            scope: MappingScope::Agency
        }
    );
}

#[test]
fn an_inventory_is_normalised_once_per_distinct_entry_with_its_platform() {
    let normaliser = normaliser();
    let mut first = entry("WinRAR 6.24 (64 位元)", None, Some("6.24.0"));
    first.operating_system = Some("Windows Server 2019 Standard 10.0.17763".to_owned());
    let mut second = first.clone();
    second.source.position = Position::Row(3);
    let inventory = Inventory {
        file: Arc::from("inventory.csv"),
        format: InventoryFormat::Csv,
        encoding: Some("UTF-8"),
        entries: vec![first, second],
        unknown_columns: Vec::new(),
    };
    let rows = normaliser.normalise_inventory(&inventory);
    assert!(Arc::ptr_eq(&rows[0].normalisation, &rows[1].normalisation));
    assert_eq!(
        rows[0].platform.as_deref(),
        Some("cpe:2.3:o:microsoft:windows_server_2019:10.0.17763:*:*:*:*:*:*:*")
    );
}

#[test]
fn package_urls_parse_with_percent_escapes() {
    let purl =
        PackageUrl::parse("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar").unwrap();
    assert_eq!(purl.purl_type, "maven");
    assert_eq!(purl.namespace, "org.apache.logging.log4j");
    assert_eq!(purl.name, "log4j-core");
    assert_eq!(purl.version.as_deref(), Some("2.14.1"));
    let npm = PackageUrl::parse("pkg:npm/%40angular/core@16.0.0").unwrap();
    assert_eq!(npm.namespace, "@angular");
    assert!(PackageUrl::parse("pkg:").is_none());
    assert!(PackageUrl::parse("pkg:npm/bad%zz").is_none());
    assert!(PackageUrl::parse("http://example").is_none());
}

#[test]
fn an_installer_or_updater_is_not_the_program() {
    let normaliser = normaliser();
    let updater =
        normaliser.normalise_entry(&entry("Java Auto Updater", None, Some("2.8.281.9")), false);
    assert_eq!(updater.status, Status::Ambiguous, "{updater:#?}");
    let plain = normaliser.normalise_entry(&entry("Java 8 Update 281", None, None), false);
    assert_eq!(plain.status, Status::Converted, "{plain:#?}");
}

#[test]
fn device_firmware_is_offered_by_nvds_naming_and_converted_when_listed() {
    let builtin = Normaliser::builtin().unwrap();
    for (name, publisher, expected) in [
        (
            "Zyxel USG FLEX 200 韌體",
            Some("合勤科技"),
            "cpe:2.3:o:zyxel:usg_flex_200_firmware:5.37:*:*:*:*:*:*:*",
        ),
        (
            "Zyxel ATP500 Firmware",
            None,
            "cpe:2.3:o:zyxel:atp500_firmware:5.37:*:*:*:*:*:*:*",
        ),
    ] {
        let found = builtin.normalise_entry(&entry(name, publisher, Some("V5.37(ABUI.1)")), false);
        assert_eq!(found.status, Status::Ambiguous, "{name}");
        assert_eq!(found.candidates[0].cpe, expected, "{name}");
        assert!(matches!(
            found.candidates[0].method,
            Method::FirmwareConvention { listed: false, .. }
        ));
    }
    // Once NVD's data lists the product, the name built by the convention is confirmed.
    let aliases = Aliases::builtin().unwrap();
    let mut dictionary = ProductDictionary::from_aliases(&aliases);
    dictionary.extend(
        DictionarySource::CpeDictionary,
        [ProductKey::new(Part::OperatingSystem, "zyxel", "atp500_firmware").unwrap()],
    );
    let listed = Normaliser::new(aliases, dictionary, LearnedMappings::default());
    let found = listed.normalise_entry(&entry("Zyxel ATP500 Firmware", None, Some("5.37")), false);
    assert_eq!(found.status, Status::Converted);
    assert_eq!(
        found.cpe.as_deref(),
        Some("cpe:2.3:o:zyxel:atp500_firmware:5.37:*:*:*:*:*:*:*")
    );
    // No model number, no vendor: nothing is built.
    for name in ["Zyxel Firmware Updater", "Generic Firmware 2.0"] {
        let found = builtin.normalise_entry(&entry(name, None, Some("1.0")), false);
        assert!(
            found
                .candidates
                .iter()
                .all(|c| !matches!(c.method, Method::FirmwareConvention { .. })),
            "{name}: {:?}",
            found.candidates
        );
    }
}

#[test]
fn active_directory_is_its_windows_server_release() {
    let builtin = Normaliser::builtin().unwrap();
    let found = builtin.normalise_entry(
        &entry(
            "Active Directory 網域服務",
            Some("微軟"),
            Some("10.0.17763.5206"),
        ),
        false,
    );
    assert_eq!(
        found.cpe.as_deref(),
        Some("cpe:2.3:o:microsoft:windows_server_2019:10.0.17763.5206:*:*:*:*:*:*:*")
    );
}

#[test]
fn a_distributor_as_publisher_says_nothing_about_the_vendor() {
    let table = r#"
[[vendor]]
vendor = "openssl"
names = ["OpenSSL Project"]

[[vendor]]
vendor = "examplelinux"
names = ["Example Linux Foundation"]
distributes = true

[[vendor]]
vendor = "examplesoft"
names = ["Example Soft Ltd"]

[[product]]
part = "a"
vendor = "openssl"
product = "openssl"
names = ["OpenSSL"]
"#;
    let aliases = Aliases::from_toml("table.toml", table).unwrap();
    let dictionary = ProductDictionary::from_aliases(&aliases);
    let normaliser = Normaliser::new(aliases, dictionary, LearnedMappings::default());
    let repackaged = normaliser.normalise_entry(
        &entry("OpenSSL", Some("Example Linux Foundation"), Some("3.0.7")),
        false,
    );
    assert_eq!(repackaged.status, Status::Converted);
    assert!(
        !repackaged
            .remarks
            .iter()
            .any(|r| matches!(r, Remark::PublisherDisagrees { .. })),
        "{:?}",
        repackaged.remarks
    );
    // Another vendor that does not distribute is a disagreeing publisher.
    let other = normaliser.normalise_entry(
        &entry("OpenSSL", Some("Example Soft Ltd"), Some("3.0.7")),
        false,
    );
    assert!(
        other
            .remarks
            .iter()
            .any(|r| matches!(r, Remark::PublisherDisagrees { .. }))
    );
}
