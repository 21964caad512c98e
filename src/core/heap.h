// Heap settings for commands that run once and exit (`helm template`, `kustomize build`,
// `secrets decrypt`, …), as opposed to the servers and controllers that run for days.
#pragma once

#include <memory>

namespace oc::core {

// A short run allocates tens of megabytes, touches each page once and exits. On a 4 KiB page
// that is thousands of page faults (6,000 for the kyverno chart, a quarter of the run on this
// machine's VM). glibc can back its heap with transparent huge pages, but only through the
// GLIBC_TUNABLES environment variable (glibc.malloc.hugetlb=1), read before main. This does the
// same from inside: one malloc arena for every thread, allocations below 32 MiB from that
// arena, a 64 MiB heap reservation that is never trimmed, and MADV_HUGEPAGE on it (the kernel
// honours it when transparent huge pages are "madvise" or "always"; with "never" nothing
// changes). Growth past the reservation gets ordinary pages. One arena means threads that
// allocate at the same moment take turns on its lock: right for a command whose work is one
// thread (helm's render thread, kustomize) or whose parallel part allocates little per item
// (sops values, age chunks); never for a long-running server. Call once, before the command's
// work starts. Returns whether the reservation got the advice.
bool use_short_run_heap();

// Keeps `p` alive until the process ends, and then does not free it. A command that has written
// its output hands its big results here (a parsed chart, a built resource map): freeing them
// node by node was 6–8 % of a `helm template` run, and the kernel takes the memory back at exit
// at once. Still reachable, so leak checkers stay quiet. Thread-safe.
void release_at_exit(std::shared_ptr<const void> p);

}  // namespace oc::core
