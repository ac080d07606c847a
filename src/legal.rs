//! What a German public body must publish (spec §9): the `legal:` facts of
//! `site.yaml` and the pages they are published on (`impressum/`,
//! `datenschutz/`, `barrierefreiheit/`). Which of those pages a site
//! writes, and the warnings when it publishes none, are the model's
//! ([`crate::model::legal`]), which knows the site's own pages.
//!
//! The facts are typed like front matter (the tables are
//! [`schema::LEGAL`] and its sub-tables), so a misspelt key or a missing
//! address is a `site.yaml:line:col` error. The wording of the pages is
//! the theme's (`legal.html` and its i18n labels); tandem only states the
//! author's facts and what the site itself does.

use crate::diagnostics::Pos;
use crate::entry::Contact;
use crate::frontmatter::fields::FieldReader;
use crate::frontmatter::links::{self, Accepts};
use crate::frontmatter::schema;
use crate::frontmatter::yaml::{Node, Value};
use chrono::NaiveDate;

/// One of the pages the facts are published on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LegalPage {
    /// `impressum/`: who runs the site (§ 5 DDG, § 18 MStV).
    Impressum,
    /// `datenschutz/`: what the site does with visitors' data (DSGVO).
    Privacy,
    /// `barrierefreiheit/`: the accessibility statement (BGG § 12b, BITV 2.0).
    Accessibility,
}

impl LegalPage {
    pub const ALL: [LegalPage; 3] = [
        LegalPage::Impressum,
        LegalPage::Privacy,
        LegalPage::Accessibility,
    ];

    /// Its name: the address without `/`, the label key of its title and
    /// `legal_page` in the template.
    pub fn name(self) -> &'static str {
        match self {
            LegalPage::Impressum => "impressum",
            LegalPage::Privacy => "datenschutz",
            LegalPage::Accessibility => "barrierefreiheit",
        }
    }

    /// The address relative to the site's base: the German words, in
    /// every language, because that is where people look for them.
    pub fn address(self) -> String {
        format!("{}/", self.name())
    }
}

/// How far the site meets BITV 2.0, as the statement must say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Conformance {
    Full,
    Partial,
    None,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Accessibility {
    pub status: Conformance,
    pub gaps: Vec<String>,
    pub checked: NaiveDate,
    pub method: Option<String>,
    /// Has an e-mail address: the feedback mechanism BGG § 12b asks for.
    pub feedback: Contact,
    pub enforcement_name: String,
    pub enforcement_url: String,
}

/// The `legal:` facts. Only what the author wrote: tandem adds no
/// boilerplate facts of its own.
#[derive(Clone, Debug, PartialEq)]
pub struct Legal {
    pub provider: String,
    pub legal_form: Option<String>,
    pub address: String,
    pub representatives: Vec<String>,
    pub email: String,
    pub phone: Option<String>,
    pub register: Option<String>,
    pub register_number: Option<String>,
    pub vat_id: Option<String>,
    pub responsible: Option<String>,
    pub privacy_contact: Option<Contact>,
    pub privacy_notes: Vec<String>,
    pub host: Option<String>,
    pub public_body: bool,
    /// Where `public_body` is written, for the warning about a missing statement.
    pub public_body_pos: Pos,
    pub accessibility: Option<Accessibility>,
}

/// Reads `legal:` (the node after the key). Every problem is reported
/// through `r`; `None` when a required fact is missing or wrong, so that
/// no page is written with a gap in it (the build fails on the error).
pub fn read(r: &mut FieldReader, node: &Node) -> Option<Legal> {
    let f = r.map_fields(node, &schema::names(schema::LEGAL), "a `legal` setting");
    let provider = r.required_prose(&f, "provider", node.pos);
    let address = r.required_prose(&f, "address", node.pos);
    let email = required_email(r, &f, "email", node.pos);
    let representatives = texts(r.text_list(&f, "representatives"));
    let accessibility = f
        .get("accessibility")
        .and_then(|n| read_accessibility(r, n));
    let legal = Legal {
        provider: provider.unwrap_or_default(),
        legal_form: r.prose(&f, "legal_form"),
        address: address.unwrap_or_default(),
        representatives,
        email: email.clone().unwrap_or_default(),
        phone: r.text(&f, "phone"),
        register: r.prose(&f, "register"),
        register_number: r.text(&f, "register_number"),
        vat_id: r.text(&f, "vat_id"),
        responsible: r.prose(&f, "responsible"),
        privacy_contact: r.contact(&f, "privacy_contact"),
        privacy_notes: texts(r.text_list(&f, "privacy_notes")),
        host: r.prose(&f, "host"),
        public_body: r.bool(&f, "public_body").unwrap_or(false),
        public_body_pos: f.get("public_body").map_or(node.pos, |n| n.pos),
        accessibility,
    };
    let complete = !legal.provider.is_empty() && !legal.address.is_empty() && email.is_some();
    complete.then_some(legal)
}

fn texts(list: Vec<crate::entry::Spanned<String>>) -> Vec<String> {
    list.into_iter()
        .map(|s| s.value.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// An e-mail address that must be there (see [`links::check_email`]).
fn required_email(
    r: &mut FieldReader,
    f: &crate::frontmatter::fields::Fields,
    key: &str,
    pos: Pos,
) -> Option<String> {
    let text = r.required_text(f, key, pos)?;
    match links::check_email(&text) {
        Ok(address) => Some(address),
        Err(message) => {
            r.error(f.get(key).map_or(pos, |n| n.pos), message);
            None
        }
    }
}

fn read_accessibility(r: &mut FieldReader, node: &Node) -> Option<Accessibility> {
    let f = r.map_fields(
        node,
        &schema::names(schema::ACCESSIBILITY),
        "an `accessibility` setting",
    );
    let status = match (f.get("status"), r.required_text(&f, "status", node.pos)) {
        (Some(n), Some(text)) => match text.trim() {
            "full" => Some(Conformance::Full),
            "partial" => Some(Conformance::Partial),
            "none" => Some(Conformance::None),
            other => {
                r.error(
                    n.pos,
                    format!("unknown accessibility status `{other}`; use full, partial or none"),
                );
                None
            }
        },
        _ => None,
    };
    let checked = match f.get("checked") {
        Some(n) => r.date(n, "checked"),
        None => {
            // Reported as missing (or as written without a value).
            r.required_text(&f, "checked", node.pos);
            None
        }
    };
    let feedback = match f.get("feedback") {
        Some(n) => read_feedback(r, n),
        None => {
            r.required_text(&f, "feedback", node.pos);
            None
        }
    };
    let enforcement = match f.get("enforcement") {
        Some(n) => {
            let e = r.map_fields(
                n,
                &schema::names(schema::ENFORCEMENT),
                "an `enforcement` setting",
            );
            let name = r.required_prose(&e, "name", n.pos);
            let url = match e.get("url") {
                Some(_) => r.link(&e, "url", Accepts::Web),
                None => r.required_text(&e, "url", n.pos),
            };
            name.zip(url)
        }
        None => {
            r.required_text(&f, "enforcement", node.pos);
            None
        }
    };
    let gaps = texts(r.text_list(&f, "gaps"));
    let method = r.prose(&f, "method");
    let (enforcement_name, enforcement_url) = enforcement?;
    Some(Accessibility {
        status: status?,
        gaps,
        checked: checked?,
        method,
        feedback: feedback?,
        enforcement_name,
        enforcement_url,
    })
}

/// `feedback: { name, email, phone }` with an e-mail address: a form or a
/// phone number alone is not the written channel the law asks for.
fn read_feedback(r: &mut FieldReader, node: &Node) -> Option<Contact> {
    if !matches!(node.value, Value::Map(_)) {
        r.error(
            node.pos,
            "`feedback` is a map such as `{ name: Redaktion, email: barrierefrei@example.org }`",
        );
        return None;
    }
    let m = r.map_fields(node, &schema::names(schema::CONTACT), "a contact field");
    let name = r.prose(&m, "name");
    let phone = r.text(&m, "phone");
    let email = required_email(r, &m, "email", node.pos)?;
    Some(Contact {
        name,
        email: Some(email),
        phone,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostics;
    use crate::frontmatter::fields::READ;
    use crate::frontmatter::schema::{Field, Type};
    use std::collections::BTreeSet;

    /// Block lines of every field of `fields` at `indent`, each with its example.
    fn every_field(fields: &[Field], indent: usize) -> String {
        let mut out = String::new();
        for f in fields {
            let pad = " ".repeat(indent);
            match f.ty {
                Type::Map(sub) => out.push_str(&format!(
                    "{pad}{}:\n{}",
                    f.name,
                    every_field(sub, indent + 2)
                )),
                _ => out.push_str(&format!("{pad}{}: {}\n", f.name, f.example)),
            }
        }
        out
    }

    /// The reader reads exactly the declared keys of `legal:` and its
    /// maps, and every example of the docs' tables is a valid value.
    #[test]
    fn the_reader_reads_every_declared_key_and_the_examples_are_valid() {
        let yaml = format!("legal:\n{}", every_field(schema::LEGAL, 2));
        let node = crate::frontmatter::yaml::parse(&yaml, 1).unwrap();
        let crate::frontmatter::yaml::Value::Map(entries) = &node.value else {
            panic!("{yaml}");
        };
        READ.with(|r| r.borrow_mut().clear());
        let mut diags = Diagnostics::new();
        let mut r = FieldReader::new("site.yaml", &yaml, &mut diags);
        let legal = read(&mut r, &entries[0].1);
        assert!(diags.is_empty(), "{:?}", diags.into_vec());
        let legal = legal.unwrap();
        assert!(legal.accessibility.is_some());
        let read: BTreeSet<(String, String)> = READ.with(|r| r.borrow().iter().cloned().collect());
        for (what, table) in [
            ("a `legal` setting", schema::LEGAL),
            ("an `accessibility` setting", schema::ACCESSIBILITY),
            ("an `enforcement` setting", schema::ENFORCEMENT),
        ] {
            let declared: BTreeSet<&str> = table.iter().map(|f| f.name).collect();
            let of_map: BTreeSet<&str> = read
                .iter()
                .filter(|(w, _)| w == what)
                .map(|(_, k)| k.as_str())
                .collect();
            assert_eq!(of_map, declared, "{what}");
        }
    }
}
