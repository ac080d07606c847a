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
        assert_eq!(heading_id("Förderung (ESF)"), "förderung-esf");
    }
}
