#ifndef BUNDLE_HASH_SHIM_H
#define BUNDLE_HASH_SHIM_H

#include <stddef.h>
#include <stdint.h>

/// 1 when this CPU has the SHA-256 instructions `bundle_sha256_blocks` uses (x86-64 SHA
/// extensions with SSSE3 and SSE4.1), else 0: then the caller compresses blocks itself.
/// Asked once per process (CPUID) and remembered.
int bundle_sha256_accelerated(void);

/// Runs the SHA-256 compression function over `blocks` whole 64-byte blocks at `data`,
/// updating `state` (the eight working words H0...H7, native order). Call only when
/// `bundle_sha256_accelerated()` is 1.
/// `round_constants` are FIPS 180-4's K (Core's SHA256 hands in its own table: one copy).
void bundle_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks, const uint32_t round_constants[64]);

#endif
