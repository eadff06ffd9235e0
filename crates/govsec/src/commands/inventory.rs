//! `govsec inventory …`: `normalize` reads an inventory file and prints, for every row, its
//! status (converted / ambiguous / unconverted / invalid), CPE name, confidence, candidates and
//! the reason, in zh-TW or English, or as JSON for scripts; `teach` and `promote` manage the
//! learned mappings; `import-dictionary` imports NVD's official CPE dictionary.
//!
//! The product dictionary is the alias table plus, when a database exists, every product its
//! vulnerability data names, the imported CPE dictionary, and the mappings officers taught (the
//! national ones, and the agency's own with `--agency`). Without a database the alias table
//! alone answers; the command never creates a database just to read a file.

use std::path::{Path, PathBuf};

use govsec_i18n::{Lang, Text};
use govsec_inventory::normalise::{
    Aliases, DictionarySource, LearnedMappings, MappingScope, Method, Normalisation, Normaliser,
    Part, ProductDictionary, ProductKey, ProhibitedList, ProhibitedMatch, Remark, mapping_key,
};
use govsec_inventory::{ColumnMapping, InventoryFormat, ReadOptions, TextEncoding};

use crate::Failure;
use crate::config::Settings;

/// Output format.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A table for people.
    Text,
    /// JSON for scripts.
    Json,
}

/// `govsec inventory …`.
#[derive(clap::Subcommand, Debug)]
pub enum InventoryCommand {
    /// Reads an inventory and normalises every row to a CPE 2.3 name.
    Normalize(NormalizeArgs),
    /// Teaches the normaliser that a software name (and publisher) is a CPE product, for one
    /// agency's inventories; the web page does the same for officers.
    Teach(TeachArgs),
    /// Promotes an agency's mapping to national: it then applies to every agency.
    Promote(PromoteArgs),
    /// Imports NVD's official CPE dictionary (Products API 2.0 pages or feed chunks, plain or
    /// gzip): its products join the dictionary names are ranked against.
    ImportDictionary(ImportDictionaryArgs),
}

/// `govsec inventory import-dictionary`.
#[derive(clap::Args, Debug)]
pub struct ImportDictionaryArgs {
    /// Dictionary files (`nvdcpe-2.0-chunk-*.json[.gz]`); each is imported in one transaction.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Skip names that do not parse, report them, and import the rest.
    #[arg(long)]
    pub skip_invalid: bool,
}

/// `govsec inventory teach`.
#[derive(clap::Args, Debug)]
pub struct TeachArgs {
    /// The software name as inventories write it.
    pub name: String,
    /// The publisher as inventories write it.
    #[arg(long)]
    pub publisher: Option<String>,
    /// The CPE name it is (version and the rest are taken from each row).
    #[arg(long)]
    pub cpe: String,
    /// The agency whose inventories the mapping applies to.
    #[arg(long, value_name = "CODE")]
    pub agency: String,
}

/// `govsec inventory promote`.
#[derive(clap::Args, Debug)]
pub struct PromoteArgs {
    /// The software name the mapping was taught for.
    pub name: String,
    /// The publisher it was taught with.
    #[arg(long)]
    pub publisher: Option<String>,
    /// The agency that taught it.
    #[arg(long, value_name = "CODE")]
    pub agency: String,
}

/// `govsec inventory normalize`.
#[derive(clap::Args, Debug)]
pub struct NormalizeArgs {
    /// The inventory: CSV/TSV, XLSX, CycloneDX or SPDX JSON, dpkg-query, rpm -qa or osquery JSON.
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Text encoding: auto (default), utf-8, utf-16 or big5.
    #[arg(long, default_value = "auto")]
    pub encoding: String,
    /// The file's format, when detection should not decide (csv, xlsx, cyclonedx-json, …).
    #[arg(long = "input-format", value_name = "FORMAT")]
    pub input_format: Option<String>,
    /// Header mapping for unusual layouts (TOML: `[columns]` header = field).
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// More aliases, in the shape of the project's table; repeatable.
    #[arg(long = "aliases", value_name = "FILE")]
    pub aliases: Vec<PathBuf>,
    /// Apply the mappings this agency's officers taught, besides the national ones.
    #[arg(long, value_name = "CODE")]
    pub agency: Option<String>,
    /// More prohibited-software rules, added to the project's list; repeatable.
    #[arg(long = "prohibited", value_name = "FILE")]
    pub prohibited: Vec<PathBuf>,
}

fn input(path: &Path, text: String) -> Failure {
    Failure::Input(format!("{}: {text}", path.display()))
}

fn read_file(path: &Path, lang: Lang) -> Result<Vec<u8>, Failure> {
    std::fs::read(path)
        .map_err(|error| input(path, Text::ProblemUnreadableFile.fill(lang, &[&error])))
}

fn agency_code(code: &str, lang: Lang) -> Result<govsec_core::AgencyCode, Failure> {
    govsec_core::AgencyCode::parse(code)
        .map_err(|_| Failure::Input(Text::InventoryUnknownAgency.fill(lang, &[&code])))
}

/// Runs `govsec inventory …`.
pub async fn run(command: InventoryCommand, settings: &Settings) -> Result<(), Failure> {
    match command {
        InventoryCommand::Normalize(args) => normalize(args, settings).await,
        InventoryCommand::Teach(args) => teach(args, settings).await,
        InventoryCommand::Promote(args) => promote(args, settings).await,
        InventoryCommand::ImportDictionary(args) => import_dictionary(args, settings).await,
    }
}

async fn import_dictionary(args: ImportDictionaryArgs, settings: &Settings) -> Result<(), Failure> {
    let lang = settings.lang;
    let options = govsec_vulndb::ReadOptions {
        skip_invalid: args.skip_invalid,
    };
    // Every file is read before anything is written, so a bad file leaves the database as it was.
    let mut chunks = Vec::new();
    let mut skipped = Vec::new();
    for file in &args.files {
        let (products, skipped_here) = govsec_vulndb::read_cpe_dictionary_file(file, options)
            .map_err(|error| Failure::Input(super::vulndb_import::describe(&error, lang)))?;
        skipped.extend(skipped_here);
        chunks.push(
            products
                .into_iter()
                .map(|p| (p.part, p.vendor, p.product, p.title))
                .collect::<Vec<_>>(),
        );
    }
    let store = settings.open_store().await?;
    let mut products = 0;
    for chunk in &chunks {
        store
            .import_cpe_dictionary(chunk, &govsec_core::audit::Actor::command_line())
            .await
            .map_err(|e| Failure::Internal(e.into()))?;
        products += chunk.len();
    }
    for error in &skipped {
        eprintln!("govsec: {error}");
    }
    print_output(
        &Text::InventoryDictionaryImported
            .fill(lang, &[&products, &args.files.len(), &skipped.len()]),
    )
}

async fn teach(args: TeachArgs, settings: &Settings) -> Result<(), Failure> {
    let lang = settings.lang;
    let agency = agency_code(&args.agency, lang)?;
    let product = ProductKey::from_cpe(&args.cpe)
        .ok_or_else(|| Failure::Input(Text::InventoryTeachBadCpe.fill(lang, &[&args.cpe])))?;
    let aliases = Aliases::builtin().map_err(|e| Failure::Internal(e.into()))?;
    let key = mapping_key(&aliases, &args.name, args.publisher.as_deref());
    let store = settings.open_store().await?;
    let mapping = govsec_store::NewSoftwareMapping {
        key: key.clone(),
        software_name: args.name.clone(),
        publisher: args.publisher.clone(),
        part: product.part.letter().to_owned(),
        vendor: product.vendor.to_string(),
        product: product.product.to_string(),
    };
    let taught = store
        .teach_software_mapping(
            &govsec_core::Scope::National,
            &agency,
            &mapping,
            &govsec_core::audit::Actor::command_line(),
            crate::commands::unix_now_signed(),
        )
        .await
        .map_err(|e| Failure::Internal(e.into()))?;
    if !taught {
        return Err(Failure::Input(
            Text::InventoryUnknownAgency.fill(lang, &[&args.agency]),
        ));
    }
    print_output(&Text::InventoryTaught.fill(lang, &[&args.name, &product, &args.agency]))
}

async fn promote(args: PromoteArgs, settings: &Settings) -> Result<(), Failure> {
    let lang = settings.lang;
    let agency = agency_code(&args.agency, lang)?;
    let aliases = Aliases::builtin().map_err(|e| Failure::Internal(e.into()))?;
    let key = mapping_key(&aliases, &args.name, args.publisher.as_deref());
    let store = settings.open_store().await?;
    let promoted = store
        .promote_software_mapping(
            &agency,
            &key,
            &govsec_core::audit::Actor::command_line(),
            crate::commands::unix_now_signed(),
        )
        .await
        .map_err(|e| Failure::Internal(e.into()))?;
    if !promoted {
        return Err(Failure::Input(
            Text::InventoryNoSuchMapping.fill(lang, &[&args.name, &args.agency]),
        ));
    }
    print_output(&Text::InventoryPromoted.fill(lang, &[&args.name]))
}

async fn normalize(args: NormalizeArgs, settings: &Settings) -> Result<(), Failure> {
    let lang = settings.lang;
    let options = read_options(&args, lang)?;
    let mut aliases = Aliases::builtin().map_err(|e| Failure::Internal(e.into()))?;
    for path in &args.aliases {
        let text = String::from_utf8(read_file(path, lang)?)
            .map_err(|_| input(path, Text::InventoryAliasesNotUtf8.get(lang).to_owned()))?;
        aliases
            .extend_from_toml(&path.display().to_string(), &text)
            .map_err(|error| Failure::Input(error.message(lang)))?;
    }
    let mut dictionary = ProductDictionary::from_aliases(&aliases);
    let mut learned = LearnedMappings::default();
    let database = settings.database_url.is_some() || settings.database_file().exists();
    if database {
        let store = settings.open_store().await?;
        let products = store
            .vulndb_product_names()
            .await
            .map_err(|e| Failure::Internal(e.into()))?;
        dictionary.extend(
            DictionarySource::VulnerabilityData,
            products.iter().filter_map(|(part, vendor, product)| {
                ProductKey::new(Part::from_letter(part)?, vendor, product)
            }),
        );
        for (part, vendor, product, title) in store
            .cpe_dictionary()
            .await
            .map_err(|e| Failure::Internal(e.into()))?
        {
            if let Some(key) =
                Part::from_letter(&part).and_then(|p| ProductKey::new(p, &vendor, &product))
            {
                dictionary.extend_titled(&aliases, key, title.as_deref());
            }
        }
        let agency = match &args.agency {
            Some(code) => Some(agency_code(code, lang)?),
            None => None,
        };
        for mapping in store
            .software_mappings(agency.as_ref())
            .await
            .map_err(|e| Failure::Internal(e.into()))?
        {
            let Some(product) = Part::from_letter(&mapping.part)
                .and_then(|part| ProductKey::new(part, &mapping.vendor, &mapping.product))
            else {
                continue;
            };
            let scope = if mapping.national {
                MappingScope::National
            } else {
                MappingScope::Agency
            };
            learned.add(mapping.key, product, scope);
        }
    } else {
        eprintln!("govsec: {}", Text::InventoryNoDatabase.get(lang));
    }
    let mut prohibited =
        ProhibitedList::builtin(&aliases).map_err(|e| Failure::Internal(e.into()))?;
    for path in &args.prohibited {
        let text = String::from_utf8(read_file(path, lang)?)
            .map_err(|_| input(path, Text::InventoryAliasesNotUtf8.get(lang).to_owned()))?;
        prohibited
            .extend_from_toml(&path.display().to_string(), &text, &aliases)
            .map_err(|error| Failure::Input(error.message(lang)))?;
    }
    let normaliser = Normaliser::new(aliases, dictionary, learned).with_prohibited(prohibited);
    let stdout = std::io::stdout().lock();
    let mut out = std::io::BufWriter::new(stdout);
    let written = super::inventory_report::write_report(
        &args.file,
        &options,
        &normaliser,
        args.format,
        lang,
        &mut out,
    )
    .and_then(|_| {
        use std::io::Write as _;
        out.flush()
            .map_err(super::inventory_report::ReportError::Output)
    });
    match written {
        Ok(()) => Ok(()),
        Err(super::inventory_report::ReportError::Output(error))
            if error.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            Ok(())
        }
        Err(super::inventory_report::ReportError::Output(error)) => {
            Err(Failure::Internal(error.into()))
        }
        Err(super::inventory_report::ReportError::Input(text)) => Err(Failure::Input(text)),
    }
}

/// Writes a line to stdout; a reader that stopped early (`| head`) is not a failure.
fn print_output(output: &str) -> Result<(), Failure> {
    super::print_line(output).map_err(|error| Failure::Internal(error.into()))
}

fn read_options(args: &NormalizeArgs, lang: Lang) -> Result<ReadOptions, Failure> {
    let encoding = TextEncoding::from_name(&args.encoding).ok_or_else(|| {
        Failure::Input(Text::InventoryUnknownEncoding.fill(lang, &[&args.encoding]))
    })?;
    let format = match &args.input_format {
        Some(name) => Some(InventoryFormat::from_name(name).ok_or_else(|| {
            let known: Vec<&str> = InventoryFormat::ALL.iter().map(|f| f.name()).collect();
            Failure::Input(Text::InventoryUnknownFormat.fill(lang, &[name, &known.join(", ")]))
        })?),
        None => None,
    };
    let mapping = match &args.mapping {
        Some(path) => {
            let text = String::from_utf8(read_file(path, lang)?)
                .map_err(|_| input(path, Text::InventoryAliasesNotUtf8.get(lang).to_owned()))?;
            ColumnMapping::from_toml(&path.display().to_string(), &text)
                .map_err(|error| Failure::Input(error.message(lang)))?
        }
        None => ColumnMapping::default(),
    };
    Ok(ReadOptions {
        encoding,
        format,
        mapping,
        ..ReadOptions::default()
    })
}

pub(crate) fn method_text(method: &Method, lang: Lang) -> String {
    match method {
        Method::GivenCpe => Text::InventoryMethodGivenCpe.get(lang).to_owned(),
        Method::Learned { scope } => {
            let scope = match scope {
                MappingScope::Agency => Text::InventoryScopeAgency.get(lang),
                MappingScope::National => Text::InventoryScopeNational.get(lang),
            };
            Text::InventoryMethodLearned.fill(lang, &[&scope])
        }
        Method::PackageUrl { purl_type, package } => {
            Text::InventoryMethodPackageUrl.fill(lang, &[purl_type, package])
        }
        Method::Package { package } => Text::InventoryMethodPackage.fill(lang, &[package]),
        Method::Alias {
            phrase,
            publisher_agrees,
        } => {
            let publisher = if *publisher_agrees {
                Text::InventoryPublisherAgrees.get(lang)
            } else {
                ""
            };
            Text::InventoryMethodAlias.fill(lang, &[phrase, &publisher])
        }
        Method::FirmwareConvention { model, listed } => if *listed {
            Text::InventoryMethodFirmwareListed
        } else {
            Text::InventoryMethodFirmwareBuilt
        }
        .fill(lang, &[model]),
        Method::Ranked {
            shared_words,
            vendor_matched,
            ..
        } => {
            let publisher = if *vendor_matched {
                Text::InventoryPublisherAgrees.get(lang)
            } else {
                ""
            };
            Text::InventoryMethodRanked.fill(lang, &[&shared_words.join(" "), &publisher])
        }
    }
}

pub(crate) fn remark_text(remark: &Remark, lang: Lang) -> String {
    match remark {
        Remark::MissingName => Text::InventoryRemarkMissingName.get(lang).to_owned(),
        Remark::InvalidCpe { cpe, reason } => {
            Text::InventoryRemarkInvalidCpe.fill(lang, &[cpe, reason])
        }
        Remark::InvalidPackageUrl { purl } => Text::InventoryRemarkInvalidPurl.fill(lang, &[purl]),
        Remark::VersionUnknown => Text::InventoryRemarkVersionUnknown.get(lang).to_owned(),
        Remark::VersionNotUsable { version } => {
            Text::InventoryRemarkVersionNotUsable.fill(lang, &[version])
        }
        Remark::VersionAmbiguous => Text::InventoryRemarkVersionAmbiguous.get(lang).to_owned(),
        Remark::UpdateOfBuild { build, update } => {
            Text::InventoryRemarkUpdateOfBuild.fill(lang, &[build, update])
        }
        Remark::ProductOfVersion { version, product } => {
            Text::InventoryRemarkProductOfVersion.fill(lang, &[version, product])
        }
        Remark::PublisherDisagrees { publisher_vendor } => {
            Text::InventoryRemarkPublisherDisagrees.fill(lang, &[publisher_vendor])
        }
        Remark::Untranslated { words } => {
            Text::InventoryRemarkUntranslated.fill(lang, &[&words.join("、")])
        }
        Remark::NoCandidate => Text::InventoryRemarkNoCandidate.get(lang).to_owned(),
    }
}

fn prohibited_text(found: &ProhibitedMatch, lang: Lang) -> String {
    let reason = match lang {
        Lang::En => found.rule.reason_en.as_ref(),
        _ => found.rule.reason_zh.as_ref(),
    };
    Text::InventoryProhibited.fill(lang, &[&reason])
}

/// The row's explanation: how the answer was reached, then what was noticed.
pub(crate) fn reason(normalisation: &Normalisation, lang: Lang) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(candidate) = normalisation.candidates.first() {
        parts.push(method_text(&candidate.method, lang));
    }
    parts.extend(normalisation.remarks.iter().map(|r| remark_text(r, lang)));
    if let Some(found) = &normalisation.prohibited {
        parts.push(prohibited_text(found, lang));
    }
    parts.retain(|p| !p.is_empty());
    parts.join(Text::InventoryReasonSeparator.get(lang))
}
