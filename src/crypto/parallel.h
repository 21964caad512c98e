// A fixed set of worker threads for data-parallel loops (STREAM chunks are independent).
//
// Thread safety: run() is called by one thread at a time; fn must be safe to call concurrently
// for different indices.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace oc::crypto {

class Workers {
 public:
  // `threads` in total, the calling thread included (1 means no extra threads).
  explicit Workers(size_t threads);
  ~Workers();
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  size_t size() const { return threads_.size() + 1; }
  // Calls fn(worker, begin, end) for contiguous ranges covering [0, count), one range per
  // worker (worker 0 is the calling thread), and waits for all of them.
  void run(size_t count, const std::function<void(size_t, size_t, size_t)>& fn);

  // The default parallelism: the usable CPUs, at most 4.
  static size_t default_threads();

 private:
  void loop(size_t index);
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_, done_cv_;
  const std::function<void(size_t, size_t, size_t)>* fn_ = nullptr;
  size_t count_ = 0, generation_ = 0, pending_ = 0;
  bool stop_ = false;
  // Copies of generation_ and pending_ read without the lock, to spin on for a moment before
  // sleeping: blocks follow each other within microseconds, and a futex wake-up on this VM
  // takes tens of them.
  std::atomic<size_t> published_{0}, unfinished_{0};
};

}  // namespace oc::crypto
