//! The folded form of names that searches compare: lower case, accents
//! removed, and the Nordic and other letters that have no Unicode
//! decomposition written as their plain Latin equivalents, so that `Soren`
//! finds `Søren`, `Ase` finds `Åse` and `AEro` finds `Ærø`. Stored beside
//! the name (SQLite's `lower()` and `LIKE` only know ASCII, so folding in
//! SQL would not work on both engines).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds `text` for searching. Whitespace runs become one space.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'ø' | 'Ø' => out.push('o'),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'ß' | 'ẞ' => out.push_str("ss"),
            'đ' | 'Đ' | 'ð' | 'Ð' => out.push('d'),
            'ł' | 'Ł' => out.push('l'),
            'þ' | 'Þ' => out.push_str("th"),
            'ı' => out.push('i'),
            c if c.is_whitespace() => {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c => out.extend(c.to_lowercase()),
        }
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn accents_and_nordic_letters_fold_to_plain_latin() {
        assert_eq!(fold("Åse Ødegård"), "ase odegard");
        assert_eq!(fold("Søren Kærgaard"), "soren kaergaard");
        assert_eq!(fold("Zoë Müller-Lüdenscheidt"), "zoe muller-ludenscheidt");
        assert_eq!(fold("  José   Ramírez "), "jose ramirez");
        assert_eq!(fold("Thandiwe Ngcobo"), "thandiwe ngcobo");
    }

    #[test]
    fn the_fold_of_a_fold_is_the_same() {
        for name in ["Åse", "Søren", "Ærø", "Straße"] {
            assert_eq!(fold(&fold(name)), fold(name));
        }
    }
}
