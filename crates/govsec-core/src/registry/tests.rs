use super::*;

const HEADER_ZH: &str = "機關代碼,機關名稱,英文名稱,機關層級,上級機關代碼,資通安全責任等級,公文交換層級,交換中心類型,聯絡人,網站,資訊系統\n";

fn code(text: &str) -> AgencyCode {
    AgencyCode::parse(text).unwrap()
}

fn import(
    text: &str,
    existing: &HashMap<AgencyCode, Option<AgencyCode>>,
) -> Result<ImportPlan, Error> {
    check_import(
        read_registry("agencies.csv", text.as_bytes(), TextEncoding::Detect),
        existing,
    )
}

fn rendered_problems(result: Result<ImportPlan, Error>) -> Vec<String> {
    match result {
        Err(Error::ImportRejected { problems, .. }) => {
            problems.iter().map(|p| p.render(Lang::En)).collect()
        }
        other => panic!("expected a rejected import, got {other:?}"),
    }
}

#[test]
fn a_well_formed_file_with_chinese_headers_becomes_a_parent_first_plan() {
    let text = format!(
        "{HEADER_ZH}\
301010000C,內政部警政署,National Police Agency,三級機關,301000000A,A,終端層,,,https://www.npa.gov.tw/,警政資訊系統|是|是|否\n\
301000000A,內政部,Ministry of the Interior,二級機關,,A,交換層,自管,\"資安長|資安長|ciso@moi.gov.tw|02-2356-5000\",\"https://www.moi.gov.tw/;http://moi.gov.tw\",\"公文管理系統|是|是|是\n全球資訊網|否|是|否\"\n"
    );
    let plan = import(&text, &HashMap::new()).unwrap();
    assert_eq!((plan.created, plan.updated), (2, 0));
    let codes: Vec<&str> = plan.agencies.iter().map(|a| a.code.as_str()).collect();
    assert_eq!(codes, ["301000000A", "301010000C"]);
    let moi = &plan.agencies[0];
    assert_eq!(
        moi.exchange_layer,
        ExchangeLayer::Exchange(CentreType::SelfManaged)
    );
    assert_eq!(moi.websites.len(), 2);
    assert_eq!(moi.websites[1].as_str(), "http://moi.gov.tw/");
    assert_eq!(moi.systems.len(), 2);
    assert!(moi.systems[0].core && moi.systems[0].covered_by_edr);
    assert_eq!(
        moi.contacts[0].email.as_ref().unwrap().as_str(),
        "ciso@moi.gov.tw"
    );
    let npa = &plan.agencies[1];
    assert_eq!(npa.parent, Some(code("301000000A")));
    assert!(!npa.systems[0].covered_by_edr);
    let paths: HashMap<_, _> = plan.paths.into_iter().collect();
    assert_eq!(paths[&code("301010000C")], "/301000000A/301010000C/");
}

#[test]
fn english_headers_and_values_are_read_too() {
    let text = "code,name_zh,name_en,tier,parent,level,exchange_layer,exchange_centre\n\
                A00000000A,行政院,Executive Yuan,other,,a,Management layer,\n";
    let plan = import(text, &HashMap::new()).unwrap();
    assert_eq!(plan.agencies[0].tier, Tier::Other);
    assert_eq!(plan.agencies[0].exchange_layer, ExchangeLayer::Management);
}

#[test]
fn every_bad_row_is_listed_with_row_and_column() {
    let text = format!(
        "{HEADER_ZH}\
301000000A,內政部,,二級機關,,A,,,,,\n\
301000000A,內政部,,二級機關,,A,,,,,\n\
30100000,短代碼,,二級機關,,B,,,,,\n\
303000000B,外交部,,五級機關,,F,,,,,\n\
305000000C,國防部,,二級機關,999999999Z,B,,,,www.mnd.gov.tw,\n\
307000000D,財政部,,二級機關,,B,交換層,,,ftp://x.gov.tw/,系統|也許|是|是\n\
309000000E,教育部,,二級機關,,B,終端層,自建,壞聯絡人,,\n"
    );
    let problems = rendered_problems(import(&text, &HashMap::new()));
    let expected = [
        "agencies.csv:3:1: agency code 301000000A already appears on row 2",
        "agencies.csv:4:1: agency code “30100000” is malformed",
        "agencies.csv:5:4: unknown tier “五級機關”",
        "agencies.csv:5:6: responsibility level “F” is invalid",
        "agencies.csv:6:10: malformed URL “www.mnd.gov.tw”",
        "agencies.csv:6:5: supervising agency 999999999Z is neither in the file nor in the registry",
        "agencies.csv:7:8: an exchange-layer agency needs an exchange centre type",
        "agencies.csv:7:10: URL “ftp://x.gov.tw/” must start with http:// or https://",
        "agencies.csv:7:11: “也許” is not yes/no",
        "agencies.csv:8:8: only an exchange-layer agency has an exchange centre type",
        "agencies.csv:8:9: contact “壞聯絡人” is malformed",
    ];
    for wanted in expected {
        assert!(
            problems.iter().any(|p| p.starts_with(wanted)),
            "missing {wanted:?} in {problems:#?}"
        );
    }
    assert_eq!(problems.len(), expected.len(), "{problems:#?}");
}

#[test]
fn a_child_of_a_bad_row_is_not_also_blamed_for_its_parent() {
    let text = format!(
        "{HEADER_ZH}301000000A,內政部,,二級機關,,Z,,,,,\n301010000C,警政署,,三級機關,301000000A,B,,,,,\n"
    );
    let problems = rendered_problems(import(&text, &HashMap::new()));
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(problems[0].starts_with("agencies.csv:2:6:"));
}

#[test]
fn cycles_through_the_registry_are_rejected() {
    // The registry has 301000000A under A00000000A; the file puts A00000000A under
    // 301010000C, itself under 301000000A: a loop of three.
    let existing = HashMap::from([
        (code("A00000000A"), None),
        (code("301000000A"), Some(code("A00000000A"))),
    ]);
    let text = format!(
        "{HEADER_ZH}A00000000A,行政院,,其他,301010000C,A,,,,,\n301010000C,警政署,,三級機關,301000000A,B,,,,,\n"
    );
    let problems = rendered_problems(import(&text, &existing));
    assert_eq!(
        problems,
        [
            "agencies.csv:2:5: the supervising agencies form a cycle: 301000000A → A00000000A → 301010000C → 301000000A"
        ]
    );
    let own = format!("{HEADER_ZH}301000000A,內政部,,二級機關,301000000A,A,,,,,\n");
    assert_eq!(
        rendered_problems(import(&own, &HashMap::new())),
        ["agencies.csv:2:5: an agency cannot supervise itself"]
    );
}

#[test]
fn moving_an_agency_updates_the_paths_of_its_whole_subtree() {
    let existing = HashMap::from([
        (code("A00000000A"), None),
        (code("301000000A"), None),
        (code("301010000C"), Some(code("301000000A"))),
    ]);
    let text = format!("{HEADER_ZH}301000000A,內政部,,二級機關,A00000000A,A,,,,,\n");
    let plan = import(&text, &existing).unwrap();
    assert_eq!((plan.created, plan.updated), (0, 1));
    let paths: HashMap<_, _> = plan.paths.into_iter().collect();
    assert_eq!(paths.len(), 2);
    assert_eq!(
        paths[&code("301010000C")],
        "/A00000000A/301000000A/301010000C/"
    );
}

#[test]
fn header_problems_stop_before_rows_are_read() {
    let problems = rendered_problems(import("代碼,名稱,顏色\nX,Y,Z\n", &HashMap::new()));
    assert_eq!(
        problems,
        [
            "agencies.csv:1:2: unknown column “名稱”",
            "agencies.csv:1:3: unknown column “顏色”",
            "agencies.csv:1: required column “name_zh” is missing",
            "agencies.csv:1: required column “tier” is missing",
            "agencies.csv:1: required column “level” is missing",
        ]
    );
    assert_eq!(
        rendered_problems(import("", &HashMap::new())),
        ["agencies.csv: the file has no header row"]
    );
}

#[test]
fn big5_bytes_are_rejected_unless_asked_for_and_utf16_is_detected() {
    let text = format!("{HEADER_ZH}301000000A,內政部,,二級機關,,A,,,,,\n");
    let (big5, _, unmappable) = encoding_rs::BIG5.encode(&text);
    assert!(!unmappable);
    let problems = rendered_problems(check_import(
        read_registry("big5.csv", &big5, TextEncoding::Detect),
        &HashMap::new(),
    ));
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].starts_with("big5.csv:1:1: not UTF-8 text"),
        "{problems:?}"
    );
    let plan = check_import(
        read_registry("big5.csv", &big5, TextEncoding::Big5),
        &HashMap::new(),
    )
    .unwrap();
    assert_eq!(plan.agencies[0].name_zh, "內政部");

    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let plan = check_import(
        read_registry("utf16.csv", &utf16, TextEncoding::Detect),
        &HashMap::new(),
    )
    .unwrap();
    assert_eq!(plan.agencies[0].name_zh, "內政部");
}

#[test]
fn an_invalid_byte_late_in_the_file_is_located() {
    let mut bytes =
        format!("{HEADER_ZH}301000000A,內政部,,二級機關,,A,,,,,\n303000000B,").into_bytes();
    bytes.extend([0xA5, 0x7E]);
    bytes.extend(b",,,,B,,,,,\n");
    let problems = rendered_problems(check_import(
        read_registry("x.csv", &bytes, TextEncoding::Detect),
        &HashMap::new(),
    ));
    assert!(
        problems[0].starts_with("x.csv:3:2: not UTF-8"),
        "{problems:?}"
    );
}

fn sample_agency(code_text: &str, name: &str) -> Agency {
    Agency {
        code: code(code_text),
        name_zh: name.to_owned(),
        name_en: "=HYPERLINK(\"http://evil.example\")".to_owned(),
        tier: Tier::SecondLevel,
        parent: None,
        level: ResponsibilityLevel::B,
        exchange_layer: ExchangeLayer::Exchange(CentreType::Shared),
        contacts: vec![Contact {
            name: "@資安長".to_owned(),
            title: "資安長".to_owned(),
            email: EmailAddress::parse("ciso@example.gov.tw"),
            phone: "+886-2-1234-5678".to_owned(),
        }],
        websites: vec![WebsiteUrl::parse("https://www.example.gov.tw/").unwrap()],
        systems: vec![InformationSystem {
            name: "-公文系統".to_owned(),
            core: true,
            covered_by_vans: false,
            covered_by_edr: true,
        }],
    }
}

#[test]
fn csv_export_neutralises_formulas_and_reimports_unchanged() {
    let agencies = vec![sample_agency("301000000A", "+內政部")];
    for language in [HeaderLanguage::Chinese, HeaderLanguage::English] {
        let bytes = write_csv(&agencies, language);
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains("'+內政部"), "{text}");
        assert!(text.contains("\"'=HYPERLINK"), "{text}");
        assert!(text.contains("'@資安長"), "{text}");
        assert!(!text.lines().skip(1).any(|line| {
            line.split(',')
                .any(|cell| cell.starts_with(['=', '+', '-', '@']))
        }));
        let plan = check_import(
            read_registry("export.csv", &bytes, TextEncoding::Detect),
            &HashMap::new(),
        )
        .unwrap();
        assert_eq!(plan.agencies, agencies);
    }
}

#[test]
fn xlsx_export_reimports_unchanged() {
    let agencies = vec![sample_agency("301000000A", "內政部"), {
        let mut child = sample_agency("301010000C", "警政署");
        child.parent = Some(code("301000000A"));
        child.exchange_layer = ExchangeLayer::Terminal;
        child
    }];
    let bytes = write_xlsx(&agencies, HeaderLanguage::Chinese).unwrap();
    let plan = check_import(
        read_registry("export.xlsx", &bytes, TextEncoding::Detect),
        &HashMap::new(),
    )
    .unwrap();
    assert_eq!(plan.agencies, agencies);
}

#[test]
fn a_corrupt_spreadsheet_is_reported_not_panicked_on() {
    let problems = rendered_problems(check_import(
        read_registry(
            "broken.xlsx",
            b"PK\x03\x04not really a zip",
            TextEncoding::Detect,
        ),
        &HashMap::new(),
    ));
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].starts_with("broken.xlsx: cannot read the file"),
        "{problems:?}"
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        // Names as agencies write them, including characters that matter to CSV and formulas.
        "[=+@\\-]?[\\p{Han}A-Za-z0-9 ,\"()（）]{1,30}"
            .prop_map(|s| s.trim().to_owned())
            .prop_filter("non-empty", |s| !s.is_empty())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn csv_round_trips_any_names(names in proptest::collection::vec(text(), 1..8)) {
            let agencies: Vec<Agency> = names
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let mut agency = sample_agency(&format!("{:09}A", i + 1), name);
                    agency.name_en = name.clone();
                    agency
                })
                .collect();
            let bytes = write_csv(&agencies, HeaderLanguage::English);
            let plan = check_import(read_registry("p.csv", &bytes, TextEncoding::Detect), &HashMap::new()).unwrap();
            prop_assert_eq!(plan.agencies, agencies);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = check_import(read_registry("fuzz.csv", &bytes, TextEncoding::Detect), &HashMap::new());
        }
    }
}
