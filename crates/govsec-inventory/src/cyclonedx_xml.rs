//! CycloneDX 1.4–1.6 BOMs in XML: the components, nested ones included, read into entries the
//! way the JSON reader reads the same BOM, each located by an XPath such as
//! `/bom/components/component[3]/components/component[1]`.
//!
//! The document is untrusted. It is read as a stream of events with no DTD processing at all:
//! a DOCTYPE is refused, so no entity can be declared and only XML's five predefined entities
//! and character references are expanded (no billion laughs, no external entities). Elements
//! of other namespaces (CycloneDX's extension points) are skipped with everything inside them.

use std::sync::Arc;

use quick_xml::NsReader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::ResolveResult;

use crate::model::{InventoryEntry, Position, SourceLocation};
use crate::{InventoryError, Limits};

/// What every CycloneDX namespace starts with; the version follows it.
const NAMESPACE_PREFIX: &str = "http://cyclonedx.org/schema/bom/";
/// The versions read, as the JSON reader reads them.
const VERSIONS: [&str; 3] = ["1.4", "1.5", "1.6"];

/// Whether the first element of `text` is a `bom` in a CycloneDX namespace, of any version, so
/// that a version that is not read is reported as such rather than as an unknown format.
pub(crate) fn is_cyclonedx_xml(text: &str) -> bool {
    let mut reader = NsReader::from_str(text);
    loop {
        match reader.read_resolved_event() {
            Ok((namespace, Event::Start(element) | Event::Empty(element))) => {
                return element.local_name().as_ref() == "bom"
                    && matches!(namespace, ResolveResult::Bound(namespace)
                        if namespace.as_ref().starts_with(NAMESPACE_PREFIX));
            }
            Ok((_, Event::Eof)) | Err(_) => return false,
            Ok(_) => {}
        }
    }
}

/// Reads the components of a CycloneDX XML BOM, depth-first as they appear.
pub(crate) fn read_cyclonedx_xml(
    file: &Arc<str>,
    text: &str,
    limits: &Limits,
) -> Result<Vec<InventoryEntry>, InventoryError> {
    BomReader {
        file,
        text,
        limits,
        reader: NsReader::from_str(text),
        namespace: None,
        open: Vec::new(),
        path: String::new(),
        entries: Vec::new(),
        root_closed: false,
    }
    .read()
}

/// A component's text field that becomes part of its entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Name,
    Version,
    Publisher,
    Cpe,
    Purl,
    /// `supplier/name`, the publisher when `publisher` is absent.
    SupplierName,
    /// `manufacturer/name` (1.6), the publisher when neither of the above is given.
    ManufacturerName,
}

/// What an open element is to the reader.
enum Node {
    Bom,
    /// A `components` list whose `component` children are `depth` deep (1 at the top); it
    /// counts them for their XPath index.
    Components {
        depth: usize,
        count: usize,
    },
    Component(Box<PendingComponent>),
    /// `supplier` or `manufacturer`, whose `name` is read.
    Organisation {
        name: Field,
    },
    /// A field whose text is being collected; `start` is where the element began.
    Text {
        field: Field,
        text: String,
        start: usize,
    },
    /// Anything else, skipped with its content.
    Other,
}

/// A component whose element is still open: its entry is filled in as its children arrive.
struct PendingComponent {
    /// Index of its entry, pushed when the element opened so that entries keep document order
    /// (a parent before its nested components) whichever order the children come in.
    entry: usize,
    depth: usize,
    bom_ref: Option<String>,
    /// Where the element began, for an error about the component as a whole.
    start: usize,
    publisher: Option<String>,
    supplier: Option<String>,
    manufacturer: Option<String>,
}

struct Open {
    node: Node,
    /// Length of the XPath up to and including this element, to cut back to on its end.
    path_end: usize,
    /// Length of the XPath before this element.
    path_start: usize,
}

struct BomReader<'a> {
    file: &'a Arc<str>,
    text: &'a str,
    limits: &'a Limits,
    reader: NsReader<&'a [u8]>,
    /// The root's CycloneDX namespace, once the root is read.
    namespace: Option<String>,
    open: Vec<Open>,
    path: String,
    entries: Vec<InventoryEntry>,
    root_closed: bool,
}

impl BomReader<'_> {
    fn read(mut self) -> Result<Vec<InventoryEntry>, InventoryError> {
        loop {
            let start = self.reader.buffer_position() as usize;
            let (namespace, event) = match self.reader.read_resolved_event() {
                Ok((namespace, event)) => (namespace_of(namespace), event),
                Err(error) => {
                    let at = self.reader.error_position() as usize;
                    return Err(self.error(at, format!("malformed XML: {error}")));
                }
            };
            match event {
                Event::Start(element) => self.open_element(namespace, &element, start)?,
                Event::Empty(element) => {
                    self.open_element(namespace, &element, start)?;
                    self.close_element(start)?;
                }
                Event::End(_) => self.close_element(start)?,
                Event::Text(text) => self.text(&text.xml10_content(), start)?,
                Event::CData(text) => self.text(&text.xml10_content(), start)?,
                Event::GeneralRef(reference) => {
                    let resolved = self.reference(&reference, start)?;
                    self.text(&resolved, start)?;
                }
                Event::DocType(_) => {
                    return Err(self.error(
                        start,
                        "a DOCTYPE is refused: a BOM needs none, and its entity declarations \
                         could expand without bound (billion laughs) or fetch files",
                    ));
                }
                Event::Eof => return self.finish(),
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            }
        }
    }

    fn finish(self) -> Result<Vec<InventoryEntry>, InventoryError> {
        let end = self.text.len();
        if let Some(open) = self.open.last() {
            let element = self.path[open.path_start..open.path_end].trim_start_matches('/');
            let reason = format!("the document ends inside <{element}>");
            return Err(self.error(end, reason));
        }
        if !self.root_closed {
            return Err(self.error(end, "the document has no root element"));
        }
        Ok(self.entries)
    }

    /// An error at byte `at` of the text, in the element open there.
    fn error(&self, at: usize, reason: impl Into<String>) -> InventoryError {
        let (row, column) = line_column(self.text, at);
        InventoryError::Xml {
            file: self.file.clone(),
            row,
            column,
            path: if self.path.is_empty() {
                "/".to_owned()
            } else {
                self.path.clone()
            },
            reason: reason.into(),
        }
    }

    fn open_element(
        &mut self,
        namespace: Option<String>,
        element: &BytesStart<'_>,
        start: usize,
    ) -> Result<(), InventoryError> {
        let local = element.local_name().as_ref().to_owned();
        let written = element.name().as_ref().to_owned();
        // Every attribute is parsed, so that a malformed one anywhere is an error as the
        // XML specification requires, not only in the attributes that are used.
        let mut bom_ref = None;
        for attribute in element.attributes() {
            let attribute = attribute.map_err(|error| {
                self.error(start, format!("malformed XML: {error} in <{written}>"))
            })?;
            let value = attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|error| {
                    self.error(start, format!("malformed XML: {error} in <{written}>"))
                })?;
            if attribute.key.as_ref() == "bom-ref" {
                bom_ref = Some(value.trim().to_owned());
            }
        }
        let Some(parent) = self.open.last_mut() else {
            return self.open_root(namespace, &local, &written, start);
        };
        let ours = namespace.is_some() && namespace == self.namespace;
        let segment_name = if ours { &local } else { &written };
        let mut index = None;
        let node = match (&mut parent.node, ours, local.as_str()) {
            (_, false, _) => Node::Other,
            (Node::Bom, _, "components") => Node::Components { depth: 1, count: 0 },
            (Node::Components { depth, count }, _, "component") => {
                *count += 1;
                index = Some(*count);
                Node::Component(Box::new(PendingComponent {
                    entry: self.entries.len(),
                    depth: *depth,
                    bom_ref,
                    start,
                    publisher: None,
                    supplier: None,
                    manufacturer: None,
                }))
            }
            (Node::Component(component), _, name) => match name {
                "components" => Node::Components {
                    depth: component.depth + 1,
                    count: 0,
                },
                "supplier" => Node::Organisation {
                    name: Field::SupplierName,
                },
                "manufacturer" => Node::Organisation {
                    name: Field::ManufacturerName,
                },
                _ => match component_field(name) {
                    Some(field) => Node::Text {
                        field,
                        text: String::new(),
                        start,
                    },
                    None => Node::Other,
                },
            },
            (Node::Organisation { name }, _, "name") => Node::Text {
                field: *name,
                text: String::new(),
                start,
            },
            _ => Node::Other,
        };
        let path_start = self.path.len();
        self.path.push('/');
        self.path.push_str(segment_name);
        if let Some(index) = index {
            self.path.push_str(&format!("[{index}]"));
        }
        if let Node::Component(component) = &node {
            self.start_component(component)?;
        }
        self.open.push(Open {
            node,
            path_end: self.path.len(),
            path_start,
        });
        Ok(())
    }

    fn open_root(
        &mut self,
        namespace: Option<String>,
        local: &str,
        written: &str,
        start: usize,
    ) -> Result<(), InventoryError> {
        if self.root_closed {
            return Err(self.error(start, format!("a second root element <{written}>")));
        }
        self.path.push('/');
        self.path.push_str(local);
        if local != "bom" {
            return Err(self.error(
                start,
                format!("the root element is <{written}>, not a CycloneDX <bom>"),
            ));
        }
        let version = namespace
            .as_deref()
            .and_then(|namespace| namespace.strip_prefix(NAMESPACE_PREFIX));
        match version {
            Some(version) if VERSIONS.contains(&version) => {}
            Some(version) => {
                return Err(self.error(
                    start,
                    format!("CycloneDX \"{version}\" is not read; versions 1.4 to 1.6 are"),
                ));
            }
            None => {
                let found = namespace.map_or("no namespace".to_owned(), |ns| {
                    format!("namespace \"{ns}\"")
                });
                return Err(self.error(
                    start,
                    format!(
                        "<bom> has {found}, not a CycloneDX one (\"{NAMESPACE_PREFIX}1.4\" to \"1.6\")"
                    ),
                ));
            }
        }
        self.namespace = namespace;
        self.open.push(Open {
            node: Node::Bom,
            path_end: self.path.len(),
            path_start: 0,
        });
        Ok(())
    }

    /// Checks the depth and the bom-ref of a component that has just opened (its XPath is the
    /// reader's path) and pushes its entry.
    fn start_component(&mut self, component: &PendingComponent) -> Result<(), InventoryError> {
        if component.depth > self.limits.max_nesting {
            return Err(InventoryError::NestingTooDeep {
                file: self.file.clone(),
                path: self.path.clone(),
                limit: self.limits.max_nesting,
            });
        }
        if let Some(bom_ref) = &component.bom_ref {
            self.check_length(bom_ref, component.start)?;
            // A component that contains a component with its own bom-ref is a cycle the BOM's
            // author (or an attacker) wrote; the JSON reader refuses it the same way.
            let ancestor = self.open.iter().find_map(|open| match &open.node {
                Node::Component(outer) if outer.bom_ref.as_ref() == Some(bom_ref) => {
                    Some(self.path[..open.path_end].to_owned())
                }
                _ => None,
            });
            if let Some(ancestor) = ancestor {
                return Err(InventoryError::ComponentCycle {
                    file: self.file.clone(),
                    path: self.path.clone(),
                    bom_ref: bom_ref.clone(),
                    ancestor,
                });
            }
        }
        self.entries.push(InventoryEntry::new(
            SourceLocation {
                file: self.file.clone(),
                position: Position::Element(self.path.clone()),
            },
            String::new(),
        ));
        Ok(())
    }

    fn close_element(&mut self, at: usize) -> Result<(), InventoryError> {
        let Some(open) = self.open.pop() else {
            return Err(self.error(at, "an end tag with no element open"));
        };
        match open.node {
            Node::Text { field, text, start } => {
                let value = text.trim();
                self.check_length(value, start)?;
                let value = (!value.is_empty()).then(|| value.to_owned());
                self.set_field(field, value);
            }
            Node::Component(component) => {
                let entry = &mut self.entries[component.entry];
                entry.publisher = component
                    .publisher
                    .or(component.supplier)
                    .or(component.manufacturer);
                if entry.software_name.is_empty() {
                    return Err(self.error(component.start, "<name> is missing or empty"));
                }
            }
            Node::Bom => self.root_closed = true,
            Node::Components { .. } | Node::Organisation { .. } | Node::Other => {}
        }
        self.path.truncate(open.path_start);
        Ok(())
    }

    /// Stores a field's value in the innermost open component.
    fn set_field(&mut self, field: Field, value: Option<String>) {
        let Some(component) = self
            .open
            .iter_mut()
            .rev()
            .find_map(|open| match &mut open.node {
                Node::Component(component) => Some(component),
                _ => None,
            })
        else {
            return;
        };
        let entry = &mut self.entries[component.entry];
        match field {
            Field::Name => entry.software_name = value.unwrap_or_default(),
            Field::Version => entry.version = value,
            Field::Cpe => entry.given_cpe = value,
            Field::Purl => entry.package_url = value,
            Field::Publisher => component.publisher = value,
            Field::SupplierName => component.supplier = value,
            Field::ManufacturerName => component.manufacturer = value,
        }
    }

    fn check_length(&self, value: &str, start: usize) -> Result<(), InventoryError> {
        let limit = self.limits.max_cell_chars;
        // Bytes bound characters from above, so only long values need counting.
        if value.len() > limit && value.chars().count() > limit {
            return Err(self.error(start, format!("longer than {limit} characters")));
        }
        Ok(())
    }

    /// Character data: collected inside a field, ignored elsewhere inside the root, and an
    /// error outside it unless it is white space.
    fn text(&mut self, text: &str, at: usize) -> Result<(), InventoryError> {
        match self.open.last_mut() {
            Some(Open {
                node: Node::Text {
                    text: collected, ..
                },
                ..
            }) => {
                collected.push_str(text);
                Ok(())
            }
            Some(_) => Ok(()),
            None if text.trim().is_empty() => Ok(()),
            None => Err(self.error(at, "text outside the root element")),
        }
    }

    /// A reference in text: a character reference or one of the five predefined entities.
    /// With no DTD, no other entity can exist.
    fn reference(&self, reference: &BytesRef<'_>, at: usize) -> Result<String, InventoryError> {
        match reference.resolve_char_ref() {
            Ok(Some(character)) => Ok(character.to_string()),
            Ok(None) => {
                let name = reference.xml10_content();
                resolve_predefined_entity(&name)
                    .map(str::to_owned)
                    .ok_or_else(|| self.error(at, format!("undeclared entity &{name};")))
            }
            Err(error) => Err(self.error(at, format!("malformed XML: {error}"))),
        }
    }
}

fn component_field(name: &str) -> Option<Field> {
    match name {
        "name" => Some(Field::Name),
        "version" => Some(Field::Version),
        "publisher" => Some(Field::Publisher),
        "cpe" => Some(Field::Cpe),
        "purl" => Some(Field::Purl),
        // `group` is not read, as the JSON reader does not read it: the same BOM gives the
        // same entries in either encoding, and the normaliser matches on the name as given.
        _ => None,
    }
}

fn namespace_of(resolved: ResolveResult<'_>) -> Option<String> {
    match resolved {
        ResolveResult::Bound(namespace) => Some(namespace.as_ref().to_owned()),
        ResolveResult::Unbound | ResolveResult::Unknown(_) => None,
    }
}

/// The 1-based line and character column of byte `offset` of `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    let row = before.matches('\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    (row, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let text = "<a>\n  中文<b/>";
        assert_eq!(line_column(text, 0), (1, 1));
        let at = text.find("<b").unwrap();
        assert_eq!(line_column(text, at), (2, 5));
        assert_eq!(line_column(text, usize::MAX), (2, 9));
    }

    #[test]
    fn detection_needs_the_namespace() {
        assert!(is_cyclonedx_xml(
            "<?xml version=\"1.0\"?><!-- sbom --><bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\"/>"
        ));
        assert!(is_cyclonedx_xml(
            "<c:bom xmlns:c=\"http://cyclonedx.org/schema/bom/1.2\"></c:bom>"
        ));
        assert!(!is_cyclonedx_xml("<bom/>"));
        assert!(!is_cyclonedx_xml(
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"
        ));
        assert!(!is_cyclonedx_xml("<bom"));
    }
}
