//! Slugs for file names and heading ids.

/// A file-name slug: German letters transliterated (ä→ae, ß→ss), anything
/// else that is not a-z or 0-9 joined into single `-`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        let repl: &str = match c {
            'ä' => "ae",
            'ö' => "oe",
            'ü' => "ue",
            'ß' => "ss",
            'à' | 'á' | 'â' | 'ã' | 'å' => "a",
            'ç' => "c",
            'è' | 'é' | 'ê' | 'ë' => "e",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'ñ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ø' => "o",
            'ù' | 'ú' | 'û' => "u",
            _ => "",
        };
        if !repl.is_empty() {
            out.push_str(repl);
            dash = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            dash = false;
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// How long an id made from a title may be: enough for a few words, short
/// enough for addresses, file names and references that are typed.
pub const ID_MAX: usize = 40;

/// [`slugify`] cut after its last whole word that fits in [`ID_MAX`]
/// characters (a first word longer than that is cut itself): the file
/// name `tandem new` gives a title.
pub fn short_slug(text: &str) -> String {
    let slug = slugify(text);
    if slug.len() <= ID_MAX {
        return slug;
    }
    // The slug is ASCII: bytes are characters.
    let cut = slug[..=ID_MAX]
        .rfind('-')
        .filter(|&i| i > 0)
        .unwrap_or(ID_MAX);
    slug[..cut].trim_end_matches('-').to_string()
}

/// A heading id as the content format defines it: lower-case, letters and
/// digits kept (umlauts included), every other run turned into `-`.
pub fn heading_id(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
            dash = false;
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(
            slugify("Größe & Übermut: Köln 2022!"),
            "groesse-uebermut-koeln-2022"
        );
        assert_eq!(heading_id("Ziele und Vorgehen"), "ziele-und-vorgehen");
        assert_eq!(short_slug("Café crème"), "cafe-creme");
        let long = short_slug(
            "Fachtag Berufsorientierung: Übergänge von der Schule in Ausbildung und Studium gestalten",
        );
        assert_eq!(long, "fachtag-berufsorientierung-uebergaenge");
        // Exactly at the limit, the word is kept.
        assert_eq!(short_slug(&"a".repeat(40)), "a".repeat(40));
        assert_eq!(short_slug(&format!("{} b", "a".repeat(40))), "a".repeat(40));
        assert_eq!(short_slug(&"a".repeat(50)), "a".repeat(40));
        assert_eq!(heading_id("Förderung (ESF)"), "förderung-esf");
    }
}
