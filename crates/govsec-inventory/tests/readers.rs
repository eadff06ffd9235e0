//! Each supported export, written here as an agency's tool would write it, read into entries.

mod support;

use govsec_inventory::{
    ColumnMapping, InventoryEntry, InventoryFormat, Position, ReadOptions, TextEncoding,
    read_inventory,
};

fn read(file: &str, bytes: &[u8]) -> govsec_inventory::Inventory {
    read_inventory(file, bytes, &ReadOptions::default())
        .unwrap_or_else(|error| panic!("{file} should read: {error}"))
}

fn names(entries: &[InventoryEntry]) -> Vec<&str> {
    entries.iter().map(|e| e.software_name.as_str()).collect()
}

const AGENCY_SHEET: &str = "主機名稱,IP位址,作業系統,軟體名稱,發行者,版本,安裝日期,資產類別,系統名稱,核心系統,備註\n\
PC-0012,10.1.2.3,Windows 10 專業版,Microsoft Office 專業增強版 2016,Microsoft Corporation,16.0.4266.1001,2021/03/15,個人電腦,公文系統,是,\n\
PC-0012,10.1.2.3,Windows 10 專業版,趨勢科技 Apex One,趨勢科技,14.0.10223,2022/01/04,個人電腦,公文系統,是,防毒\n\
\n\
SRV-01,10.1.9.9,Windows Server 2019,\"7-Zip 19.00 (x64)\",Igor Pavlov,19.00,,伺服器,,否,\"多行\n備註\"\n";

#[test]
fn utf8_csv_with_chinese_headers_and_unknown_column() {
    let inventory = read("資產清冊.csv", AGENCY_SHEET.as_bytes());
    assert_eq!(inventory.format, InventoryFormat::Csv);
    assert_eq!(inventory.encoding, Some("UTF-8"));
    assert_eq!(
        names(&inventory.entries),
        [
            "Microsoft Office 專業增強版 2016",
            "趨勢科技 Apex One",
            "7-Zip 19.00 (x64)"
        ]
    );
    let office = &inventory.entries[0];
    assert_eq!(office.host_name.as_deref(), Some("PC-0012"));
    assert_eq!(office.ip_address.as_deref(), Some("10.1.2.3"));
    assert_eq!(
        office.operating_system.as_deref(),
        Some("Windows 10 專業版")
    );
    assert_eq!(office.publisher.as_deref(), Some("Microsoft Corporation"));
    assert_eq!(office.version.as_deref(), Some("16.0.4266.1001"));
    assert_eq!(office.install_date.as_deref(), Some("2021/03/15"));
    assert_eq!(office.asset_class.as_deref(), Some("個人電腦"));
    assert_eq!(office.system_name.as_deref(), Some("公文系統"));
    assert_eq!(office.core_system, Some(true));
    assert_eq!(office.source.to_string(), "資產清冊.csv:2");
    // The blank line is skipped, yet rows keep the numbers an editor shows.
    assert_eq!(inventory.entries[2].source.position, Position::Row(5));
    assert_eq!(inventory.entries[2].core_system, Some(false));
    assert_eq!(inventory.unknown_columns.len(), 1);
    assert_eq!(inventory.unknown_columns[0].header, "備註");
    assert_eq!(inventory.unknown_columns[0].column, 11);
}

#[test]
fn utf8_bom_and_full_width_english_headers() {
    let text = "\u{FEFF}Ｃｏｍｐｕｔｅｒ Ｎａｍｅ,ＩＰ,Software Name,Vendor,Version,Core System,CPE\n\
                pc1,10.0.0.1,Google Chrome,Google LLC,120.0.6099.110,Y,cpe:2.3:a:google:chrome:120.0.6099.110:*:*:*:*:*:*:*\n";
    let inventory = read("en.csv", text.as_bytes());
    let chrome = &inventory.entries[0];
    assert_eq!(chrome.host_name.as_deref(), Some("pc1"));
    assert_eq!(chrome.ip_address.as_deref(), Some("10.0.0.1"));
    assert_eq!(chrome.publisher.as_deref(), Some("Google LLC"));
    assert!(
        chrome
            .given_cpe
            .as_deref()
            .unwrap()
            .starts_with("cpe:2.3:a:google")
    );
    assert!(inventory.unknown_columns.is_empty());
}

#[test]
fn big5_csv_is_detected_and_forced() {
    let (big5, _, unmappable) = encoding_rs::BIG5.encode(AGENCY_SHEET);
    assert!(!unmappable);
    let inventory = read("big5.csv", &big5);
    assert_eq!(inventory.encoding, Some("Big5"));
    assert_eq!(inventory.entries[1].software_name, "趨勢科技 Apex One");
    let forced = read_inventory(
        "big5.csv",
        &big5,
        &ReadOptions {
            encoding: TextEncoding::Big5,
            ..ReadOptions::default()
        },
    )
    .unwrap();
    assert_eq!(forced.entries, inventory.entries);
}

#[test]
fn utf16_with_either_byte_order() {
    for (bom, big_endian) in [(&b"\xFF\xFE"[..], false), (&b"\xFE\xFF"[..], true)] {
        let mut bytes = bom.to_vec();
        for unit in AGENCY_SHEET.encode_utf16() {
            let pair = if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            };
            bytes.extend(pair);
        }
        let inventory = read("unicode.csv", &bytes);
        assert_eq!(
            inventory.encoding,
            Some(if big_endian { "UTF-16BE" } else { "UTF-16LE" })
        );
        assert_eq!(inventory.entries.len(), 3);
        assert_eq!(
            inventory.entries[0].software_name,
            "Microsoft Office 專業增強版 2016"
        );
    }
}

#[test]
fn powershell_get_package_and_uninstall_registry_exports() {
    let get_package = "#TYPE Microsoft.PackageManagement.Packaging.SoftwareIdentity\r\n\
        \"Name\",\"Version\",\"ProviderName\",\"Source\"\r\n\
        \"7-Zip 19.00 (x64)\",\"19.00\",\"Programs\",\"\"\r\n\
        \"Microsoft Edge\",\"120.0.2210.91\",\"msi\",\"C:\\Program Files\"\r\n";
    let inventory = read("get-package.csv", get_package.as_bytes());
    assert_eq!(
        names(&inventory.entries),
        ["7-Zip 19.00 (x64)", "Microsoft Edge"]
    );
    assert_eq!(inventory.entries[0].source.position, Position::Row(3));
    let unknown: Vec<&str> = inventory
        .unknown_columns
        .iter()
        .map(|c| c.header.as_str())
        .collect();
    assert_eq!(unknown, ["ProviderName", "Source"]);

    let registry = "DisplayName,DisplayVersion,Publisher,InstallDate\r\n\
        Adobe Acrobat Reader DC - Chinese Traditional,23.006.20360,Adobe Systems Incorporated,20231012\r\n";
    let entry = &read("uninstall.csv", registry.as_bytes()).entries[0];
    assert_eq!(entry.version.as_deref(), Some("23.006.20360"));
    assert_eq!(
        entry.publisher.as_deref(),
        Some("Adobe Systems Incorporated")
    );
    assert_eq!(entry.install_date.as_deref(), Some("20231012"));
}

#[test]
fn tab_and_semicolon_separated_sheets() {
    let tsv = "程式名稱\t版本\n趨勢科技 Apex One\t14.0\n";
    assert_eq!(read("a.tsv", tsv.as_bytes()).format, InventoryFormat::Csv);
    let semicolons = "Name;Version\nWinRAR 6.24 (64 位元);6.24.0\n";
    let inventory = read("b.csv", semicolons.as_bytes());
    assert_eq!(inventory.entries[0].version.as_deref(), Some("6.24.0"));
}

#[test]
fn mapping_file_names_unusual_columns() {
    let mapping = ColumnMapping::from_toml(
        "mapping.toml",
        "\"使用者電腦\" = \"host_name\"\n\"應用軟體\" = \"software_name\"\n\"財產編號\" = \"ignore\"\n",
    )
    .unwrap();
    let text = "使用者電腦,應用軟體,財產編號\nPC-7,Mozilla Firefox (x64 zh-TW),A-1\n";
    let inventory = read_inventory(
        "odd.csv",
        text.as_bytes(),
        &ReadOptions {
            mapping,
            ..ReadOptions::default()
        },
    )
    .unwrap();
    assert_eq!(inventory.entries[0].host_name.as_deref(), Some("PC-7"));
    assert_eq!(
        inventory.entries[0].software_name,
        "Mozilla Firefox (x64 zh-TW)"
    );
    assert!(inventory.unknown_columns.is_empty());
}

#[test]
fn xlsx_first_sheet_with_dates_and_numbers() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let date_format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (column, header) in ["電腦名稱", "軟體名稱", "版本", "安裝日期", "核心系統"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, column as u16, *header).unwrap();
    }
    sheet.write_string(1, 0, "PC-3").unwrap();
    sheet
        .write_string(1, 1, "Microsoft Office 專業增強版 2016")
        .unwrap();
    sheet.write_number(1, 2, 2016).unwrap();
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2021, 3, 15).unwrap();
    sheet
        .write_datetime_with_format(1, 3, &date, &date_format)
        .unwrap();
    sheet.write_boolean(1, 4, true).unwrap();
    sheet.write_string(3, 1, "7-Zip 19.00 (x64)").unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let inventory = read("清冊.xlsx", &bytes);
    assert_eq!(inventory.format, InventoryFormat::Xlsx);
    assert_eq!(inventory.encoding, None);
    let office = &inventory.entries[0];
    assert_eq!(office.version.as_deref(), Some("2016"));
    assert_eq!(office.install_date.as_deref(), Some("2021-03-15"));
    assert_eq!(office.core_system, Some(true));
    assert_eq!(inventory.entries[1].source.position, Position::Row(4));
}

#[test]
fn cyclonedx_components_nested_with_cpe_and_purl() {
    let bom = r#"{
      "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
      "components": [
        {"type": "application", "bom-ref": "office", "name": "Microsoft Office 專業增強版 2016",
         "version": "16.0.4266.1001", "publisher": "Microsoft Corporation",
         "cpe": "cpe:2.3:a:microsoft:office:2016:*:*:*:*:*:*:*",
         "components": [
           {"type": "library", "bom-ref": "office/mso", "name": "mso.dll", "version": "16.0",
            "supplier": {"name": "Microsoft"}}
         ]},
        {"type": "library", "name": "openssl", "version": "3.0.13",
         "purl": "pkg:deb/debian/openssl@3.0.13-1~deb12u1"}
      ]
    }"#;
    let inventory = read("sbom.cdx.json", bom.as_bytes());
    assert_eq!(inventory.format, InventoryFormat::CycloneDxJson);
    assert_eq!(
        names(&inventory.entries),
        ["Microsoft Office 專業增強版 2016", "mso.dll", "openssl"]
    );
    assert_eq!(
        inventory.entries[1].source.position,
        Position::Element("$.components[0].components[0]".to_owned())
    );
    assert_eq!(inventory.entries[1].publisher.as_deref(), Some("Microsoft"));
    assert!(inventory.entries[0].given_cpe.is_some());
    assert!(
        inventory.entries[2]
            .package_url
            .as_deref()
            .unwrap()
            .starts_with("pkg:deb/")
    );
    // The same bom-ref in sibling subtrees is no cycle.
    let siblings = r#"{"bomFormat":"CycloneDX","specVersion":"1.4","components":[
        {"bom-ref":"a","name":"A","components":[{"bom-ref":"x","name":"X"}]},
        {"bom-ref":"b","name":"B","components":[{"bom-ref":"x","name":"X"}]}]}"#;
    assert_eq!(read("s.json", siblings.as_bytes()).entries.len(), 4);
}

#[test]
fn spdx_packages_with_external_references() {
    let document = r#"{
      "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
      "name": "server", "packages": [
        {"SPDXID": "SPDXRef-1", "name": "nginx", "versionInfo": "1.24.0",
         "supplier": "Organization: F5, Inc.",
         "externalRefs": [
           {"referenceCategory": "SECURITY", "referenceType": "cpe23Type",
            "referenceLocator": "cpe:2.3:a:f5:nginx:1.24.0:*:*:*:*:*:*:*"},
           {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
            "referenceLocator": "pkg:deb/debian/nginx@1.24.0"}]},
        {"SPDXID": "SPDXRef-2", "name": "zlib", "supplier": "NOASSERTION",
         "originator": "Person: Jean-loup Gailly (jloup@example.org)"}
      ]}"#;
    let inventory = read("spdx.json", document.as_bytes());
    assert_eq!(inventory.format, InventoryFormat::SpdxJson);
    let nginx = &inventory.entries[0];
    assert_eq!(nginx.publisher.as_deref(), Some("F5, Inc."));
    assert_eq!(nginx.version.as_deref(), Some("1.24.0"));
    assert!(nginx.given_cpe.as_deref().unwrap().contains(":f5:nginx:"));
    assert_eq!(
        nginx.package_url.as_deref(),
        Some("pkg:deb/debian/nginx@1.24.0")
    );
    assert_eq!(
        inventory.entries[1].publisher.as_deref(),
        Some("Jean-loup Gailly")
    );
}

#[test]
fn dpkg_query_both_layouts() {
    let default =
        "adduser\t3.134\nlibssl3:amd64\t3.0.13-1~deb12u1\nopenssh-server\t1:9.2p1-2+deb12u2\n";
    let inventory = read("dpkg.txt", default.as_bytes());
    assert_eq!(inventory.format, InventoryFormat::DpkgQuery);
    assert_eq!(
        inventory.entries[2].version.as_deref(),
        Some("1:9.2p1-2+deb12u2")
    );
    let with_architecture = "bash\t5.2.15-2+b2\tamd64\ntzdata\t2024a-0+deb12u1\tall\n";
    let inventory = read("dpkg-f.txt", with_architecture.as_bytes());
    assert_eq!(inventory.format, InventoryFormat::DpkgQuery);
    assert_eq!(inventory.entries[1].architecture.as_deref(), Some("all"));
}

#[test]
fn rpm_query_format_and_plain() {
    let formatted =
        "openssl-libs\t3.0.7-27.el9\tRed Hat, Inc.\ngpg-pubkey\tfd431d51-4ae0493b\t(none)\n";
    let inventory = read("rpm.txt", formatted.as_bytes());
    assert_eq!(inventory.format, InventoryFormat::RpmQuery);
    assert_eq!(
        inventory.entries[0].publisher.as_deref(),
        Some("Red Hat, Inc.")
    );
    assert_eq!(inventory.entries[1].publisher, None);
    let plain = "kernel-core-5.14.0-427.13.1.el9_4.x86_64\ntzdata-2024a-1.el9.noarch\ngpg-pubkey-fd431d51-4ae0493b\n";
    let inventory = read("rpm-qa.txt", plain.as_bytes());
    assert_eq!(inventory.format, InventoryFormat::RpmQuery);
    let kernel = &inventory.entries[0];
    assert_eq!(kernel.software_name, "kernel-core");
    assert_eq!(kernel.version.as_deref(), Some("5.14.0-427.13.1.el9_4"));
    assert_eq!(kernel.architecture.as_deref(), Some("x86_64"));
    assert_eq!(inventory.entries[2].software_name, "gpg-pubkey");
    assert_eq!(inventory.entries[2].architecture, None);
}

#[test]
fn osquery_tables() {
    let programs = r#"[{"name":"7-Zip 19.00 (x64)","version":"19.00","publisher":"Igor Pavlov",
        "install_date":"20200101","install_location":"C:\\Program Files\\7-Zip\\"}]"#;
    let inventory = read("programs.json", programs.as_bytes());
    assert_eq!(inventory.format, InventoryFormat::OsqueryJson);
    assert_eq!(
        inventory.entries[0].publisher.as_deref(),
        Some("Igor Pavlov")
    );
    assert_eq!(
        inventory.entries[0].install_date.as_deref(),
        Some("20200101")
    );
    let rpm = r#"[{"name":"openssl","version":"3.0.7","release":"27.el9","arch":"x86_64","vendor":"Red Hat, Inc."}]"#;
    let entry = &read("rpm.json", rpm.as_bytes()).entries[0];
    assert_eq!(entry.version.as_deref(), Some("3.0.7-27.el9"));
    assert_eq!(entry.publisher.as_deref(), Some("Red Hat, Inc."));
    let deb = r#"[{"name":"bash","version":"5.2.15-2+b2","arch":"amd64","revision":"2+b2"}]"#;
    assert_eq!(
        read("deb.json", deb.as_bytes()).entries[0]
            .architecture
            .as_deref(),
        Some("amd64")
    );
}

#[test]
fn format_override_reads_what_detection_would_not() {
    let text = "only-one-token\n";
    let inventory = read_inventory(
        "list.txt",
        text.as_bytes(),
        &ReadOptions {
            format: Some(InventoryFormat::DpkgQuery),
            ..ReadOptions::default()
        },
    );
    assert!(inventory.is_err(), "a dpkg line needs a version field");
    let forced = read_inventory(
        "x.csv",
        "Software\nnginx\n".as_bytes(),
        &ReadOptions {
            format: Some(InventoryFormat::Csv),
            ..ReadOptions::default()
        },
    )
    .unwrap();
    assert_eq!(forced.entries[0].software_name, "nginx");
}

#[test]
fn entries_serialise_with_their_location() {
    let inventory = read("a.csv", "Name,Version\nnginx,1.24.0\n".as_bytes());
    let json = serde_json::to_value(&inventory).unwrap();
    assert_eq!(json["format"], "csv");
    assert_eq!(json["entries"][0]["source"]["file"], "a.csv");
    assert_eq!(json["entries"][0]["source"]["position"], 2);
}

#[test]
fn xls_written_by_xlwt_with_chinese_sheet() {
    // tests/fixtures/make_xls.py wrote these with xlwt, as Excel 97–2003 saves a workbook.
    let inventory = read("清冊.xls", include_bytes!("fixtures/inventory.xls"));
    assert_eq!(inventory.format, InventoryFormat::Xls);
    assert_eq!(inventory.encoding, None);
    assert_eq!(
        names(&inventory.entries),
        [
            "Microsoft Office 專業增強版 2016",
            "趨勢科技 Apex One",
            "7-Zip 19.00 (x64)"
        ],
        "the second sheet is not read"
    );
    let office = &inventory.entries[0];
    assert_eq!(office.source.to_string(), "清冊.xls:2");
    assert_eq!(office.host_name.as_deref(), Some("PC-0012"));
    assert_eq!(office.ip_address.as_deref(), Some("10.1.2.3"));
    assert_eq!(office.publisher.as_deref(), Some("Microsoft Corporation"));
    assert_eq!(office.version.as_deref(), Some("16.0.4266.1001"));
    assert_eq!(office.install_date.as_deref(), Some("2021-03-15"));
    assert_eq!(office.core_system, Some(true));
    let apex = &inventory.entries[1];
    assert_eq!(apex.publisher.as_deref(), Some("趨勢科技"));
    assert_eq!(apex.version.as_deref(), Some("14"), "a number cell");
    assert_eq!(apex.core_system, Some(true));
    // Row 4 is blank; rows keep the numbers Excel shows.
    assert_eq!(inventory.entries[2].source.position, Position::Row(5));
    assert_eq!(inventory.entries[2].version.as_deref(), Some("19"));
    assert_eq!(inventory.entries[2].core_system, Some(false));
    assert_eq!(inventory.unknown_columns.len(), 1);
    assert_eq!(inventory.unknown_columns[0].header, "備註");
    assert_eq!(inventory.unknown_columns[0].column, 8);

    let english = read("english.xls", include_bytes!("fixtures/english.xls"));
    assert_eq!(english.entries[0].software_name, "Google Chrome");
    assert_eq!(
        english.entries[0].version.as_deref(),
        Some("120.0.6099.110")
    );
    assert_eq!(english.entries[0].host_name.as_deref(), Some("pc1"));
    let forced = read_inventory(
        "english.xls",
        include_bytes!("fixtures/english.xls"),
        &ReadOptions {
            format: Some(InventoryFormat::Xls),
            ..ReadOptions::default()
        },
    )
    .unwrap();
    assert_eq!(forced.entries, english.entries);
}

#[test]
fn xls_shared_strings_across_continue_records() {
    // A string longer than one record (8,224 bytes) goes on in a CONTINUE record, which begins
    // with its own flags byte; both halves must come back as one cell.
    let long = "資".repeat(5000);
    let strings = support::shared_strings(&["軟體名稱", &long, "nginx"]);
    let bytes = support::xls(
        &[strings],
        &[
            support::label_sst(0, 0, 0),
            support::label_sst(1, 0, 1),
            support::label_sst(2, 0, 2),
        ],
    );
    let options = ReadOptions {
        limits: govsec_inventory::Limits {
            max_cell_chars: 5000,
            ..govsec_inventory::Limits::default()
        },
        ..ReadOptions::default()
    };
    let inventory = read_inventory("long.xls", &bytes, &options).unwrap();
    assert_eq!(inventory.entries[0].software_name, long);
    assert_eq!(inventory.entries[1].software_name, "nginx");
    assert_eq!(inventory.entries[1].source.position, Position::Row(3));
}

const CYCLONEDX_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- 由資產盤點工具產生 -->
<bom xmlns="http://cyclonedx.org/schema/bom/1.6" xmlns:x="urn:example:extension"
     serialNumber="urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79" version="1">
  <metadata>
    <component type="application"><name>不是清冊的元件</name></component>
  </metadata>
  <components>
    <component type="application" bom-ref="office">
      <publisher>Microsoft Corporation</publisher>
      <group>Microsoft</group>
      <name>Microsoft Office 專業增強版 2016</name>
      <version>16.0.4266.1001</version>
      <cpe>cpe:2.3:a:microsoft:office:2016:*:*:*:*:*:*:*</cpe>
      <x:inventory><x:name>ignored</x:name></x:inventory>
      <components>
        <component type="library" bom-ref="office/mso">
          <supplier><name>Microsoft</name></supplier>
          <name>mso.dll</name>
          <version>16.0</version>
        </component>
        <component type="library">
          <manufacturer><name>趨勢科技</name></manufacturer>
          <name><![CDATA[Apex One <Agent>]]></name>
        </component>
      </components>
    </component>
    <component type="library">
      <name>openssl</name>
      <version>3.0.13</version>
      <purl>pkg:deb/debian/openssl@3.0.13-1~deb12u1?arch=amd64&amp;distro=debian-12</purl>
    </component>
    <component type="application"><name>&#x8DA8;&#21218;科技 Apex One</name></component>
  </components>
  <!-- A dependency cycle is a fact about the software, not about the file: read as in JSON. -->
  <dependencies>
    <dependency ref="office"><dependency ref="office/mso"/></dependency>
    <dependency ref="office/mso"><dependency ref="office"/></dependency>
  </dependencies>
</bom>
"#;

#[test]
fn cyclonedx_xml_components_nested_with_cpe_and_purl() {
    let inventory = read("sbom.cdx.xml", CYCLONEDX_XML.as_bytes());
    assert_eq!(inventory.format, InventoryFormat::CycloneDxXml);
    assert_eq!(inventory.encoding, Some("UTF-8"));
    assert_eq!(
        names(&inventory.entries),
        [
            "Microsoft Office 專業增強版 2016",
            "mso.dll",
            "Apex One <Agent>",
            "openssl",
            "趨勢科技 Apex One"
        ],
        "the metadata's component is the BOM's subject, not an entry, as in JSON"
    );
    let positions: Vec<String> = inventory
        .entries
        .iter()
        .map(|entry| entry.source.position.to_string())
        .collect();
    assert_eq!(
        positions,
        [
            "/bom/components/component[1]",
            "/bom/components/component[1]/components/component[1]",
            "/bom/components/component[1]/components/component[2]",
            "/bom/components/component[2]",
            "/bom/components/component[3]",
        ]
    );
    let office = &inventory.entries[0];
    assert_eq!(office.publisher.as_deref(), Some("Microsoft Corporation"));
    assert_eq!(office.version.as_deref(), Some("16.0.4266.1001"));
    assert!(
        office
            .given_cpe
            .as_deref()
            .unwrap()
            .contains(":microsoft:office:")
    );
    assert_eq!(inventory.entries[1].publisher.as_deref(), Some("Microsoft"));
    assert_eq!(inventory.entries[2].publisher.as_deref(), Some("趨勢科技"));
    assert_eq!(
        inventory.entries[3].package_url.as_deref(),
        Some("pkg:deb/debian/openssl@3.0.13-1~deb12u1?arch=amd64&distro=debian-12")
    );
    assert_eq!(
        inventory.entries[0].source.to_string(),
        "sbom.cdx.xml:/bom/components/component[1]"
    );
}

#[test]
fn cyclonedx_xml_reads_as_the_json_does() {
    let json = r#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[
        {"bom-ref":"office","name":"Microsoft Office 專業增強版 2016","version":"16.0.4266.1001",
         "publisher":"Microsoft Corporation","group":"Microsoft",
         "cpe":"cpe:2.3:a:microsoft:office:2016:*:*:*:*:*:*:*",
         "components":[
           {"bom-ref":"office/mso","supplier":{"name":"Microsoft"},"name":"mso.dll","version":"16.0"},
           {"manufacturer":{"name":"趨勢科技"},"name":"Apex One <Agent>"}]},
        {"name":"openssl","version":"3.0.13",
         "purl":"pkg:deb/debian/openssl@3.0.13-1~deb12u1?arch=amd64&distro=debian-12"},
        {"name":"趨勢科技 Apex One"}]}"#;
    let from_json = read("sbom.cdx.json", json.as_bytes());
    let from_xml = read("sbom.cdx.xml", CYCLONEDX_XML.as_bytes());
    assert_eq!(from_json.entries.len(), from_xml.entries.len());
    for (json, xml) in from_json.entries.iter().zip(&from_xml.entries) {
        let mut xml = xml.clone();
        xml.source = json.source.clone();
        assert_eq!(&xml, json);
    }
}

#[test]
fn cyclonedx_xml_versions_prefixes_and_encodings() {
    for version in ["1.4", "1.5", "1.6"] {
        let bom = format!(
            "<cdx:bom xmlns:cdx=\"http://cyclonedx.org/schema/bom/{version}\"><cdx:components>\
             <cdx:component type=\"library\"><cdx:name>zlib</cdx:name></cdx:component>\
             <cdx:component type=\"library\"><cdx:name>7-Zip</cdx:name>\
             <cdx:components/></cdx:component>\
             </cdx:components></cdx:bom>"
        );
        let inventory = read("p.xml", bom.as_bytes());
        assert_eq!(names(&inventory.entries), ["zlib", "7-Zip"], "{version}");
        assert_eq!(
            inventory.entries[1].source.position,
            Position::Element("/bom/components/component[2]".to_owned())
        );
    }
    // Windows tools write UTF-16 with a byte-order mark.
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in CYCLONEDX_XML
        .replace("encoding=\"UTF-8\"", "encoding=\"UTF-16\"")
        .encode_utf16()
    {
        utf16.extend(unit.to_le_bytes());
    }
    let inventory = read("utf16.cdx.xml", &utf16);
    assert_eq!(inventory.format, InventoryFormat::CycloneDxXml);
    assert_eq!(inventory.encoding, Some("UTF-16LE"));
    assert_eq!(inventory.entries[4].software_name, "趨勢科技 Apex One");
    let empty = read(
        "empty.xml",
        br#"<bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1"/>"#,
    );
    assert!(empty.entries.is_empty());
}

/// A Formula record (MS-XLS 2.4.127) with the cached `value` bytes and the given tokens.
fn formula(row: u16, column: u16, value: [u8; 8], tokens: &[u8]) -> Vec<u8> {
    let mut data = Vec::new();
    data.extend_from_slice(&row.to_le_bytes());
    data.extend_from_slice(&column.to_le_bytes());
    data.extend_from_slice(&0u16.to_le_bytes());
    data.extend_from_slice(&value);
    data.extend_from_slice(&[0; 6]);
    data.extend_from_slice(&u16::try_from(tokens.len()).unwrap().to_le_bytes());
    data.extend_from_slice(tokens);
    support::record(0x0006, &data)
}

#[test]
fn xls_formula_cells_give_their_cached_values() {
    let strings = support::shared_strings(&["軟體名稱", "版本", "nginx", "7-Zip"]);
    // A reference token cut short: the formula's text is never needed, only its value.
    let broken_tokens = [0x3A, 0x01, 0x00];
    // A string value is flagged in the Formula record and follows in a STRING record.
    let string_value = [0x00, 0, 0, 0, 0, 0, 0xFF, 0xFF];
    let mut string = 4u16.to_le_bytes().to_vec();
    string.push(0x00);
    string.extend_from_slice(b"1.26");
    let bytes = support::xls(
        &[strings],
        &[
            support::label_sst(0, 0, 0),
            support::label_sst(0, 1, 1),
            support::label_sst(1, 0, 2),
            formula(1, 1, 16.0f64.to_le_bytes(), &broken_tokens),
            support::label_sst(2, 0, 3),
            formula(2, 1, string_value, &[0x1E, 0x01, 0x00]),
            support::record(0x0207, &string),
        ],
    );
    let inventory = read("formulas.xls", &bytes);
    assert_eq!(inventory.entries[0].version.as_deref(), Some("16"));
    assert_eq!(inventory.entries[1].software_name, "7-Zip");
    assert_eq!(inventory.entries[1].version.as_deref(), Some("1.26"));
}
