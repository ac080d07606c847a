//! A site in its further languages. Each language is built from a copy
//! of the model in which every entry carries its translation's words, or
//! its main-language words marked as such: relations, listing order,
//! dates and UIDs are the main language's, so they cannot differ between
//! languages. The build runs its one pipeline over that copy (see
//! `build::render_site_keeping`).

use super::Site;
use crate::config::Language;
use crate::content::Translation;
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::entry::{Entry, KindData};
use std::collections::HashMap;

impl Site {
    /// Keeps the translations whose main file exists, reporting the
    /// others and words given for something the main file does not have.
    pub(super) fn take_translations(
        &mut self,
        translations: Vec<Translation>,
        diags: &mut Diagnostics,
    ) {
        for t in translations {
            let main = self
                .by_source
                .get(&t.of)
                .map(|&i| &self.entries[i])
                .or_else(|| self.sections.values().find(|s| s.source == t.of))
                .or(self.home.as_ref().filter(|h| h.source == t.of));
            // A field that is not words, beside where the main file states it.
            let kind = t.kind;
            for (key, pos) in &t.stray {
                let mut d = Diagnostic::error(
                    &t.source,
                    *pos,
                    crate::content::translation::stray_message(kind, key, &t.of),
                )
                .with_source(&t.text);
                if let Some(at) = main.and_then(|m| crate::frontmatter::find_key(&m.text, key)) {
                    d = d.with_note(format!(
                        "{}:{}:{}: `{key}` as the main file states it",
                        t.of, at.line, at.col
                    ));
                }
                diags.push(d);
            }
            let Some(main) = main else {
                if !self.rejected.contains_key(&t.of) {
                    diags.push(
                        Diagnostic::error(
                            &t.source,
                            Pos::START,
                            format!(
                                "there is no `{}` for this file to translate: a translation sits beside its main-language file and has its name (`kickoff.md`, `kickoff.{}.md`)",
                                t.of,
                                t.language.code()
                            ),
                        )
                        .with_source(&t.text),
                    );
                }
                continue;
            };
            if let Some((_, _, pos)) = &t.location
                && main.event().is_none_or(|ev| ev.location.is_none())
            {
                diags.push(
                    Diagnostic::error(
                        &t.source,
                        *pos,
                        format!(
                            "`{}` has no `location` to translate: the place is stated in the main file",
                            t.of
                        ),
                    )
                    .with_source(&t.text),
                );
            }
            self.translations.push(t);
        }
    }

    /// This site as its `lang` pages show it (see the module's text).
    pub fn in_language(&self, lang: Language) -> Site {
        let words: HashMap<&str, &Translation> = self
            .translations
            .iter()
            .filter(|t| t.language == lang)
            .map(|t| (t.of.as_str(), t))
            .collect();
        let main = self.config.main_language().code();
        let show = |e: &Entry| match words.get(e.source.as_str()) {
            Some(t) => translated(e, t),
            None => Entry {
                text_lang: Some(main),
                ..e.clone()
            },
        };
        Site {
            config: self.config.for_language(lang),
            entries: self.entries.iter().map(show).collect(),
            index: self.index.clone(),
            by_source: self.by_source.clone(),
            sections: self.sections.iter().map(|(k, e)| (*k, show(e))).collect(),
            home: self.home.as_ref().map(show),
            links: self.links.clone(),
            of_kind: self.of_kind.clone(),
            rejected: self.rejected.clone(),
            lock: self.lock.clone(),
            cancelled: self.cancelled.clone(),
            images: self.images.clone(),
            translations: Vec::new(),
            feeds_kept: None,
        }
    }

    /// The visible entries that have no translation into `lang`.
    pub fn untranslated(&self, lang: Language) -> Vec<usize> {
        let done: std::collections::HashSet<&str> = self
            .translations
            .iter()
            .filter(|t| t.language == lang)
            .map(|t| t.of.as_str())
            .collect();
        (0..self.entries.len())
            .filter(|&i| self.visible(i) && !done.contains(self.entries[i].source.as_str()))
            .collect()
    }

    /// What `tandem check` says of the entries each further language
    /// lacks (unless `translations: required` made them warnings): how
    /// many, and which files, twenty at most.
    pub fn untranslated_report(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if self.config.translations_required {
            return lines;
        }
        for &lang in self.config.languages.iter().skip(1) {
            let missing = self.untranslated(lang);
            let visible = (0..self.entries.len()).filter(|&i| self.visible(i)).count();
            if missing.is_empty() {
                lines.push(format!(
                    "info: every entry has its {} translation",
                    lang.english_name()
                ));
                continue;
            }
            lines.push(format!(
                "info: {} of {visible} entries have no {} translation (their pages below {}/ show the {} text, marked as such); `translations: required` in site.yaml makes each a warning:",
                missing.len(),
                lang.english_name(),
                lang.code(),
                self.config.main_language().english_name(),
            ));
            for &i in missing.iter().take(20) {
                lines.push(format!("  {}", self.entries[i].source));
            }
            if missing.len() > 20 {
                lines.push(format!("  … and {} more", missing.len() - 20));
            }
        }
        lines
    }

    /// With `translations: required`, a warning for each entry a further
    /// language lacks; and placeholder text left in a translation.
    pub(super) fn lint_translations(&self, diags: &mut Diagnostics) {
        for t in &self.translations {
            if let Some(off) = super::find_placeholder(&t.text) {
                diags.push(
                    Diagnostic::warning(
                        &t.source,
                        crate::frontmatter::pos_of_offset(&t.text, off),
                        "placeholder text (\"Lorem ipsum\") left in the page",
                    )
                    .with_source(&t.text),
                );
            }
        }
        if !self.config.translations_required {
            return;
        }
        for &lang in &self.config.languages[1..] {
            for i in self.untranslated(lang) {
                let e = &self.entries[i];
                let name = e.source.rsplit('/').next().unwrap_or_default();
                let stem = name.strip_suffix(".md").unwrap_or(name);
                diags.push(Diagnostic::warning(
                    &e.source,
                    Pos::START,
                    format!(
                        "no {} translation: write `{stem}.{}.md` beside this file (`tandem new {} --lang {} {}`), or set `translations: optional` in site.yaml",
                        lang.english_name(),
                        lang.code(),
                        e.kind.name(),
                        lang.code(),
                        e.id,
                    ),
                ));
            }
        }
    }
}

/// `e` with the words of `t`.
fn translated(e: &Entry, t: &Translation) -> Entry {
    let mut out = Entry {
        source: t.source.clone(),
        text: t.text.clone(),
        title: t.title.clone(),
        summary: t.summary.clone(),
        body_start: t.body_start,
        body_line: t.body_line,
        text_lang: None,
        ..e.clone()
    };
    if let (Some(alt), Some(img)) = (&t.image_alt, &mut out.image) {
        img.alt = alt.clone();
    }
    if let serde_json::Value::Object(words) = &t.extra {
        match &mut out.extra {
            serde_json::Value::Object(extra) => {
                extra.extend(words.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            extra => *extra = t.extra.clone(),
        }
    }
    match &mut out.data {
        KindData::Partner(p) => {
            if let (Some(alt), Some(logo)) = (&t.logo_alt, &mut p.logo) {
                logo.alt = alt.clone();
            }
        }
        KindData::Event(ev) => {
            if let (Some((name, address, _)), Some(loc)) = (&t.location, &mut ev.location) {
                if name.is_some() {
                    loc.name = name.clone();
                }
                if address.is_some() {
                    loc.address = address.clone();
                }
            }
            if t.registration.is_some() {
                ev.registration = t.registration.clone();
            }
        }
        _ => {}
    }
    out
}
