//! The explanation below the live figure: one section per idea of the concept note, each with a
//! small focused figure bound to the model, plus the sweep, the theory panel and sources.
