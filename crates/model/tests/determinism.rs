//! Same parameters and seed ⇒ bit-identical results; a golden digest pins one case (the browser
//! test checks the same digest in wasm32).
use poolsim_model::{golden_case, preset, Model, GOLDEN_DIGEST};

fn digest_of(p: poolsim_model::Params, seed: u64, until: u64) -> u64 {
    let mut m = Model::new(p, seed);
    m.advance_to(until);
    m.summary().digest()
}

#[test]
fn same_seed_same_digest_different_seed_different_digest() {
    for name in ["default", "serverless_storm", "mmc", "long_transactions"] {
        let p = preset(name).unwrap().params;
        let a = digest_of(p.clone(), 5, 500_000_000);
        let b = digest_of(p.clone(), 5, 500_000_000);
        let c = digest_of(p, 6, 500_000_000);
        assert_eq!(a, b, "{name}");
        assert_ne!(a, c, "{name}");
    }
}

#[test]
fn stepping_in_pieces_equals_one_go() {
    let (p, seed, until) = golden_case();
    let mut m = Model::new(p, seed);
    while m.now() < until {
        m.advance(777, until);
    }
    assert_eq!(
        m.summary().digest(),
        digest_of(golden_case().0, seed, until)
    );
}

#[test]
fn golden_digest() {
    let (p, seed, until) = golden_case();
    let d = digest_of(p, seed, until);
    eprintln!("golden digest = {d:#018x}");
    assert_eq!(d, GOLDEN_DIGEST, "golden digest changed: {d:#018x}");
}
