//! Writes every target's seed inputs into DIR/<target>/ (`make fuzz` starts its corpora with
//! them): `cargo run -p ftls-fuzz --example write_seeds -- DIR`.

use std::path::PathBuf;

fn main() {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: write_seeds DIR");
        std::process::exit(1);
    };
    for (target, _) in ftls_fuzz::TARGETS {
        let target_dir = dir.join(target);
        std::fs::create_dir_all(&target_dir).expect("create the corpus directory");
        for (name, input) in ftls_fuzz::seeds::seeds(target) {
            std::fs::write(target_dir.join(format!("seed-{name}")), input).expect("write a seed");
        }
    }
}
