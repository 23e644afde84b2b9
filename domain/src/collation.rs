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

    mod properties {
        use std::cmp::Ordering;

        use super::*;
        use proptest::prelude::*;

        /// The Swedish alphabet as SAOL orders it, after the space and the digits.
        const ALPHABET: &str = " 0123456789abcdefghijklmnopqrstuvwxyzåäö";

        /// An independent statement of the order: letter by letter along the alphabet,
        /// case ignored, a name before its own continuations.
        fn saol(a: &str, b: &str) -> Ordering {
            let positions = |s: &str| -> Vec<usize> {
                s.trim()
                    .chars()
                    .flat_map(char::to_lowercase)
                    .map(|c| {
                        ALPHABET
                            .chars()
                            .position(|x| x == c)
                            .expect("in the alphabet")
                    })
                    .collect()
            };
            positions(a).cmp(&positions(b))
        }

        fn swedish_name() -> impl Strategy<Value = String> {
            "[ 0-9a-zA-ZåäöÅÄÖ]{0,12}"
        }

        proptest! {
            #[test]
            fn the_key_orders_names_as_the_swedish_alphabet_does(a in swedish_name(), b in swedish_name()) {
                prop_assert_eq!(swedish_sort_key(&a).cmp(&swedish_sort_key(&b)), saol(&a, &b));
            }

            /// Equal keys exactly for the same name in other case: lists break such ties by id.
            #[test]
            fn names_share_a_key_only_when_they_differ_in_case_alone(a in swedish_name(), b in swedish_name()) {
                let same = a.trim().to_lowercase() == b.trim().to_lowercase();
                prop_assert_eq!(swedish_sort_key(&a) == swedish_sort_key(&b), same);
                prop_assert_eq!(swedish_sort_key(&a), swedish_sort_key(&a.to_uppercase()));
            }

            /// Sorting any names by key is a total order: whatever order they came in, they
            /// leave in one order, each key no greater than the next (ties broken by the name).
            #[test]
            fn sorting_by_key_is_a_total_order(mut names in prop::collection::vec(any::<String>(), 0..12)) {
                let by_key = |a: &String, b: &String| {
                    swedish_sort_key(a).cmp(&swedish_sort_key(b)).then_with(|| a.cmp(b))
                };
                let mut reversed = names.clone();
                reversed.reverse();
                names.sort_by(by_key);
                reversed.sort_by(by_key);
                prop_assert_eq!(&names, &reversed);
                for pair in names.windows(2) {
                    prop_assert_ne!(by_key(&pair[0], &pair[1]), Ordering::Greater);
                    prop_assert_eq!(by_key(&pair[1], &pair[0]), by_key(&pair[0], &pair[1]).reverse());
                }
            }

            #[test]
            fn accented_letters_sort_with_their_base_letter(
                head in "[a-z]{0,5}",
                tail in "[a-z]{0,5}",
                (accented, base) in prop::sample::select(vec![
                    ('é', 'e'), ('è', 'e'), ('á', 'a'), ('à', 'a'), ('ü', 'y'), ('ç', 'c'), ('ñ', 'n'),
                    ('æ', 'ä'), ('ø', 'ö'), ('É', 'e'), ('Ü', 'y'),
                ]),
            ) {
                prop_assert_eq!(
                    swedish_sort_key(&format!("{head}{accented}{tail}")),
                    swedish_sort_key(&format!("{head}{base}{tail}"))
                );
            }
        }
    }
}
