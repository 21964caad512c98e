#include "crypto/parallel.h"

#include <algorithm>

#include "core/cpu_pool.h"

namespace oc::crypto {

namespace {

// About 20-50 µs of pause instructions: longer than the gap between two blocks, far shorter
// than a block.
constexpr int kSpins = 1000;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

template <class Pred>
void spin_until(Pred done) {
  for (int i = 0; i < kSpins && !done(); ++i) cpu_relax();
}

}  // namespace

Workers::Workers(size_t threads) {
  for (size_t i = 1; i < std::max<size_t>(threads, 1); ++i) {
    threads_.emplace_back([this, i] { loop(i); });
  }
}

Workers::~Workers() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

size_t Workers::default_threads() {
  return std::min<size_t>(core::available_cpus(), 4);
}

void Workers::run(size_t count, const std::function<void(size_t, size_t, size_t)>& fn) {
  size_t n = size();
  if (n == 1 || count < 2) {
    fn(0, 0, count);
    return;
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    fn_ = &fn;
    count_ = count;
    pending_ = threads_.size();
    unfinished_.store(pending_, std::memory_order_relaxed);
    ++generation_;
    published_.store(generation_, std::memory_order_release);
  }
  cv_.notify_all();
  size_t per = (count + n - 1) / n;
  fn(0, 0, std::min(per, count));
  spin_until([&] { return unfinished_.load(std::memory_order_acquire) == 0; });
  std::unique_lock<std::mutex> l(mu_);
  done_cv_.wait(l, [this] { return pending_ == 0; });
  fn_ = nullptr;
}

void Workers::loop(size_t index) {
  size_t seen = 0;
  for (;;) {
    const std::function<void(size_t, size_t, size_t)>* fn;
    size_t count;
    spin_until([&] { return published_.load(std::memory_order_acquire) != seen; });
    {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait(l, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      fn = fn_;
      count = count_;
    }
    size_t n = size();
    size_t per = (count + n - 1) / n;
    size_t begin = std::min(count, index * per), end = std::min(count, begin + per);
    if (begin < end) (*fn)(index, begin, end);
    {
      std::lock_guard<std::mutex> l(mu_);
      unfinished_.fetch_sub(1, std::memory_order_release);
      if (--pending_ == 0) done_cv_.notify_one();
    }
  }
}

}  // namespace oc::crypto
