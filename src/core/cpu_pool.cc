#include "core/cpu_pool.h"

#include <sched.h>

#include <algorithm>

namespace oc::core {

namespace {

// The pool whose thread is running the current job, for run() from inside a job.
thread_local const CpuPool* current_pool = nullptr;

}  // namespace

size_t available_cpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return size_t(std::max(1, CPU_COUNT(&set)));
  return std::max(1u, std::thread::hardware_concurrency());
}

CpuPool::CpuPool(size_t threads) {
  size_t n = threads ? threads : available_cpus();
  threads_.reserve(n);
  for (size_t i = 0; i < n; ++i) threads_.emplace_back([this] { loop(); });
}

CpuPool::~CpuPool() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void CpuPool::run(const std::function<void()>& job) {
  if (current_pool == this) {
    job();
    return;
  }
  Task task;
  task.job = &job;
  std::unique_lock<std::mutex> l(mu_);
  queue_.push_back(&task);
  work_cv_.notify_one();
  done_cv_.wait(l, [&] { return task.done; });
  if (task.error) std::rethrow_exception(task.error);
}

void CpuPool::loop() {
  current_pool = this;
  std::unique_lock<std::mutex> l(mu_);
  for (;;) {
    // Queued jobs are finished before the threads stop: a caller is waiting for each.
    work_cv_.wait(l, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;
    Task* task = queue_.front();
    queue_.pop_front();
    l.unlock();
    try {
      (*task->job)();
    } catch (...) {
      task->error = std::current_exception();
    }
    l.lock();
    task->done = true;
    done_cv_.notify_all();
  }
}

}  // namespace oc::core
