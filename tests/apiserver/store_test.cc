#include "apiserver/store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <random>
#include <set>
#include <thread>

#include "apiserver/sqlite_check.h"
#include "core/json.h"
#include "support/process.h"

namespace oc::apiserver {
namespace {

using core::Node;

Node object(const std::string& name, const std::string& value = "v") {
  auto n = core::parse_json(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":")" + name +
                            R"(","namespace":"default"},"data":{"k":")" + value + "\"}}");
  return *n;
}

WriteOp create_op(const std::string& name, ObjectIndex idx = {}) {
  WriteOp op;
  op.kind = WriteOp::Kind::kCreate;
  op.key = object_key("", "configmaps", "default", name);
  op.object = object(name);
  op.index = std::move(idx);
  return op;
}

std::unique_ptr<Store> open_store(const std::string& path, StoreOptions o = {}) {
  auto s = Store::open(path, o);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().to_string());
  return s.ok() ? std::move(*s) : nullptr;
}

TEST(Store, WritesCheckPreconditions) {
  test::TempDir dir;
  auto s = open_store(dir.file("state.db"));
  WriteResult a = s->write(create_op("a"));
  ASSERT_EQ(a.code, WriteResult::Code::kOk);
  EXPECT_EQ(a.rv, 1);
  EXPECT_NE(a.json->find("\"resourceVersion\":\"1\""), std::string::npos);
  EXPECT_EQ(s->write(create_op("a")).code, WriteResult::Code::kAlreadyExists);

  WriteOp upd;
  upd.kind = WriteOp::Kind::kUpdate;
  upd.key = object_key("", "configmaps", "default", "a");
  upd.object = object("a", "w");
  upd.expect_rv = 99;
  EXPECT_EQ(s->write(upd).code, WriteResult::Code::kConflict);
  upd.expect_rv = 1;
  WriteResult u = s->write(upd);
  ASSERT_EQ(u.code, WriteResult::Code::kOk);
  EXPECT_EQ(u.rv, 2);

  WriteOp del;
  del.kind = WriteOp::Kind::kDelete;
  del.key = upd.key;
  del.expect_rv = 1;
  EXPECT_EQ(s->write(del).code, WriteResult::Code::kConflict);
  del.expect_rv = 0;
  WriteResult d = s->write(del);
  ASSERT_EQ(d.code, WriteResult::Code::kOk);
  EXPECT_EQ(d.rv, 3);
  // The DELETED state carries the deleting revision.
  EXPECT_NE(d.json->find("\"resourceVersion\":\"3\""), std::string::npos);
  EXPECT_FALSE(s->get(upd.key).has_value());
  EXPECT_EQ(s->write(del).code, WriteResult::Code::kNotFound);
  EXPECT_EQ(s->revision(), 3);
}

TEST(Store, ListsByPrefixWithPagingAndFilter) {
  test::TempDir dir;
  auto s = open_store(dir.file("state.db"));
  for (int i = 0; i < 10; ++i) {
    ObjectIndex idx;
    idx.labels = {{"even", i % 2 ? "no" : "yes"}};
    ASSERT_EQ(s->write(create_op("o" + std::to_string(i), idx)).code, WriteResult::Code::kOk);
  }
  int64_t rv = 0;
  bool more = false;
  auto page = s->list(resource_prefix("", "configmaps", "default"), "", 4, nullptr, &rv, &more);
  EXPECT_EQ(page.size(), 4u);
  EXPECT_TRUE(more);
  EXPECT_EQ(rv, 10);
  auto rest = s->list(resource_prefix("", "configmaps", "default"), page.back().key, 0, nullptr,
                      &rv, &more);
  EXPECT_EQ(rest.size(), 6u);
  EXPECT_FALSE(more);
  auto even = s->list(resource_prefix("", "configmaps", ""), "", 0,
                      [](std::string_view, const ObjectIndex& i) { return i.labels[0].second == "yes"; }, &rv, &more);
  EXPECT_EQ(even.size(), 5u);
  EXPECT_TRUE(s->list(resource_prefix("", "configmaps", "other"), "", 0, nullptr, &rv, &more).empty());
}

TEST(Store, EventsFollowWritesInOrder) {
  test::TempDir dir;
  auto s = open_store(dir.file("state.db"));
  std::atomic<bool> got{false};
  std::vector<StoreEvent> seen;
  std::thread watcher([&] {
    bool gone = false;
    int64_t after = 0;
    while (seen.size() < 3) {
      auto ev = s->events_after(after, std::chrono::milliseconds(2000), &gone);
      ASSERT_FALSE(gone);
      if (ev.empty()) break;
      for (auto& e : ev) {
        after = e.rv;
        seen.push_back(e);
      }
    }
    got = true;
  });
  s->write(create_op("a"));
  WriteOp upd;
  upd.kind = WriteOp::Kind::kUpdate;
  upd.key = object_key("", "configmaps", "default", "a");
  upd.object = object("a", "b");
  s->write(upd);
  WriteOp del;
  del.kind = WriteOp::Kind::kDelete;
  del.key = upd.key;
  s->write(del);
  watcher.join();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].type, EventType::kAdded);
  EXPECT_EQ(seen[1].type, EventType::kModified);
  EXPECT_EQ(seen[2].type, EventType::kDeleted);
  EXPECT_EQ(seen[2].rv, 3);
  EXPECT_TRUE(seen[1].prev_index != nullptr);
}

TEST(Store, StateAndEventsSurviveReopen) {
  test::TempDir dir;
  {
    auto s = open_store(dir.file("state.db"));
    for (int i = 0; i < 5; ++i) s->write(create_op("o" + std::to_string(i)));
  }
  StoreOptions small;
  small.ring_events = 2;  // force older events to come from the log
  auto s = open_store(dir.file("state.db"), small);
  EXPECT_EQ(s->revision(), 5);
  EXPECT_TRUE(s->get(object_key("", "configmaps", "default", "o3")).has_value());
  bool gone = false;
  auto ev = s->events_after(1, std::chrono::milliseconds(10), &gone);
  EXPECT_FALSE(gone);
  ASSERT_EQ(ev.size(), 4u);
  EXPECT_EQ(ev.front().rv, 2);
  // New writes continue the revision sequence.
  EXPECT_EQ(s->write(create_op("o9")).rv, 6);
}

TEST(Store, CompactedRevisionsAreGone) {
  test::TempDir dir;
  StoreOptions o;
  o.retain_revisions = 3;
  auto s = open_store(dir.file("state.db"), o);
  for (int i = 0; i < 10; ++i) s->write(create_op("o" + std::to_string(i)));
  ASSERT_TRUE(s->compact().ok());
  EXPECT_EQ(s->compacted_revision(), 7);
  bool gone = false;
  s->events_after(2, std::chrono::milliseconds(10), &gone);
  EXPECT_TRUE(gone);
  auto ev = s->events_after(8, std::chrono::milliseconds(10), &gone);
  EXPECT_FALSE(gone);
  EXPECT_EQ(ev.size(), 2u);
}

TEST(Store, ConcurrentWritersShareTransactions) {
  test::TempDir dir;
  auto s = open_store(dir.file("state.db"));
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        if (s->write(create_op("t" + std::to_string(t) + "-" + std::to_string(i))).code ==
            WriteResult::Code::kOk) {
          ++ok;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 1600);
  EXPECT_EQ(s->revision(), 1600);
  int64_t rv = 0;
  EXPECT_EQ(s->list("core/", "", 0, nullptr, &rv, nullptr).size(), 1600u);
}

// Writers keep creating objects while the process is killed with SIGKILL at random moments;
// after each restart every acknowledged object is present and SQLite's integrity check passes.
TEST(StoreCrash, AcknowledgedWritesSurviveKill9) {
  test::TempDir dir;
  std::string db = dir.file("state.db");
  std::set<std::string> acked;
  std::mt19937 rng(7);
  const int kCycles = 12;
  for (int cycle = 0; cycle < kCycles; ++cycle) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      auto s = Store::open(db);
      if (!s.ok()) ::_exit(3);
      std::vector<std::thread> writers;
      for (int t = 0; t < 4; ++t) {
        writers.emplace_back([&, t] {
          for (int i = 0;; ++i) {
            std::string name = "c" + std::to_string(cycle) + "-t" + std::to_string(t) + "-" + std::to_string(i);
            if ((*s)->write(create_op(name)).code == WriteResult::Code::kOk) {
              std::string line = name + "\n";
              if (::write(fds[1], line.data(), line.size()) < 0) ::_exit(4);
            }
          }
        });
      }
      for (auto& w : writers) w.join();
      ::_exit(0);
    }
    ::close(fds[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(30 + rng() % 200));
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    std::string buf;
    char tmp[4096];
    ssize_t n;
    while ((n = ::read(fds[0], tmp, sizeof tmp)) > 0) buf.append(tmp, size_t(n));
    ::close(fds[0]);
    size_t p = 0;
    while (p < buf.size()) {
      size_t e = buf.find('\n', p);
      if (e == std::string::npos) break;  // a torn line was never acknowledged in full
      acked.insert(buf.substr(p, e - p));
      p = e + 1;
    }
    auto s = open_store(db);
    ASSERT_TRUE(s);
    int missing = 0;
    for (const auto& name : acked) {
      if (!s->get(object_key("", "configmaps", "default", name))) ++missing;
    }
    EXPECT_EQ(missing, 0) << "cycle " << cycle << ": acknowledged objects lost";
    s.reset();
    EXPECT_EQ(integrity_check(db), "ok");
  }
  EXPECT_GT(acked.size(), 100u) << "the writers did not get going";
}

}  // namespace
}  // namespace oc::apiserver
