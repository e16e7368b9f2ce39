//! `cargo xtask size`: brotli (quality 11) sizes of the app and card bundles in `dist/`,
//! against the budgets (card ≤ 90 KB; the app's first load — connect and the server list:
//! wasm + js + css — ≤ 220 KB). The server page's bundle (`ptero-manager-*`), loaded when
//! a server page opens, is printed apart, and the app's total with it.

use crate::cmd::{root, Result, StepError};
use std::fs;
use std::io::Write;
use std::path::Path;

const CARD_BUDGET: usize = 90 * 1024;
const APP_BUDGET: usize = 220 * 1024;

pub fn report() -> Result {
    let dist = root().join("dist");
    let (manager, first): (Vec<FileSize>, Vec<FileSize>) = bundle_sizes(&dist)?
        .into_iter()
        .partition(|f| f.name.starts_with(crate::build::MANAGER_PREFIX));
    let card = bundle_sizes(&dist.join("card"))?;
    print_bundle(
        "app first load (connect + server list)",
        &first,
        Some(APP_BUDGET),
    );
    print_bundle("app server page (on demand)", &manager, None);
    let total: usize = first.iter().chain(&manager).map(|f| f.brotli).sum();
    let raw: usize = first.iter().chain(&manager).map(|f| f.raw).sum();
    println!(
        "app total: {:.1} KB brotli ({:.1} KB raw)",
        kb(total),
        kb(raw)
    );
    print_bundle("card", &card, Some(CARD_BUDGET));
    println!(
        "  locales: {}; English built in, the others fetched from next to the card when one is needed",
        locales()?
    );
    Ok(())
}

struct FileSize {
    name: String,
    raw: usize,
    brotli: usize,
}

/// Sizes of the .wasm, .js and .css files directly inside `dir`.
fn bundle_sizes(dir: &Path) -> Result<Vec<FileSize>> {
    let entries = fs::read_dir(dir).map_err(|e| {
        StepError(format!(
            "reading {}: {e} (run `cargo xtask dist` first)",
            dir.display()
        ))
    })?;
    let mut sizes = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let wanted = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "wasm" | "js" | "css"));
        if !wanted || !path.is_file() {
            continue;
        }
        let bytes =
            fs::read(&path).map_err(|e| StepError(format!("reading {}: {e}", path.display())))?;
        sizes.push(FileSize {
            name: entry.file_name().to_string_lossy().into_owned(),
            raw: bytes.len(),
            brotli: brotli_len(&bytes),
        });
    }
    sizes.sort_by_key(|f| std::cmp::Reverse(f.brotli));
    Ok(sizes)
}

pub fn brotli_len(bytes: &[u8]) -> usize {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        // Writing into a Vec cannot fail.
        let _ = writer.write_all(bytes);
    }
    out.len()
}

fn print_bundle(name: &str, files: &[FileSize], budget: Option<usize>) {
    let total: usize = files.iter().map(|f| f.brotli).sum();
    let raw: usize = files.iter().map(|f| f.raw).sum();
    let verdict = match budget {
        Some(budget) if total <= budget => format!(", within the {} KB budget", budget / 1024),
        Some(budget) => format!(", OVER the {} KB budget", budget / 1024),
        None => String::new(),
    };
    println!(
        "{name}: {:.1} KB brotli ({:.1} KB raw){verdict}",
        kb(total),
        kb(raw),
    );
    for f in files {
        println!(
            "  {:<40} {:>8.1} KB br {:>9.1} KB raw",
            f.name,
            kb(f.brotli),
            kb(f.raw)
        );
    }
}

fn kb(bytes: usize) -> f64 {
    bytes as f64 / 1024.0
}

/// The card's catalogs, by language tag (the file names in `i18n/card/`).
fn locales() -> Result<String> {
    let dir = root().join("i18n/card");
    let mut tags: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| StepError(format!("reading {}: {e}", dir.display())))?
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".txt").map(str::to_owned)
        })
        .collect();
    tags.sort();
    Ok(format!("{} ({})", tags.len(), tags.join(" ")))
}
