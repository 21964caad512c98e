// CpuPool: jobs from many callers run on the pool's threads, never more at once than it has
// threads, and each caller gets its own result (or exception) back.
#include "core/cpu_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

namespace oc::core {
namespace {

TEST(CpuPool, RunsTheJobOnAPoolThreadAndReturnsItsResult) {
  CpuPool pool(2);
  EXPECT_EQ(pool.size(), 2u);
  std::thread::id caller = std::this_thread::get_id();
  std::thread::id ran_on = pool.call([] { return std::this_thread::get_id(); });
  EXPECT_NE(ran_on, caller);
  // A move-only result is moved out.
  std::unique_ptr<int> p = pool.call([] { return std::make_unique<int>(42); });
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, 42);
}

TEST(CpuPool, NeverRunsMoreJobsAtOnceThanItHasThreads) {
  CpuPool pool(2);
  std::atomic<int> running{0}, most{0}, done{0};
  std::vector<std::thread> callers;
  for (int i = 0; i < 12; ++i) {
    callers.emplace_back([&, i] {
      int got = pool.call([&] {
        int now = ++running;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        --running;
        return i;
      });
      EXPECT_EQ(got, i);  // each caller gets its own job's result
      ++done;
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(done.load(), 12);
  EXPECT_EQ(most.load(), 2);
}

TEST(CpuPool, AnExceptionReachesTheCaller) {
  CpuPool pool(1);
  EXPECT_THROW(pool.run([] { throw std::runtime_error("boom"); }), std::runtime_error);
  // The thread survives it.
  EXPECT_EQ(pool.call([] { return 7; }), 7);
}

TEST(CpuPool, AJobUsingItsOwnPoolRunsInline) {
  CpuPool pool(1);  // one thread: queueing the inner job would wait forever
  int inner = pool.call([&] { return pool.call([] { return 5; }) + 1; });
  EXPECT_EQ(inner, 6);
}

TEST(CpuPool, DefaultSizeIsTheCpusThisProcessMayUse) {
  CpuPool pool;
  EXPECT_GE(pool.size(), 1u);
  EXPECT_LE(pool.size(), std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace
}  // namespace oc::core
