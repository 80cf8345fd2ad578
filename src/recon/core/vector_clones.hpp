#pragma once
// Marks a hot numeric function to be compiled twice, for AVX2 and for baseline x86-64, with the copy chosen when
// the program loads. Only vector width changes: no FMA contraction is enabled, so both copies compute the same
// bits. Off under AddressSanitizer (whose runtime and ifunc resolvers do not mix) and on other architectures.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_ADDRESS__)
#define RECON_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define RECON_VECTOR_CLONES
#endif

// As RECON_VECTOR_CLONES, but the AVX2 copy may also use fused multiply-adds, so the two copies can differ in the
// last bits. Only for approximations whose error is bounded and re-checked exactly by the caller.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_ADDRESS__)
#define RECON_APPROXIMATE_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define RECON_APPROXIMATE_CLONES
#endif
