#include "controllers/queue.h"

#include <algorithm>

namespace oc::controllers {

WorkQueue::WorkQueue(std::chrono::milliseconds min_backoff, std::chrono::milliseconds max_backoff)
    : min_backoff_(min_backoff), max_backoff_(max_backoff) {}

void WorkQueue::add(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  if (shutdown_ || dirty_.count(key)) return;
  dirty_.insert(key);
  delayed_.erase(key);
  if (!processing_.count(key)) {
    queue_.push_back(key);
    cv_.notify_one();
  }
}

void WorkQueue::add_after(const std::string& key, Clock::duration delay) {
  if (delay <= Clock::duration::zero()) {
    add(key);
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (shutdown_ || dirty_.count(key)) return;
  auto when = Clock::now() + delay;
  auto it = delayed_.find(key);
  if (it == delayed_.end() || when < it->second) delayed_[key] = when;
  cv_.notify_one();
}

void WorkQueue::add_rate_limited(const std::string& key) {
  std::chrono::milliseconds delay;
  {
    std::lock_guard<std::mutex> lock(mu_);
    int n = ++failures_[key];
    double ms = double(min_backoff_.count());
    for (int i = 1; i < n && ms < double(max_backoff_.count()); ++i) ms *= 2;
    delay = std::chrono::milliseconds(int64_t(std::min(ms, double(max_backoff_.count()))));
  }
  add_after(key, delay);
}

void WorkQueue::forget(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  failures_.erase(key);
}

int WorkQueue::failures(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

void WorkQueue::promote_due_locked(Clock::time_point now) {
  for (auto it = delayed_.begin(); it != delayed_.end();) {
    if (it->second <= now) {
      const std::string& key = it->first;
      if (!dirty_.count(key)) {
        dirty_.insert(key);
        if (!processing_.count(key)) queue_.push_back(key);
      }
      it = delayed_.erase(it);
    } else {
      ++it;
    }
  }
}

std::optional<std::string> WorkQueue::get() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (shutdown_) return std::nullopt;
    promote_due_locked(Clock::now());
    if (!queue_.empty()) {
      std::string key = std::move(queue_.front());
      queue_.pop_front();
      dirty_.erase(key);
      processing_.insert(key);
      return key;
    }
    if (delayed_.empty()) {
      cv_.wait(lock);
    } else {
      auto next = std::min_element(delayed_.begin(), delayed_.end(),
                                   [](const auto& a, const auto& b) { return a.second < b.second; });
      // A copy: the entry may be erased while the lock is released during the wait.
      Clock::time_point until = next->second;
      cv_.wait_until(lock, until);
    }
  }
}

void WorkQueue::done(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  processing_.erase(key);
  if (dirty_.count(key)) {
    queue_.push_back(key);
    cv_.notify_one();
  }
}

void WorkQueue::shutdown() {
  std::lock_guard<std::mutex> lock(mu_);
  shutdown_ = true;
  cv_.notify_all();
}

size_t WorkQueue::length() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

size_t WorkQueue::waiting() const {
  std::lock_guard<std::mutex> lock(mu_);
  return delayed_.size();
}

}  // namespace oc::controllers
