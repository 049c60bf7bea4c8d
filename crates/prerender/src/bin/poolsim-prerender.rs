//! `poolsim-prerender INDEX_HTML [CONTENT_DIR]`: writes the explanation into a built page (see
//! `poolsim_prerender`). Run natively by Trunk's `post_build` hook (Trunk.toml).

fn main() {
    use std::path::PathBuf;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (index, dir) = match args.as_slice() {
        [index] => (PathBuf::from(index), PathBuf::from("content/en")),
        [index, dir] => (PathBuf::from(index), PathBuf::from(dir)),
        _ => {
            eprintln!("usage: poolsim-prerender INDEX_HTML [CONTENT_DIR]");
            std::process::exit(2);
        }
    };
    let result = (|| {
        let content = poolsim_page::content::load(&dir)?;
        let html =
            std::fs::read_to_string(&index).map_err(|e| format!("{}: {e}", index.display()))?;
        let explanation = poolsim_prerender::explanation(&content)?;
        let page = poolsim_prerender::fill_index(&html, &explanation)?;
        std::fs::write(&index, page).map_err(|e| format!("{}: {e}", index.display()))?;
        println!(
            "poolsim-prerender: {} sections from {} into {}",
            content.sections.len(),
            dir.display(),
            index.display()
        );
        Ok::<(), String>(())
    })();
    if let Err(e) = result {
        eprintln!("poolsim-prerender: {e}");
        std::process::exit(1);
    }
}
