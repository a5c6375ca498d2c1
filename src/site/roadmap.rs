//! The roadmap: stage pages ordered by their `stage`, a number used twice warned about.

use std::collections::HashMap;

use super::Page;
use crate::diag::{Diagnostic, Diagnostics};
use crate::source::{Kind, KindData};

/// Stage pages of `ordered` (the pages in listing order), ordered by `stage`.
pub(super) fn stages(pages: &[Page], ordered: &[usize], diags: &mut Diagnostics) -> Vec<usize> {
    let mut stages: Vec<usize> = ordered
        .iter()
        .copied()
        .filter(|&i| pages[i].kind() == Kind::Stage)
        .collect();
    stages.sort_by_key(|&i| match &pages[i].source.front.kind {
        KindData::Stage(stage) => stage.stage,
        _ => 0,
    });
    let mut seen_stage: HashMap<i64, usize> = HashMap::new();
    for &i in &stages {
        if let KindData::Stage(stage) = &pages[i].source.front.kind {
            if let Some(&other) = seen_stage.get(&stage.stage) {
                diags.push(
                    Diagnostic::coded_error(
                        &pages[i].source.path,
                        pages[i].source.key_line("stage"),
                        1,
                        "stage-reused",
                        &[
                            ("stage", &stage.stage.to_string()),
                            ("other", &pages[other].source.path.display().to_string()),
                        ],
                    )
                    .warning(),
                );
            }
            seen_stage.insert(stage.stage, i);
        }
    }
    stages
}
