//! The agency registry pages: the tree (with a search) and one agency.

use axum::extract::{OriginalUri, Path, Query, State};
use govsec_core::agency::display_name;
use govsec_core::{Agency, AgencyCode};
use govsec_i18n::{Lang, Text};
use govsec_store::AgencySummary;
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;

use super::here;
use crate::AppState;
use crate::auth::CallerScope;
use crate::error::PageError;
use crate::language::Language;
use crate::layout::{Section, page};

/// The tree levels shown unfolded; deeper ones open on click (`<details>`, no script).
const OPEN_LEVELS: usize = 1;

#[derive(Deserialize)]
pub struct TreeQuery {
    q: Option<String>,
}

fn summary_name(summary: &AgencySummary, lang: Lang) -> &str {
    display_name(&summary.name_zh, &summary.name_en, lang)
}

fn agency_link(summary: &AgencySummary, lang: Lang) -> Markup {
    html! {
        a href={ "/agencies/" (summary.code) } { (summary_name(summary, lang)) }
        span class="tag" { (summary.code) }
        span class="tag" { (summary.tier.label(lang)) }
        span class={ "tag level-" (summary.level) } { (summary.level) }
    }
}

/// The top-level subtrees of a tree-ordered list, largest first (the Executive Yuan's before
/// the local governments'), each kept in tree order.
fn largest_subtrees_first(summaries: &[AgencySummary]) -> Vec<&AgencySummary> {
    let mut blocks: Vec<&[AgencySummary]> = Vec::new();
    let mut start = 0;
    for index in 1..=summaries.len() {
        let next_is_outside = summaries
            .get(index)
            .is_none_or(|next| !next.path.starts_with(&summaries[start].path));
        if next_is_outside {
            blocks.push(&summaries[start..index]);
            start = index;
        }
    }
    blocks.sort_by_key(|block| std::cmp::Reverse(block.len()));
    blocks.into_iter().flatten().collect()
}

/// Renders summaries in tree order as nested lists: each agency's subtree follows it, so a stack
/// of open ancestors is enough to nest them.
fn tree_markup(summaries: &[AgencySummary], lang: Lang) -> Markup {
    let summaries = largest_subtrees_first(summaries);
    let mut out = String::with_capacity(summaries.len() * 320);
    out.push_str("<ul class=\"tree\">");
    let mut open: Vec<&str> = Vec::new();
    for (index, summary) in summaries.iter().copied().enumerate() {
        while let Some(top) = open.last() {
            if summary.path.starts_with(top) {
                break;
            }
            out.push_str("</ul></details></li>");
            open.pop();
        }
        let has_children = summaries
            .get(index + 1)
            .is_some_and(|next| next.path.starts_with(&summary.path));
        if has_children {
            out.push_str(if open.len() < OPEN_LEVELS {
                "<li><details open><summary>"
            } else {
                "<li><details><summary>"
            });
            out.push_str(&agency_link(summary, lang).into_string());
            out.push_str("</summary><ul>");
            open.push(&summary.path);
        } else {
            out.push_str("<li>");
            out.push_str(&agency_link(summary, lang).into_string());
            out.push_str("</li>");
        }
    }
    for _ in open {
        out.push_str("</ul></details></li>");
    }
    out.push_str("</ul>");
    PreEscaped(out)
}

fn matches(summary: &AgencySummary, needle: &str) -> bool {
    summary.code.as_str().eq_ignore_ascii_case(needle)
        || summary.name_zh.contains(needle)
        || summary
            .name_en
            .to_lowercase()
            .contains(&needle.to_lowercase())
}

/// `GET /agencies[?q=…]`.
pub async fn tree(
    State(state): State<AppState>,
    Language(lang): Language,
    CallerScope(scope): CallerScope,
    uri: OriginalUri,
    Query(query): Query<TreeQuery>,
) -> Result<Markup, PageError> {
    let needle = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let content = match needle {
        Some(needle) => {
            let summaries = state
                .store()
                .agency_summaries(&scope)
                .await
                .map_err(PageError::internal(lang))?;
            let found: Vec<&AgencySummary> =
                summaries.iter().filter(|s| matches(s, needle)).collect();
            html! {
                p { (Text::AgenciesMatchCount.fill(lang, &[&found.len(), &needle])) }
                @if found.is_empty() {
                    p { (Text::AgenciesNoMatch.fill(lang, &[&needle])) }
                } @else {
                    ul class="tree" { @for summary in found { li { (agency_link(summary, lang)) } } }
                }
            }
        }
        None => {
            let tree = state
                .cache()
                .tree(state.store(), &scope, lang, |summaries| {
                    tree_markup(summaries, lang).into_string()
                })
                .await
                .map_err(PageError::internal(lang))?;
            if tree.agencies == 0 {
                html! { p class="notice" { (Text::AgenciesEmpty.get(lang)) } }
            } else {
                html! {
                    p { (Text::AgenciesCount.fill(lang, &[&tree.agencies])) }
                    (PreEscaped(tree.html.as_str()))
                }
            }
        }
    };
    Ok(page(
        lang,
        Text::AgenciesTitle.get(lang),
        Section::Agencies,
        &here(&uri),
        html! {
            h1 { (Text::AgenciesTitle.get(lang)) }
            form class="search" method="get" action="/agencies" role="search" {
                input type="search" name="q" value=[needle] aria-label=(Text::AgenciesSearch.get(lang)) placeholder=(Text::AgenciesSearch.get(lang));
                button type="submit" { (Text::AgenciesSearchButton.get(lang)) }
            }
            section class="card" { (content) }
        },
    ))
}

fn yes_no(flag: bool, lang: Lang) -> Markup {
    let (text, class) = if flag {
        (Text::Yes, "good")
    } else {
        (Text::No, "bad")
    };
    html! { span class=(class) { (text.get(lang)) } }
}

fn facts(agency: &Agency, parent: Option<&AgencySummary>, lang: Lang) -> Markup {
    html! {
        dl class="facts" {
            dt { (Text::AgencyCode.get(lang)) } dd { (agency.code) }
            dt { (Text::AgencyNameZh.get(lang)) } dd lang="zh-TW" { (agency.name_zh) }
            dt { (Text::AgencyNameEn.get(lang)) } dd lang="en" { (agency.name_en) }
            dt { (Text::AgencyTier.get(lang)) } dd { (agency.tier.label(lang)) }
            dt { (Text::AgencyParent.get(lang)) }
            dd {
                @match (&agency.parent, parent) {
                    (_, Some(parent)) => a href={ "/agencies/" (parent.code) } { (summary_name(parent, lang)) },
                    (Some(code), None) => (code),
                    (None, None) => (Text::AgencyNoParent.get(lang)),
                }
            }
            dt { (Text::AgencyLevel.get(lang)) } dd { (agency.level) }
            dt { (Text::AgencyExchangeLayer.get(lang)) } dd { (agency.exchange_layer.text().get(lang)) }
            @if let Some(centre) = agency.exchange_layer.centre() {
                dt { (Text::AgencyExchangeCentre.get(lang)) } dd { (centre.label(lang)) }
            }
        }
    }
}

/// `GET /agencies/{code}`.
pub async fn detail(
    State(state): State<AppState>,
    Language(lang): Language,
    CallerScope(scope): CallerScope,
    uri: OriginalUri,
    Path(code): Path<String>,
) -> Result<Markup, PageError> {
    let not_found = || PageError::NotFound(lang, Some(Text::AgencyNotFound.fill(lang, &[&code])));
    let agency_code = AgencyCode::parse(&code).map_err(|_| not_found())?;
    let detail = state
        .store()
        .agency_detail(&scope, &agency_code)
        .await
        .map_err(PageError::internal(lang))?
        .ok_or_else(not_found)?;
    let agency = &detail.agency;
    let none = || html! { p { (Text::AgencyNone.get(lang)) } };
    Ok(page(
        lang,
        agency.name(lang),
        Section::Agencies,
        &here(&uri),
        html! {
            nav class="breadcrumb" aria-label=(Text::AgencyParent.get(lang)) {
                ol {
                    li { a href="/agencies" { (Text::AgenciesTitle.get(lang)) } }
                    @for ancestor in &detail.ancestors {
                        li { a href={ "/agencies/" (ancestor.code) } { (summary_name(ancestor, lang)) } }
                    }
                    li aria-current="page" { (agency.name(lang)) }
                }
            }
            h1 { (agency.name(lang)) }
            section class="card" { (facts(agency, detail.ancestors.last(), lang)) }
            section class="card" {
                h2 { (Text::AgencySubordinates.get(lang)) }
                p { (Text::AgencySubtreeSize.fill(lang, &[&detail.subtree_size])) }
                @if detail.children.is_empty() { (none()) } @else {
                    ul class="tree" { @for child in &detail.children { li { (agency_link(child, lang)) } } }
                }
            }
            section class="card" {
                h2 { (Text::AgencyWebsites.get(lang)) }
                @if agency.websites.is_empty() { (none()) } @else {
                    ul { @for url in &agency.websites {
                        li { a href=(url) rel="noopener noreferrer external" { (url) } }
                    } }
                }
            }
            section class="card" {
                h2 { (Text::AgencySystems.get(lang)) }
                @if agency.systems.is_empty() { (none()) } @else {
                    table {
                        thead { tr {
                            th { (Text::SystemName.get(lang)) } th { (Text::SystemCore.get(lang)) }
                            th { (Text::SystemVans.get(lang)) } th { (Text::SystemEdr.get(lang)) }
                        } }
                        tbody { @for system in &agency.systems { tr {
                            td { (system.name) }
                            td { (if system.core { Text::Yes } else { Text::No }.get(lang)) }
                            td { (yes_no(system.covered_by_vans, lang)) }
                            td { (yes_no(system.covered_by_edr, lang)) }
                        } } }
                    }
                }
            }
            section class="card" {
                h2 { (Text::AgencyContacts.get(lang)) }
                @if agency.contacts.is_empty() { (none()) } @else {
                    table {
                        thead { tr {
                            th { (Text::ContactName.get(lang)) } th { (Text::ContactTitle.get(lang)) }
                            th { (Text::ContactEmail.get(lang)) } th { (Text::ContactPhone.get(lang)) }
                        } }
                        tbody { @for contact in &agency.contacts { tr {
                            td { (contact.name) } td { (contact.title) }
                            td { @if let Some(email) = &contact.email { a href={ "mailto:" (email.as_str()) } { (email.as_str()) } } }
                            td { (contact.phone) }
                        } } }
                    }
                }
            }
        },
    ))
}
