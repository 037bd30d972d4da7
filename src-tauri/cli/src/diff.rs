//! `grove diff ID [--stat] [--scope branch|review|turn] [--json]` (ARCHITECTURE §3.5, SPEC K1):
//! a session's change, read through the same engine calls as the review panel. Default: a
//! unified diff of every file, read page by page; `--stat`: git-like `path | N +++--` lines and a
//! totals line; `--json`: one JSON document (the summary, with every file's rows under `--json`
//! without `--stat`).

use std::io::Write;
use std::process::ExitCode;

use grove_engine::config::ConfigSources;
use grove_engine::home::GroveHome;
use grove_engine::ids::SessionId;
use grove_engine::ops::{Interrupt, Ops};
use grove_engine::review::{DiffRow, DiffScope, DiffSummary, FileChange, MAX_PAGE_ROWS, RowKind};
use grove_engine::store::Store;

use super::ops::lenient_config;
use super::{fail, fail_usage};

/// The widest bar of `+` and `-` in `--stat`, like git's default.
const STAT_BAR: u32 = 40;

/// One file of `--json` without `--stat`: its summary entry and all its rows.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct FileWithRows<'a> {
    #[serde(flatten)]
    file: &'a FileChange,
    rows: Vec<DiffRow>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct FullDiff<'a> {
    #[serde(flatten)]
    summary: &'a DiffSummary,
    files: Vec<FileWithRows<'a>>,
}

pub async fn run(
    home: &GroveHome,
    sources: &ConfigSources,
    id: &str,
    scope: &str,
    stat: bool,
    json: bool,
    interrupt: Interrupt,
) -> ExitCode {
    let id = match SessionId::new(id) {
        Ok(id) => id,
        Err(e) => return fail_usage(e),
    };
    let scope: DiffScope = match scope.parse() {
        Ok(scope) => scope,
        Err(e) => return fail_usage(e),
    };
    let ops = Ops::new(Store::new(home.clone()), lenient_config(sources));
    // Ctrl-C drops the reading future, which ends git's process groups with it.
    tokio::select! {
        why = interrupt.interrupted() => fail(format!("interrupted by {why}")),
        code = show(&ops, &id, scope, stat, json) => code,
    }
}

async fn show(ops: &Ops, id: &SessionId, scope: DiffScope, stat: bool, json: bool) -> ExitCode {
    let summary = match ops.diff_summary(id, scope).await {
        Ok(summary) => summary,
        Err(e) => return fail(e),
    };
    if !summary.scope_available {
        eprintln!("note: the {scope} scope of {id} has no change yet (no review marked or no turn ended)");
    }
    if stat {
        if json {
            super::print_json(&summary);
        } else {
            print!("{}", stat_text(&summary));
        }
        return ExitCode::SUCCESS;
    }
    let mut stdout = std::io::stdout().lock();
    let mut files = Vec::new();
    for file in &summary.files {
        let rows = match all_rows(ops, id, scope, &file.path).await {
            Ok(rows) => rows,
            Err(e) => return fail(e),
        };
        if json {
            files.push(FileWithRows { file, rows });
        } else if write_file(&mut stdout, file, &rows).is_err() {
            // The reader went away (a closed pipe): nothing left to do.
            return ExitCode::SUCCESS;
        }
    }
    if json {
        super::print_json(&FullDiff { summary: &summary, files });
    }
    ExitCode::SUCCESS
}

/// Every row of one file, page by page.
async fn all_rows(
    ops: &Ops,
    id: &SessionId,
    scope: DiffScope,
    path: &str,
) -> Result<Vec<DiffRow>, grove_engine::ops::OpError> {
    let mut rows = Vec::new();
    loop {
        let offset = u32::try_from(rows.len()).unwrap_or(u32::MAX);
        let page = ops.file_diff(id, scope, path, offset, MAX_PAGE_ROWS).await?;
        let done = page.rows.is_empty() || offset + page.rows.len() as u32 >= page.total_rows;
        rows.extend(page.rows);
        if done {
            return Ok(rows);
        }
    }
}

/// One file as a unified diff. Names are shown as they are (a file name with a newline shows
/// one), since this is for reading, not for `git apply`.
fn write_file(out: &mut impl Write, file: &FileChange, rows: &[DiffRow]) -> std::io::Result<()> {
    let old = file.old_path.as_deref().unwrap_or(&file.path);
    writeln!(out, "diff --grove a/{old} b/{}", file.path)?;
    if let (Some(from), Some(to)) = (&file.old_mode, &file.new_mode) {
        writeln!(out, "old mode {from}\nnew mode {to}")?;
    }
    if file.binary {
        return writeln!(out, "Binary files a/{old} and b/{} differ", file.path);
    }
    writeln!(out, "--- a/{old}\n+++ b/{}", file.path)?;
    for row in rows {
        let marker = match row.kind {
            RowKind::Hunk => "",
            RowKind::Context => " ",
            RowKind::Add => "+",
            RowKind::Del => "-",
            RowKind::NoNewline => "\\",
        };
        let clipped = if row.clipped { " [clipped]" } else { "" };
        writeln!(out, "{marker}{}{clipped}", row.text)?;
    }
    Ok(())
}

/// git's `--stat`: `path | N +++--` (binary: `Bin`), then the totals.
pub fn stat_text(summary: &DiffSummary) -> String {
    let width = summary.files.iter().map(|f| display_path(f).chars().count()).max().unwrap_or(0);
    let most = summary.files.iter().map(|f| f.additions.unwrap_or(0) + f.deletions.unwrap_or(0)).max().unwrap_or(0);
    let digits = most.to_string().len();
    let mut out = String::new();
    for file in &summary.files {
        let path = display_path(file);
        let pad = width - path.chars().count();
        let line = match (file.additions, file.deletions) {
            (Some(a), Some(d)) => {
                let (plus, minus) = bar(a, d, most);
                format!("{:>digits$} {}{}", a + d, "+".repeat(plus), "-".repeat(minus))
            }
            _ => "Bin".to_owned(),
        };
        out.push_str(&format!(" {path}{} | {line}\n", " ".repeat(pad)));
    }
    let n = summary.files.len();
    let plural = |n: u32, one: &str, many: &str| if n == 1 { one.to_owned() } else { many.to_owned() };
    out.push_str(&format!(
        " {n} {} changed, {} {}(+), {} {}(-)\n",
        plural(n as u32, "file", "files"),
        summary.additions,
        plural(summary.additions, "insertion", "insertions"),
        summary.deletions,
        plural(summary.deletions, "deletion", "deletions"),
    ));
    out
}

/// `old => new` for a rename or copy; a newline in a name is shown as `\n`.
fn display_path(file: &FileChange) -> String {
    let clean = |p: &str| p.replace('\n', "\\n");
    match &file.old_path {
        Some(old) => format!("{} => {}", clean(old), clean(&file.path)),
        None => clean(&file.path),
    }
}

/// The lengths of the `+` and `-` bars, scaled so the largest change fills [`STAT_BAR`].
fn bar(adds: u32, dels: u32, most: u32) -> (usize, usize) {
    if most <= STAT_BAR {
        return (adds as usize, dels as usize);
    }
    let scale =
        |n: u32| if n == 0 { 0 } else { ((u64::from(n) * u64::from(STAT_BAR)) / u64::from(most)).max(1) as usize };
    (scale(adds), scale(dels))
}
