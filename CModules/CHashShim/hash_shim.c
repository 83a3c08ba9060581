// SHA-256 block compression with the x86-64 SHA extensions (SHA-NI): 2 rounds per
// `sha256rnds2`, the message schedule in `sha256msg1`/`sha256msg2`. About 10x fewer
// instructions per byte than the portable Swift loop in Core's SHA256, which still does the
// padding and serves CPUs without these instructions. The rounds follow Intel's published
// description of the extensions; CoreTests compares this path with the portable one.
#include "hash_shim.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>


// 0 = not asked yet, 1 = yes, 2 = no. Every thread computes the same answer, so a race only
// repeats the CPUID.
static int accelerated = 0;

int bundle_sha256_accelerated(void) {
    int known = __atomic_load_n(&accelerated, __ATOMIC_RELAXED);
    if (known == 0) {
        unsigned int eax, ebx, ecx, edx;
        int sha = 0, ssse3 = 0, sse41 = 0;
        if (__get_cpuid(1, &eax, &ebx, &ecx, &edx)) {
            ssse3 = (ecx >> 9) & 1;
            sse41 = (ecx >> 19) & 1;
        }
        if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) sha = (ebx >> 29) & 1;
        known = (sha && ssse3 && sse41) ? 1 : 2;
        __atomic_store_n(&accelerated, known, __ATOMIC_RELAXED);
    }
    return known == 1;
}

__attribute__((target("sha,ssse3,sse4.1")))
void bundle_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks, const uint32_t round_constants[64]) {
    // Big-endian words: reverse the bytes of each 32-bit lane.
    const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    // The instructions want the state as ABEF and CDGH.
    __m128i cdab = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[0]), 0xB1);
    __m128i efgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[4]), 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);

    while (blocks > 0) {
        const __m128i abef_before = abef;
        const __m128i cdgh_before = cdgh;
        // The last four groups of four schedule words, group g in words[g % 4].
        __m128i words[4];
        for (int g = 0; g < 4; g++) words[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * g)), byte_swap);
        for (int g = 0; g < 16; g++) {
            if (g >= 4) {
                // W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16], four at a time.
                __m128i next = _mm_sha256msg1_epu32(words[g & 3], words[(g + 1) & 3]);
                next = _mm_add_epi32(next, _mm_alignr_epi8(words[(g + 3) & 3], words[(g + 2) & 3], 4));
                words[g & 3] = _mm_sha256msg2_epu32(next, words[(g + 3) & 3]);
            }
            __m128i message = _mm_add_epi32(words[g & 3], _mm_loadu_si128((const __m128i *)&round_constants[4 * g]));
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, message);
            message = _mm_shuffle_epi32(message, 0x0E);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, message);
        }
        abef = _mm_add_epi32(abef, abef_before);
        cdgh = _mm_add_epi32(cdgh, cdgh_before);
        data += 64;
        blocks--;
    }

    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));
}

#else

int bundle_sha256_accelerated(void) { return 0; }

void bundle_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks, const uint32_t round_constants[64]) {
    (void)state; (void)data; (void)blocks; (void)round_constants;
}

#endif
