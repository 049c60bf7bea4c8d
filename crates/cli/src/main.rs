//! `poolsim`: the model on the command line.

use poolsim_model::{idle_memory, MemoryConfig};

fn main() {
    let config = MemoryConfig::default();
    for clients in [1u32, 100, 1_000, 10_000] {
        let direct = idle_memory(&config, clients, None);
        let pooled = idle_memory(&config, clients, Some(40));
        println!(
            "{clients:>6} clients: direct {:>10.1} MiB private ({:>10.1} MiB in top), pooled {:>8.1} MiB",
            direct.private_total / 1048576.0,
            direct.rss_total / 1048576.0,
            pooled.private_total / 1048576.0
        );
    }
}
