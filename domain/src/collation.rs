//! Swedish alphabetical order, computed once in Rust so that SQLite and PostgreSQL sort the
//! same way without depending on either database's collation support.

/// A key whose byte order is Swedish alphabetical order, case-insensitive: a–z, then å, ä, ö.
/// `é`/`è`/`ü` and friends sort as their base letter, as Swedish dictionaries do; digits
/// before letters; punctuation and spaces kept (so "Ab C" < "AbC" in byte order as in SAOL).
pub fn swedish_sort_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    for ch in text.trim().chars().flat_map(char::to_lowercase) {
        let mapped = match ch {
            // Letters after z: encode them above ASCII 'z' (0x7A) in byte order.
            'å' => '{',
            'ä' | 'æ' => '|',
            'ö' | 'ø' => '}',
            'á' | 'à' | 'â' | 'ã' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'õ' => 'o',
            'ú' | 'ù' | 'û' => 'u',
            'ü' | 'ý' | 'ÿ' => 'y',
            'ç' => 'c',
            'ñ' => 'n',
            c if c.is_ascii_graphic() || c == ' ' => c,
            // Other letters (rare in names here) after ö, keeping them distinct and stable.
            c => {
                key.push('~');
                c
            }
        };
        key.push(mapped);
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        v.sort_by_key(|n| swedish_sort_key(n));
        v
    }

    #[test]
    fn a_ring_a_umlaut_o_umlaut_come_after_z() {
        assert_eq!(
            sorted(&["Örkelljunga IF", "Ängby", "Zonta", "Åby", "abc"]),
            ["abc", "Zonta", "Åby", "Ängby", "Örkelljunga IF"]
        );
    }

    #[test]
    fn case_insensitive() {
        assert_eq!(swedish_sort_key("ÅBY IF"), swedish_sort_key("åby if"));
        assert_eq!(sorted(&["b", "A", "a2"]), ["A", "a2", "b"]);
    }

    #[test]
    fn a_space_separates_words_and_sorts_before_letters() {
        // SAOL's word-by-word order: "Ab C" before "AbC", "Ek gården" before "Ekbacken".
        assert_eq!(sorted(&["AbC", "Ab C"]), ["Ab C", "AbC"]);
        assert_eq!(
            sorted(&["Ekbacken", "Ek gården"]),
            ["Ek gården", "Ekbacken"]
        );
        assert_eq!(swedish_sort_key("  Ab C "), "ab c");
    }

    #[test]
    fn characters_outside_the_swedish_alphabet_sort_after_o_umlaut() {
        for other in ['ß', 'ł', 'π', '\u{1}', '\u{1f}', '\t'] {
            let name = format!("Ab{other}c");
            assert!(
                swedish_sort_key(&name) > swedish_sort_key("Abö"),
                "{name:?} sorts after Abö"
            );
            assert_ne!(swedish_sort_key(&name), swedish_sort_key("Abc"));
        }
    }

    #[test]
    fn accents_fold_to_their_base_letter() {
        // Since SAOL 13 (2006) w is a letter of its own, after v.
        assert!(swedish_sort_key("Vassa") < swedish_sort_key("Wallin"));
        assert!(swedish_sort_key("Café") < swedish_sort_key("Caff"));
        assert!(swedish_sort_key("Müller") < swedish_sort_key("Mz"));
    }
}
