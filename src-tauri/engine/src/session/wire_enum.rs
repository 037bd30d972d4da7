//! `wire_enum!`: an enum whose values travel as fixed snake_case strings (in records on disk, to
//! the UI, in logs). One list of `Variant = "name"` pairs feeds the type, serde, ts-rs, `ALL` and
//! `as_str`, so a value cannot be added to the type but forgotten by the tests that walk `ALL`,
//! and the name on disk cannot drift from the name in the UI.

macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, ts_rs::TS,
        )]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The value's name on the wire (the same text serde writes).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $text, )+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use wire_enum;

#[cfg(test)]
mod tests {
    wire_enum! {
        /// A two-value enum to test the macro itself.
        pub enum Sample {
            /// First.
            OneWord = "one_word",
            /// Second.
            Two = "two",
        }
    }

    #[test]
    fn serde_display_and_all_agree() {
        assert_eq!(Sample::ALL, &[Sample::OneWord, Sample::Two], "ALL must list every value in order");
        for v in Sample::ALL {
            let json = serde_json::to_string(v).expect("a unit enum always serialises");
            assert_eq!(json, format!("\"{}\"", v.as_str()), "serde and as_str disagree for {v:?}");
            assert_eq!(v.to_string(), v.as_str(), "Display and as_str disagree for {v:?}");
            let back: Sample = serde_json::from_str(&json).expect("its own name must parse back");
            assert_eq!(back, *v);
        }
        assert!(
            serde_json::from_str::<Sample>("\"OneWord\"").is_err(),
            "only the wire name may parse, not the Rust name"
        );
    }

    #[test]
    fn typescript_uses_the_wire_names() {
        use ts_rs::TS;
        let decl = Sample::decl(&ts_rs::Config::default());
        assert!(decl.contains("\"one_word\"") && decl.contains("\"two\""), "TS declaration was: {decl}");
    }
}
