//! The examples of NISTIR 7695 (naming) and NISTIR 7696 (matching), and the
//! cases the issue names.

use govsec_cpe::{
    Attribute, AttributeValue, Binding, Error, Reason, Relation, Version, WellFormedName,
    compare_attribute, covers,
};

fn name(text: &str) -> WellFormedName {
    WellFormedName::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"))
}

fn value(wfn: &str) -> AttributeValue {
    AttributeValue::from_wfn(wfn).unwrap_or_else(|error| panic!("{wfn}: {error}"))
}

/// Builds a WFN from `(attribute, WFN value)` pairs; the rest are ANY.
fn wfn(pairs: &[(Attribute, &str)]) -> WellFormedName {
    pairs
        .iter()
        .fold(WellFormedName::new(), |name, &(attribute, wfn)| {
            name.with(attribute, value(wfn)).unwrap()
        })
}

use Attribute::{
    Edition, Language, Other, Part, Product, SoftwareEdition, TargetHardware, TargetSoftware,
    Update, Vendor, Version as Ver,
};

/// The WFNs of the NISTIR 7695 §6.1.2 / §6.2.2 binding examples with their
/// URI and formatted string bindings.
fn binding_examples() -> Vec<(WellFormedName, &'static str, &'static str)> {
    vec![
        (
            wfn(&[
                (Part, "a"),
                (Vendor, "microsoft"),
                (Product, "internet_explorer"),
                (Ver, r"8\.0\.6001"),
                (Update, "beta"),
                (Edition, "ANY"),
            ]),
            "cpe:/a:microsoft:internet_explorer:8.0.6001:beta",
            "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*",
        ),
        (
            wfn(&[
                (Part, "a"),
                (Vendor, "microsoft"),
                (Product, "internet_explorer"),
                (Ver, r"8\.*"),
                (Update, "sp?"),
            ]),
            "cpe:/a:microsoft:internet_explorer:8.%02:sp%01",
            "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*",
        ),
        (
            wfn(&[
                (Part, "a"),
                (Vendor, "microsoft"),
                (Product, "internet_explorer"),
                (Ver, r"8\.\*"),
                (Update, "sp?"),
            ]),
            "cpe:/a:microsoft:internet_explorer:8.%2a:sp%01",
            r"cpe:2.3:a:microsoft:internet_explorer:8.\*:sp?:*:*:*:*:*:*",
        ),
        (
            wfn(&[
                (Part, "a"),
                (Vendor, "hp"),
                (Product, "insight_diagnostics"),
                (Ver, r"7\.4\.0\.1570"),
                (Update, "NA"),
                (SoftwareEdition, "online"),
                (TargetSoftware, "win2003"),
                (TargetHardware, "x64"),
            ]),
            "cpe:/a:hp:insight_diagnostics:7.4.0.1570:-:~~online~win2003~x64~",
            "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*",
        ),
        (
            wfn(&[
                (Part, "a"),
                (Vendor, "hp"),
                (Product, "openview_network_manager"),
                (Ver, r"7\.51"),
                (TargetSoftware, "linux"),
            ]),
            "cpe:/a:hp:openview_network_manager:7.51::~~~linux~~",
            "cpe:2.3:a:hp:openview_network_manager:7.51:*:*:*:*:linux:*:*",
        ),
        (
            wfn(&[
                (Part, "a"),
                (Vendor, r"foo\\bar"),
                (Product, r"big\$money_2010"),
                (SoftwareEdition, "special"),
                (TargetSoftware, "ipod_touch"),
                (TargetHardware, "80gb"),
            ]),
            "cpe:/a:foo%5cbar:big%24money_2010:::~~special~ipod_touch~80gb~",
            r"cpe:2.3:a:foo\\bar:big\$money_2010:*:*:*:*:special:ipod_touch:80gb:*",
        ),
    ]
}

#[test]
fn nistir_7695_binding_examples_bind_and_unbind() {
    for (wfn, uri, formatted) in binding_examples() {
        assert_eq!(wfn.to_uri(), uri, "bind_to_uri of {wfn}");
        assert_eq!(wfn.to_formatted_string(), formatted, "bind_to_fs of {wfn}");
        assert_eq!(name(uri), wfn, "unbind_uri of {uri}");
        assert_eq!(name(formatted), wfn, "unbind_fs of {formatted}");
    }
}

#[test]
fn nistir_7695_unbind_uri_examples() {
    // §6.1.3.4: %2a and %3f are the quoted characters, %02 and %01 wildcards.
    let quoted = name("cpe:/a:microsoft:internet_explorer:8.%2a:sp%3f");
    assert_eq!(quoted.get(Ver), &value(r"8\.\*"));
    assert_eq!(quoted.get(Update), &value(r"sp\?"));
    assert!(!quoted.has_wildcards());
    let wild = name("cpe:/a:microsoft:internet_explorer:8.%02:sp%01");
    assert_eq!(wild.get(Ver), &value(r"8\.*"));
    assert_eq!(wild.get(Update), &value("sp?"));
    assert!(wild.has_wildcards());

    let packed = name("cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~");
    assert_eq!(packed.get(Edition), &AttributeValue::Any);
    assert_eq!(packed.get(SoftwareEdition), &value("online"));
    assert_eq!(packed.get(Other), &AttributeValue::Any);

    let tilde = name("cpe:/a:foo~bar:big%7emoney_2010");
    assert_eq!(tilde.get(Vendor), &value(r"foo\~bar"));
    assert_eq!(tilde.get(Product), &value(r"big\~money_2010"));

    // §6.1.3.4: an illegal percent-encoding and an embedded %02 are errors.
    assert!(matches!(
        WellFormedName::parse("cpe:/a:foo%5cbar:big%24money_2010%07:::~~special~ipod_touch~80gb~"),
        Err(Error::InvalidValue {
            attribute: Product,
            offset: 33,
            reason: Reason::InvalidPercentEncoding
        })
    ));
    assert!(matches!(
        WellFormedName::parse("cpe:/a:foo:bar:12.%02.1234"),
        Err(Error::InvalidValue {
            attribute: Ver,
            reason: Reason::EmbeddedWildcard('*'),
            ..
        })
    ));
}

#[test]
fn nistir_7695_unbind_fs_examples() {
    let wild = name("cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*");
    assert_eq!(wild.get(Ver), &value(r"8\.*"));
    assert_eq!(wild.get(Update), &value("sp?"));
    let quoted = name(r"cpe:2.3:a:microsoft:internet_explorer:8.\*:sp?:*:*:*:*:*:*");
    assert_eq!(quoted.get(Ver), &value(r"8\.\*"));
    let version = quoted.get(Ver).as_value().unwrap();
    assert_eq!(version.unquoted(), "8.*");
    assert!(!version.has_wildcards());
    // An unquoted asterisk inside a value is an error.
    assert!(matches!(
        WellFormedName::parse("cpe:2.3:a:hp:insight_diagnostics:7.4.*.1570:*:*:*:*:*:*:*"),
        Err(Error::InvalidValue {
            attribute: Ver,
            offset: 37,
            reason: Reason::EmbeddedWildcard('*')
        })
    ));
    // Quoted colons do not split components.
    let colon = name(r"cpe:2.3:a:foo\:bar:baz:*:*:*:*:*:*:*:*");
    assert_eq!(colon.get(Vendor), &value(r"foo\:bar"));
    assert_eq!(colon.get(Product), &value("baz"));
    // Escaped punctuation: `\!` is a literal, binding keeps it quoted.
    let bang = name(r"cpe:2.3:a:acme:shout\!:1.0:*:*:*:*:*:*:*");
    assert_eq!(bang.get(Product), &value(r"shout\!"));
    assert_eq!(bang.to_uri(), "cpe:/a:acme:shout%21:1.0");
}

#[test]
fn formatted_string_keeps_case_and_uri_lowercases() {
    let formatted = name("cpe:2.3:a:Microsoft:IE:8:*:*:*:*:*:*:*");
    assert_eq!(formatted.get(Vendor), &value("Microsoft"));
    let uri = name("cpe:/a:Microsoft:IE:8");
    assert_eq!(uri.get(Vendor), &value("microsoft"));
    assert_eq!(formatted.compare(&uri), Ok(Relation::Equal));
    assert_eq!(name("CPE:2.3:A:x:y:*:*:*:*:*:*:*:*").get(Part), &value("A"));
}

#[test]
fn languages_and_parts_are_checked() {
    assert_eq!(
        name("cpe:2.3:a:x:y:*:*:*:en-us:*:*:*:*").get(Language),
        &value(r"en\-us")
    );
    assert_eq!(
        name("cpe:/a:x:y::::es-419").get(Language),
        &value(r"es\-419")
    );
    for bad in [
        "cpe:2.3:a:x:y:*:*:*:english:*:*:*:*",
        "cpe:2.3:a:x:y:*:*:*:en-*:*:*:*:*",
        "cpe:2.3:a:x:y:*:*:*:e1:*:*:*:*",
    ] {
        assert!(matches!(
            WellFormedName::parse(bad),
            Err(Error::InvalidValue {
                attribute: Language,
                reason: Reason::InvalidLanguage,
                ..
            })
        ));
    }
    assert!(matches!(
        WellFormedName::parse("cpe:2.3:x:y:z:*:*:*:*:*:*:*:*"),
        Err(Error::InvalidValue {
            attribute: Part,
            offset: 8,
            reason: Reason::InvalidPart
        })
    ));
    assert!(matches!(
        WellFormedName::new().with(Part, value("q")),
        Err(Error::AttributeConstraint {
            attribute: Part,
            ..
        })
    ));
}

#[test]
fn errors_say_where_and_why() {
    let cases: &[(&str, Error)] = &[
        ("foo", Error::UnknownBinding),
        (
            "cpe:2.3:a:b:c",
            Error::ComponentCount {
                binding: Binding::FormattedString,
                found: 3,
            },
        ),
        (
            "cpe:/a:b:c:d:e:f:g:h",
            Error::ComponentCount {
                binding: Binding::Uri,
                found: 8,
            },
        ),
        (
            "cpe:2.3:a:acme:a+b:*:*:*:*:*:*:*:*",
            Error::InvalidValue {
                attribute: Product,
                offset: 16,
                reason: Reason::MustBeQuoted('+'),
            },
        ),
        (
            "cpe:2.3:a:acme::*:*:*:*:*:*:*:*",
            Error::InvalidValue {
                attribute: Product,
                offset: 15,
                reason: Reason::EmptyValue,
            },
        ),
        (
            r"cpe:2.3:a:acme:x:\-:*:*:*:*:*:*:*",
            Error::InvalidValue {
                attribute: Ver,
                offset: 17,
                reason: Reason::LoneQuotedHyphen,
            },
        ),
        (
            r"cpe:2.3:a:acm\e:x:*:*:*:*:*:*:*:*",
            Error::InvalidValue {
                attribute: Vendor,
                offset: 13,
                reason: Reason::NeedlessQuote('e'),
            },
        ),
        (
            "cpe:2.3:a:acmé:x:*:*:*:*:*:*:*:*",
            Error::InvalidValue {
                attribute: Vendor,
                offset: 13,
                reason: Reason::CharacterNotAllowed('é'),
            },
        ),
        (
            "cpe:2.3:a:acme:x:1.0:*:*:*:*:*:*:ab\\",
            Error::InvalidValue {
                attribute: Other,
                offset: 35,
                reason: Reason::DanglingEscape,
            },
        ),
        (
            "cpe:2.3:a:acme:x:1**:*:*:*:*:*:*:*",
            Error::InvalidValue {
                attribute: Ver,
                offset: 19,
                reason: Reason::MixedWildcards,
            },
        ),
        (
            "cpe:/a:acme:x!",
            Error::InvalidValue {
                attribute: Product,
                offset: 13,
                reason: Reason::MustBePercentEncoded('!'),
            },
        ),
        (
            "cpe:/a:acme:x:1:2:~a~b",
            Error::InvalidValue {
                attribute: Edition,
                offset: 18,
                reason: Reason::PackedEdition,
            },
        ),
        (
            "cpe:/a:acme:%02",
            Error::InvalidValue {
                attribute: Product,
                offset: 12,
                reason: Reason::LoneAsterisk,
            },
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(
            &WellFormedName::parse(input).unwrap_err(),
            expected,
            "{input}"
        );
    }
    let message = WellFormedName::parse("cpe:2.3:a:acme:a+b:*:*:*:*:*:*:*:*")
        .unwrap_err()
        .to_string();
    assert_eq!(
        message,
        "invalid product (component 3) at character offset 16: '+' must be quoted as '\\+' \
         (NISTIR 7695 §5.3.2, §6.2.2)"
    );
}

#[test]
fn json_of_the_wfn() {
    let json = name("cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:-:*:*:*:*").to_json();
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed["part"], "a");
    assert_eq!(parsed["version"], r"8\.0\.6001");
    assert_eq!(parsed["edition"], "ANY");
    assert_eq!(parsed["language"], "NA");
    assert_eq!(parsed.as_object().unwrap().len(), 11);
    // Keys come in binding order.
    let position = |key: &str| json.find(&format!("\"{key}\"")).unwrap();
    for pair in Attribute::ALL.windows(2) {
        assert!(position(pair[0].name()) < position(pair[1].name()));
    }
}

#[test]
fn wfn_notation() {
    assert_eq!(
        name("cpe:/a:microsoft:internet_explorer:8.%02:sp%01").to_string(),
        "wfn:[part=\"a\",vendor=\"microsoft\",product=\"internet_explorer\",version=\"8\\.*\",\
         update=\"sp?\",edition=ANY,language=ANY,sw_edition=ANY,target_sw=ANY,target_hw=ANY,\
         other=ANY]"
    );
}

/// NISTIR 7696 §6.1: every row of the attribute comparison table.
#[test]
fn nistir_7696_attribute_comparison_table() {
    use AttributeValue::{Any, NotApplicable as Na};
    let i = value("microsoft");
    let k = value("adobe");
    let m_wild = value("micro*");
    let m2 = value("microsoft");
    let m_miss = value("macro*");
    let rows: [(&AttributeValue, &AttributeValue, Option<Relation>); 18] = [
        (&Any, &Any, Some(Relation::Equal)),
        (&Any, &Na, Some(Relation::Superset)),
        (&Any, &i, Some(Relation::Superset)),
        (&Any, &m_wild, None),
        (&Na, &Any, Some(Relation::Subset)),
        (&Na, &Na, Some(Relation::Equal)),
        (&Na, &i, Some(Relation::Disjoint)),
        (&Na, &m_wild, None),
        (&i, &i, Some(Relation::Equal)),
        (&i, &k, Some(Relation::Disjoint)),
        (&i, &m_wild, None),
        (&i, &Na, Some(Relation::Disjoint)),
        (&i, &Any, Some(Relation::Subset)),
        (&m_wild, &m2, Some(Relation::Superset)),
        (&m_miss, &m2, Some(Relation::Disjoint)),
        (&m_wild, &Any, Some(Relation::Subset)),
        (&m_wild, &Na, Some(Relation::Disjoint)),
        (&m_wild, &m_miss, None),
    ];
    for (source, target, expected) in rows {
        assert_eq!(
            compare_attribute(source, target),
            expected,
            "{source} vs {target}"
        );
    }
}

#[test]
fn wildcards_match_logical_characters() {
    let matches = |pattern: &str, target: &str| {
        compare_attribute(&value(pattern), &value(target)) == Some(Relation::Superset)
    };
    assert!(matches(r"8\.*", r"8\.0\.6001"));
    assert!(matches(r"*\.6001", r"8\.0\.6001"));
    assert!(matches(r"*0\.*", r"8\.0\.6001"));
    assert!(matches("sp?", "sp2"));
    assert!(!matches("sp?", "sp"));
    assert!(!matches("sp?", "sp10"));
    assert!(matches("sp??", "sp10"));
    // A quoted character is one character for `?`.
    assert!(matches(r"1?", r"1\."));
    assert!(matches(r"???\.0", r"1\.1\.0"));
    assert!(matches(r"??\.0", r"11\.0"));
    assert!(!matches(r"??\.0", r"1\.1\.0"));
    assert!(matches(r"?*", "a"));
    assert!(matches(r"?*", r"\!"));
    // A quoted `*` or `?` is a literal, not a wildcard.
    assert!(!value(r"8\.\*").has_wildcards());
    assert_eq!(
        compare_attribute(&value(r"8\.\*"), &value(r"8\.0")),
        Some(Relation::Disjoint)
    );
    assert_eq!(
        compare_attribute(&value(r"8\.\*"), &value(r"8\.\*")),
        Some(Relation::Equal)
    );
    // `?` skips one logical character: a quoted backslash is one character,
    // so the pattern's `\\` cannot start on the second byte of the target's.
    assert!(!matches(r"?\\*", r"\\\!"));
    assert!(matches(r"?\\*", r"\!\\"));
    // Case does not matter (NISTIR 7696 lowercases both sides).
    assert!(matches("Micro*", "MICROSOFT"));
}

#[test]
fn nistir_7696_name_comparison() {
    let source = name("cpe:2.3:a:microsoft:internet_explorer:8.*:*:*:*:*:*:*:*");
    let target = name("cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*");
    assert_eq!(source.compare(&target), Ok(Relation::Superset));
    assert!(source.is_superset(&target));
    assert!(!source.is_subset(&target));
    assert!(!source.is_equal(&target));
    assert!(!source.is_disjoint(&target));
    assert_eq!(
        target.compare(&source),
        Err(Error::UndefinedRelation { attribute: Ver })
    );

    let any_update = name("cpe:2.3:a:microsoft:internet_explorer:8.0.6001:*:*:*:*:*:*:*");
    assert_eq!(any_update.compare(&target), Ok(Relation::Superset));
    assert_eq!(target.compare(&any_update), Ok(Relation::Subset));
    assert_eq!(target.compare(&target), Ok(Relation::Equal));
    let other = name("cpe:2.3:a:microsoft:excel:8.0.6001:beta:*:*:*:*:*:*");
    assert_eq!(target.compare(&other), Ok(Relation::Disjoint));
    // DISJOINT wins over an undefined attribute.
    let wild_other = name("cpe:2.3:a:microsoft:excel:8.*:beta:*:*:*:*:*:*");
    assert_eq!(target.compare(&wild_other), Ok(Relation::Disjoint));
    // Superset in one attribute and subset in another: no relation.
    let a = name("cpe:2.3:a:microsoft:*:8.0:*:*:*:*:*:*:*");
    let b = name("cpe:2.3:a:*:excel:8.0:*:*:*:*:*:*:*");
    assert_eq!(
        a.compare(&b),
        Err(Error::NoNameRelation {
            superset: Product,
            subset: Vendor
        })
    );
    // Both bindings compare alike.
    assert_eq!(
        name("cpe:/a:microsoft:internet_explorer:8.%02").compare(&target),
        Ok(Relation::Superset)
    );
}

#[test]
fn covers_respects_na_and_updates() {
    let inventory = name("cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*");
    assert!(covers(
        &name("cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:*"),
        &inventory
    ));
    assert!(!covers(
        &name("cpe:2.3:a:apache:http_server:-:*:*:*:*:*:*:*"),
        &inventory
    ));
    assert!(!covers(
        &name("cpe:2.3:a:apache:http_server:2.4.4?:*:*:*:*:*:*:*"),
        &name("cpe:2.3:a:apache:http_server:2.4.5:*:*:*:*:*:*:*")
    ));
    assert!(covers(
        &name("cpe:2.3:a:apache:http_server:2.4.4?:*:*:*:*:*:*:*"),
        &inventory
    ));
    let jre = name("cpe:2.3:a:oracle:jre:1.8.0:update_202:*:*:*:*:*:*");
    assert!(covers(&jre, &jre));
    assert!(!covers(
        &jre,
        &name("cpe:2.3:a:oracle:jre:1.8.0:update_281:*:*:*:*:*:*")
    ));
    assert!(!covers(
        &jre,
        &name("cpe:2.3:a:oracle:jre:1.8.0:*:*:*:*:*:*:*")
    ));
    assert!(covers(
        &name("cpe:2.3:a:oracle:jre:1.8.0:*:*:*:*:*:*:*"),
        &jre
    ));
    // NA in the inventory is covered by ANY but not by a value.
    let no_update = name("cpe:2.3:a:oracle:jre:1.8.0:-:*:*:*:*:*:*");
    assert!(covers(
        &name("cpe:2.3:a:oracle:jre:1.8.0:*:*:*:*:*:*:*"),
        &no_update
    ));
    assert!(!covers(&jre, &no_update));
}

#[test]
fn versions_as_the_issue_lists() {
    let v = Version::parse;
    let ascending = [
        "beta",
        "",
        "0.9",
        "1.0-dev",
        "1.0-alpha",
        "1.0a1",
        "1.0-beta.2",
        "1.0-beta.11",
        "1.0-rc1",
        "1.0",
        "1.0a",
        "1.0.1",
        "1.0.1f",
        "1.0.1g",
        "1.0.2",
        "1.0.2z",
        "1.0.2za",
        "1.8.0",
        "1.8.0_202",
        "1.8.0_281",
        "1.9",
        "1.10",
        "2.4.5",
        "2.4.49",
        "10.0.19041.1234",
        "10.0.19041.1237",
        "10.0.19042",
    ];
    for pair in ascending.windows(2) {
        assert!(v(pair[0]) < v(pair[1]), "{:?} < {:?}", pair[0], pair[1]);
    }
    for (a, b) in [
        ("1.0", "1.0.0"),
        ("19.00", "19.0"),
        ("v1.2", "1.2"),
        (" V1.2 ", "1.2"),
        ("1.0-final", "1.0"),
        ("1.0-RC1", "1.0rc1"),
        ("1.0a1", "1.0-alpha-1"),
        (r"2\.4\.49", "2.4.49"),
        ("-", ""),
        ("1.0-rc1", "1.0.0-rc.1"),
        (
            "123456789012345678901234567890",
            "0123456789012345678901234567890",
        ),
    ] {
        assert_eq!(v(a), v(b), "{a:?} = {b:?}");
    }
    assert!(v("update_202") < v("update_281"));
    assert!(v("latest") < v("0.1"));
    assert!(v("1.0-sp1") > v("1.0"));
    assert!(v("1.0-sp1") < v("1.0.1"));
    assert!(v("99999999999999999999999") > v("99999999999999999999998"));
    assert_eq!(v("1.0.1g").as_str(), "1.0.1g");
}
