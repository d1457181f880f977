//! glibc's allocator told to keep freed memory for reuse: the crate's one `unsafe` call.
//!
//! Every op of an epoch writes a fresh output tensor. At 10,000 rows and more those buffers pass
//! glibc's mmap threshold, so by default each one is a new `mmap` that the kernel page-faults and
//! zeroes, and each `free` hands it straight back: at 100,000 rows × 256 hidden units more than
//! half of an epoch was system time. Two `mallopt` calls at start make glibc serve every block from
//! its heap (`M_MMAP_MAX` 0) and never trim the heap's top (`M_TRIM_THRESHOLD`), so the second
//! epoch reuses the first epoch's pages. The process then keeps its peak, which is flat from the
//! second epoch on (`BENCHMARKS.md` §7). A third (`M_ARENA_MAX` 1) puts every thread on that one
//! heap: the dashboard trains on a thread of its own, whose arena glibc would otherwise keep
//! handing back to the kernel (at 100,000 × 256, 1.95 against 3.95 epochs/s, system time 1387
//! against 154 ticks; `BENCHMARKS.md` §10).
//!
//! Measured against the safe routes (`bench/scale.sh`, `BENCHMARKS.md` §9): mimalloc did not help
//! at 100,000 × 256, jemalloc with decay off was slower than this, and burn-flex allocates its
//! outputs itself, so buffer reuse is not ours to change.

/// Makes glibc keep freed memory for reuse. Call once, first thing in `main`, before any thread
/// starts. Does nothing off glibc.
pub fn retain_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[expect(
        unsafe_code,
        reason = "mallopt only sets three integers in glibc's allocator state; it is called once, \
                  before any other thread exists, with documented options and values, and its \
                  result (0 when glibc refuses a value) leaves the defaults in place"
    )]
    // SAFETY: see the reason above; mallopt has no pointer arguments and no preconditions.
    unsafe {
        libc::mallopt(libc::M_MMAP_MAX, 0);
        libc::mallopt(libc::M_TRIM_THRESHOLD, libc::c_int::MAX);
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}
