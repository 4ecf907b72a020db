//! `partcert_relation`: a part's relation to the verifying handset.

use partcert::Relation;

/// A part's relation to the handset doing the verifying.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum partcert_relation {
    /// Paired to this handset.
    PairedHere = 1,
    /// Paired to another handset (a used part).
    PairedElsewhere = 2,
    /// No pairing record was presented.
    Unpaired = 3,
}

impl From<Relation> for partcert_relation {
    fn from(relation: Relation) -> Self {
        match relation {
            Relation::PairedHere => partcert_relation::PairedHere,
            Relation::PairedElsewhere => partcert_relation::PairedElsewhere,
            Relation::Unpaired => partcert_relation::Unpaired,
        }
    }
}
