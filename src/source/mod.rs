//! (filled in by the file engine)
