// A work queue like client-go's: keys are de-duplicated, a key is never handed to two workers at
// once (a key re-added while in flight is queued again when done), delayed adds keep the
// earliest deadline, and failures back off exponentially per key.
//
// Thread safety: all members may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <deque>
#include <string>

namespace oc::controllers {

class WorkQueue {
 public:
  using Clock = std::chrono::steady_clock;

  // Failure backoff: min × 2^(failures-1), capped at max (Flux: 750ms … 15m).
  explicit WorkQueue(std::chrono::milliseconds min_backoff = std::chrono::milliseconds(750),
                     std::chrono::milliseconds max_backoff = std::chrono::minutes(15));

  void add(const std::string& key);
  void add_after(const std::string& key, Clock::duration delay);
  // Adds after the key's next backoff step.
  void add_rate_limited(const std::string& key);
  // Resets the key's backoff.
  void forget(const std::string& key);
  int failures(const std::string& key) const;

  // Blocks until a key is ready; nullopt once shut down.
  std::optional<std::string> get();
  // Marks a key from get() as finished.
  void done(const std::string& key);
  void shutdown();

  size_t length() const;   // keys ready now
  size_t waiting() const;  // keys scheduled for later

 private:
  void promote_due_locked(Clock::time_point now);

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  std::set<std::string> dirty_;       // in queue_ or to be re-queued after processing
  std::set<std::string> processing_;
  std::map<std::string, Clock::time_point> delayed_;  // key → earliest deadline
  std::map<std::string, int> failures_;
  std::chrono::milliseconds min_backoff_, max_backoff_;
  bool shutdown_ = false;
};

}  // namespace oc::controllers
