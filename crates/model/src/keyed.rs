//! [`keyed!`](crate::keyed): an enum whose choices each have a key (in a URL, a CSV, the JSON
//! output, the DOM protocol) and optionally a label (what the page calls it), each written once.
//! The parameters' `choices!` (`params.rs`) builds on it, and so do the page's own enums
//! (`poolsim_page`'s `Palette`, `Layout`, `teach::Target`, `predict`'s `Figure` and `Side`,
//! `poolsim_ui::lazy::DialogKind`). It generates plain Rust, no simulation: it lives in the model
//! because every crate that names choices depends on the model.

/// Declares an enum and, from one line per choice `Variant => "key" (, label "Label")?;`, its
/// `ALL`, `KEYS`, `key()`, `label()` (the key when it has none) and `from_key()`. The enum derives
/// `Clone, Copy, Debug, PartialEq, Eq`; more derives and attributes go above it.
#[macro_export]
macro_rules! keyed {
    (@label $key:literal) => {
        $key
    };
    (@label $key:literal, $label:literal) => {
        $label
    };
    (
        $(#[$attr:meta])*
        $visibility:vis enum $name:ident {
            $(
                $(#[$variant_attr:meta])*
                $variant:ident => $key:literal $(, label $label:literal)? ;
            )+
        }
    ) => {
        $(#[$attr])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        $visibility enum $name {
            $( $(#[$variant_attr])* $variant, )+
        }

        impl $name {
            /// Every choice, in the order declared.
            pub const ALL: [$name; [$($key),+].len()] = [$($name::$variant),+];
            /// Every choice's key, in the order declared.
            pub const KEYS: &'static [&'static str] = &[$($key),+];

            /// Its key.
            pub const fn key(self) -> &'static str {
                match self {
                    $( $name::$variant => $key, )+
                }
            }

            /// What the page calls it (its key when it has no label).
            pub const fn label(self) -> &'static str {
                match self {
                    $( $name::$variant => $crate::keyed!(@label $key $(, $label)?), )+
                }
            }

            /// The choice whose key is `key`.
            pub fn from_key(key: &str) -> Option<$name> {
                Self::ALL.into_iter().find(|choice| choice.key() == key)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::keyed! {
        /// A test enum.
        pub enum Shade {
            /// Light.
            Light => "light";
            /// Dark.
            Dark => "dark", label "Dark colours";
        }
    }

    #[test]
    fn each_choice_has_its_key_label_and_place() {
        assert_eq!(Shade::KEYS, ["light", "dark"]);
        assert_eq!(Shade::ALL, [Shade::Light, Shade::Dark]);
        assert_eq!(
            (Shade::Light.label(), Shade::Dark.label()),
            ("light", "Dark colours")
        );
        assert_eq!(Shade::from_key("dark"), Some(Shade::Dark));
        assert_eq!(Shade::from_key("Dark"), None);
    }
}
