// A fixed set of threads, one per CPU by default, on which any number of calling threads run
// CPU-bound jobs (kustomize builds) and wait for them.
//
// Why not let each caller do the work on its own thread: every thread that allocates gets a
// malloc arena of its own, so 8 controller workers building at once on 2 CPUs fault in 8 arenas'
// worth of fresh memory and share 2 CPUs' caches 8 ways, while the same 8 builds funnelled
// through 2 threads reuse 2 arenas' memory (bench/kustomize, "Parallel builds").
//
// Thread safety: run() may be called from any number of threads at once. A job that calls
// run() on the pool it runs on is run inline (no deadlock). Jobs run in arrival order.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

namespace oc::core {

// The CPUs this process may run on (its affinity mask), at least 1.
size_t available_cpus();

class CpuPool {
 public:
  // `threads` 0: the CPUs this process may run on (its affinity mask).
  explicit CpuPool(size_t threads = 0);
  // Waits for queued and running jobs; nothing may call run() once destruction has begun.
  ~CpuPool();
  CpuPool(const CpuPool&) = delete;
  CpuPool& operator=(const CpuPool&) = delete;

  size_t size() const { return threads_.size(); }

  // Runs `job` on a pool thread and returns when it has returned; an exception it throws is
  // rethrown here.
  void run(const std::function<void()>& job);

  // The same for a job with a result, which is moved to the caller.
  template <class F>
  std::invoke_result_t<F&> call(F&& f) {
    using R = std::invoke_result_t<F&>;
    if constexpr (std::is_void_v<R>) {
      run(f);
    } else {
      std::optional<R> out;
      run([&] { out.emplace(f()); });
      return std::move(*out);
    }
  }

 private:
  struct Task {
    const std::function<void()>* job = nullptr;
    bool done = false;
    std::exception_ptr error;
  };
  void loop();

  std::mutex mu_;
  std::condition_variable work_cv_, done_cv_;
  std::deque<Task*> queue_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace oc::core
