//! The `extern "C"` boundary (filled in by the foundation work).
