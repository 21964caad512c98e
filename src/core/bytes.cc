#include "core/bytes.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace oc::core {

size_t count_byte(std::string_view s, char c) {
  const char* p = s.data();
  const char* end = p + s.size();
  size_t n = 0;
#if defined(__SSE2__)
  // Matches are counted per byte lane (cmpeq gives -1, subtracted) and summed with SAD before a
  // lane can overflow: no popcount instruction is needed (it is not in baseline x86-64).
  const __m128i needle = _mm_set1_epi8(c);
  const __m128i zero = _mm_setzero_si128();
  while (end - p >= 16) {
    __m128i lanes = zero;
    for (int i = 0; i < 255 && end - p >= 16; ++i, p += 16) {
      __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      lanes = _mm_sub_epi8(lanes, _mm_cmpeq_epi8(block, needle));
    }
    __m128i sums = _mm_sad_epu8(lanes, zero);
    n += static_cast<size_t>(_mm_cvtsi128_si64(sums)) +
         static_cast<size_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
  }
#endif
  for (; p < end; ++p) n += *p == c;
  return n;
}

}  // namespace oc::core
