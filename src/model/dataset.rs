//! The closed values of a distributed Map's `ItemReader.ReaderConfig` and
//! `ResultWriter.WriterConfig`, named once: the validator checks against them, the interpreter
//! reads them, the studio offers them.

macro_rules! closed {
    ($(#[$doc:meta])* $name:ident { $( $(#[$vdoc:meta])* $variant:ident = $text:literal, )* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vdoc])* $variant, )*
        }

        impl $name {
            /// Every value, in the order AWS documents them.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];
            /// Every value as written in ASL.
            pub const NAMES: &'static [&'static str] = &[$($text,)*];

            /// The value as written in ASL.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)* }
            }

            /// Reads a value as written in ASL.
            pub fn from_name(name: &str) -> Option<Self> {
                match name { $($text => Some($name::$variant),)* _ => None }
            }
        }
    };
}

closed! {
    /// `ReaderConfig.InputType`: what the S3 object holds.
    InputType {
        /// Delimited text.
        Csv = "CSV",
        /// A JSON array (the default without `ReaderConfig`).
        Json = "JSON",
        /// JSON Lines: one JSON value a line.
        Jsonl = "JSONL",
        /// An S3 inventory or Athena manifest.
        Manifest = "MANIFEST",
        /// Apache Parquet.
        Parquet = "PARQUET",
    }
}

closed! {
    /// `ReaderConfig.CSVHeaderLocation`: where a CSV file's column names are.
    HeaderLocation {
        /// The first row (the default).
        FirstRow = "FIRST_ROW",
        /// `CSVHeaders`, given in the definition.
        Given = "GIVEN",
    }
}

closed! {
    /// `ReaderConfig.CSVDelimiter`.
    CsvDelimiter {
        /// `,` (the default).
        Comma = "COMMA",
        /// `|`.
        Pipe = "PIPE",
        /// `;`.
        Semicolon = "SEMICOLON",
        /// A space.
        Space = "SPACE",
        /// A tab.
        Tab = "TAB",
    }
}

impl CsvDelimiter {
    /// The character it names.
    pub fn char(self) -> char {
        match self {
            Self::Comma => ',',
            Self::Pipe => '|',
            Self::Semicolon => ';',
            Self::Space => ' ',
            Self::Tab => '\t',
        }
    }
}

closed! {
    /// `WriterConfig.Transformation`: how each child's result is written.
    Transformation {
        /// Each child's execution record (the default when exporting).
        None = "NONE",
        /// Each child's output (the default otherwise).
        Compact = "COMPACT",
        /// Each child's output, arrays spliced into the list.
        Flatten = "FLATTEN",
    }
}

closed! {
    /// `WriterConfig.OutputType`: how exported result files are written.
    OutputType {
        /// A JSON array (the default).
        Json = "JSON",
        /// JSON Lines.
        Jsonl = "JSONL",
    }
}

/// The values of one of these enums for a message: `A, B or C`.
pub fn one_of(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_reads_back_and_messages_list_them() {
        for v in InputType::ALL {
            assert_eq!(InputType::from_name(v.as_str()), Some(*v));
        }
        for v in CsvDelimiter::ALL {
            assert_eq!(CsvDelimiter::from_name(v.as_str()), Some(*v));
        }
        assert_eq!(InputType::from_name("json"), None);
        assert_eq!(one_of(OutputType::NAMES), "JSON or JSONL");
        assert_eq!(one_of(Transformation::NAMES), "NONE, COMPACT or FLATTEN");
    }
}
