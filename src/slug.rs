//! Slugs for file names and heading ids.

/// A file-name slug: German letters in the German way (ä→ae, ß→ss), every
/// other letter transliterated by `deunicode` (Łódź→lodz), and anything
/// else that is not a-z or 0-9 joined into single `-`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        let ascii = match c {
            'ä' | 'Ä' => "ae",
            'ö' | 'Ö' => "oe",
            'ü' | 'Ü' => "ue",
            'ß' | 'ẞ' => "ss",
            // Letters and digits of other scripts by their Latin spelling;
            // anything else (an emoji, a symbol) only parts words rather
            // than becoming the word of its name ("grinning").
            _ if c.is_alphanumeric() => deunicode::deunicode_char(c).unwrap_or(""),
            _ => "",
        };
        for a in ascii.chars() {
            if a.is_ascii_alphanumeric() {
                out.push(a.to_ascii_lowercase());
                dash = false;
            } else if !dash && !out.is_empty() {
                out.push('-');
                dash = true;
            }
        }
        // A character without transliteration still parts words.
        if ascii.is_empty() && !dash && !out.is_empty() {
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

    #[test]
    fn german_letters_keep_the_german_convention() {
        assert_eq!(slugify("ÄÖÜ äöü ß ẞ"), "aeoeue-aeoeue-ss-ss");
        assert_eq!(slugify("Übergänge"), "uebergaenge");
        assert_eq!(slugify("Straße"), "strasse");
    }

    #[test]
    fn other_letters_are_transliterated() {
        assert_eq!(slugify("Łódź"), "lodz");
        assert_eq!(slugify("Kraków – Gdańsk"), "krakow-gdansk");
        assert_eq!(slugify("Škoda Ørsted Ångström"), "skoda-orsted-angstroem");
        assert_eq!(slugify("İstanbul"), "istanbul");
        assert_eq!(slugify("Café crème brûlée"), "cafe-creme-brulee");
        assert_eq!(short_slug("Αθήνα"), "athena");
        // Nothing to keep: an empty slug, no stray dashes.
        assert_eq!(slugify("¿?!"), "");
        assert_eq!(slugify("Sommerfest \u{1F600} 2027"), "sommerfest-2027");
        assert_eq!(slugify("北京"), "bei-jing");
    }
}
