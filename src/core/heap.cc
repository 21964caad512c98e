#include "core/heap.h"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <vector>

namespace oc::core {

bool use_short_run_heap() {
  constexpr size_t kReserve = size_t{64} << 20;
  constexpr uintptr_t kHugePage = uintptr_t{2} << 20;
  // Threads share the main arena: a non-main arena is a separate mapping this cannot advise
  // (helm renders on a thread of its own, with a large stack).
  mallopt(M_ARENA_MAX, 1);
  // The largest threshold glibc accepts on 64-bit (half its 64 MiB heap size); above it
  // allocations are mmapped on their own and would fault page by page again.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  mallopt(M_TOP_PAD, kReserve);
  // The next growth of the heap takes the whole reservation at once. The probe starts in the
  // old top chunk, below the old break, and ends in the new part.
  auto* before = static_cast<char*>(sbrk(0));
  auto* probe = static_cast<char*>(std::malloc(kHugePage));
  auto* after = static_cast<char*>(sbrk(0));
  bool grew = probe != nullptr && after > before && probe < after && probe + kHugePage <= after;
  std::free(probe);
  if (!grew) return false;  // no growth, or brk failed and glibc fell back to mmap
  uintptr_t start = (reinterpret_cast<uintptr_t>(probe) + kHugePage - 1) & ~(kHugePage - 1);
  uintptr_t end = reinterpret_cast<uintptr_t>(after) & ~(kHugePage - 1);
  if (end <= start) return false;
  return madvise(reinterpret_cast<void*>(start), end - start, MADV_HUGEPAGE) == 0;
}

void release_at_exit(std::shared_ptr<const void> p) {
  static std::mutex mu;
  // Never destroyed, on purpose: static destructors would free it all at exit.
  static auto* kept = new std::vector<std::shared_ptr<const void>>();
  std::lock_guard<std::mutex> lock(mu);
  kept->push_back(std::move(p));
}

}  // namespace oc::core
