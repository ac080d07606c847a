//! The schema of `src/frontmatter/schema.rs` as the docs and editors see it:
//! the field tables of `docs/authoring.md` are the ones it makes, and the
//! JSON Schema of `tandem schema` accepts the example site's front matter
//! and refuses a wrong key.

use assert_cmd::Command;
use tandem::content::split_front_matter;
use tandem::entry::Kind;
use tandem::frontmatter::{schema, yaml};

#[test]
fn the_field_tables_in_the_docs_are_up_to_date() {
    tables_are_up_to_date("fields", &schema::markdown());
    tables_are_up_to_date("legal-fields", &schema::legal_markdown());
}

/// The text between `<!-- NAME:start -->` and `<!-- NAME:end -->` in
/// docs/authoring.md is `tables`.
fn tables_are_up_to_date(name: &str, tables: &str) {
    let (start_marker, end_marker) = (
        format!("<!-- {name}:start -->\n"),
        format!("<!-- {name}:end -->"),
    );
    let (start_at, end_at) = (start_marker.as_str(), end_marker.as_str());
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/authoring.md");
    let docs = std::fs::read_to_string(path).unwrap();
    let (Some(start), Some(end)) = (docs.find(start_at), docs.find(end_at)) else {
        panic!(
            "docs/authoring.md has no `{}` … `{end_at}` markers",
            start_at.trim()
        );
    };
    let start = start + start_at.len();
    let fresh = format!("{tables}\n");
    if docs[start..end] == fresh {
        return;
    }
    if std::env::var_os("TANDEM_BLESS").is_some() {
        let updated = format!("{}{fresh}{}", &docs[..start], &docs[end..]);
        std::fs::write(path, updated).unwrap();
        return;
    }
    panic!(
        "docs/authoring.md's field tables differ from src/frontmatter/schema.rs; \
         rewrite them with `TANDEM_BLESS=1 cargo test --test schema`"
    );
}

fn validator(kind: &str) -> jsonschema::Validator {
    let out = Command::cargo_bin("tandem")
        .unwrap()
        .args(["schema", kind])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    jsonschema::draft202012::new(&schema).unwrap()
}

/// The front matter of the file at `path` as JSON.
fn front_matter(text: &str) -> serde_json::Value {
    let split = split_front_matter(text).unwrap();
    yaml::parse(&text[split.yaml_start..split.yaml_end], 2)
        .unwrap()
        .to_json()
}

#[test]
fn every_example_file_validates_against_its_kind_s_schema() {
    let content = concat!(env!("CARGO_MANIFEST_DIR"), "/content");
    let mut checked = 0;
    for kind in Kind::SECTIONS {
        let v = validator(kind.name());
        let dir = std::path::Path::new(content).join(kind.folder());
        for file in std::fs::read_dir(&dir).unwrap() {
            let path = file.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            // A listing's text, and translations (`x.en.md`), which hold
            // only words and are checked by the build.
            if name.starts_with("_index") || name.ends_with(".en.md") {
                continue;
            }
            let value = front_matter(&std::fs::read_to_string(&path).unwrap());
            let errors: Vec<String> = v.iter_errors(&value).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
            checked += 1;
        }
    }
    assert!(checked > 40, "only {checked} files checked");
}

#[test]
fn a_wrong_key_or_type_fails_and_a_new_scaffold_passes() {
    let v = validator("event");
    let good = front_matter(
        "---\ntitle: Auftakt\nstart: 2027-03-10T10:00\nlocation: { name: Rathaus, city: Hamm }\n---\n",
    );
    assert!(v.is_valid(&good));
    let typo = front_matter("---\ntitle: Auftakt\nstat: 2027-03-10T10:00\n---\n");
    assert!(!v.is_valid(&typo));
    let sub_key =
        front_matter("---\ntitle: Auftakt\nlocation: { name: Rathaus, town: Hamm }\n---\n");
    assert!(!v.is_valid(&sub_key));
    let no_title = front_matter("---\nstart: 2027-03-10\n---\n");
    assert!(!v.is_valid(&no_title));
    let wrong_status = front_matter("---\ntitle: A\nstatus: abgesagt\n---\n");
    assert!(!v.is_valid(&wrong_status));
    // What `tandem new` writes, empty fields and all.
    for kind in Kind::SECTIONS {
        let text = tandem::scaffold::template(kind, "Auftakt", chrono::NaiveDate::default());
        let value = front_matter(&text);
        let errors: Vec<String> = validator(kind.name())
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{text}: {errors:?}");
    }
}

#[test]
fn schema_without_a_kind_holds_every_kind_and_a_wrong_kind_is_refused() {
    let out = Command::cargo_bin("tandem")
        .unwrap()
        .arg("schema")
        .output()
        .unwrap();
    assert!(out.status.success());
    let all: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for kind in ["network", "partner", "project", "event", "post", "page"] {
        assert!(
            all["$defs"][kind]["properties"]["title"].is_object(),
            "{kind}"
        );
    }
    let out = Command::cargo_bin("tandem")
        .unwrap()
        .args(["schema", "evnt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `event`?"));
}
