#include "apiserver/store.h"

#include <sqlite3.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "core/json.h"

namespace oc::apiserver {

namespace {

// --- index encoding: varint length-prefixed strings, labels then fields --------------------

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(char((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(char(v));
}

bool get_varint(std::string_view& in, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    uint8_t b = uint8_t(in[0]);
    in.remove_prefix(1);
    v |= uint64_t(b & 0x7F) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

std::string encode_index(const ObjectIndex& idx) {
  std::string out;
  for (const auto* list : {&idx.labels, &idx.fields}) {
    put_varint(out, list->size());
    for (const auto& [k, v] : *list) {
      put_varint(out, k.size());
      out += k;
      put_varint(out, v.size());
      out += v;
    }
  }
  return out;
}

std::shared_ptr<const ObjectIndex> decode_index(std::string_view in) {
  auto idx = std::make_shared<ObjectIndex>();
  for (auto* list : {&idx->labels, &idx->fields}) {
    uint64_t n = 0;
    if (!get_varint(in, n)) break;
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t kl = 0, vl = 0;
      if (!get_varint(in, kl) || kl > in.size()) return idx;
      std::string k(in.substr(0, kl));
      in.remove_prefix(kl);
      if (!get_varint(in, vl) || vl > in.size()) return idx;
      std::string v(in.substr(0, vl));
      in.remove_prefix(vl);
      list->emplace_back(std::move(k), std::move(v));
    }
  }
  return idx;
}

// --- SQLite RAII --------------------------------------------------------------------------

struct Stmt {
  sqlite3_stmt* s = nullptr;
  Stmt() = default;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() { reset(); }
  void reset() {
    if (s) sqlite3_finalize(s);
    s = nullptr;
  }
};

core::Error db_error(sqlite3* db, const std::string& what) {
  return core::Error(what + ": " + sqlite3_errmsg(db));
}

bool exec(sqlite3* db, const char* sql, std::string* err = nullptr) {
  char* msg = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &msg);
  if (rc != SQLITE_OK) {
    if (err) *err = msg ? msg : sqlite3_errstr(rc);
    sqlite3_free(msg);
    return false;
  }
  return true;
}

void bind_text(sqlite3_stmt* s, int i, std::string_view v) {
  sqlite3_bind_text(s, i, v.data(), int(v.size()), SQLITE_STATIC);
}
void bind_blob(sqlite3_stmt* s, int i, std::string_view v) {
  sqlite3_bind_blob(s, i, v.data(), int(v.size()), SQLITE_STATIC);
}
std::string column_string(sqlite3_stmt* s, int i) {
  const void* p = sqlite3_column_blob(s, i);
  int n = sqlite3_column_bytes(s, i);
  return p ? std::string(static_cast<const char*>(p), size_t(n)) : std::string();
}

// Sets metadata.resourceVersion (creating metadata when missing).
void set_resource_version(core::Node& obj, int64_t rv) {
  if (!obj.is_mapping()) return;
  core::Node& meta = obj["metadata"];
  if (!meta.is_mapping()) meta = core::Node::mapping();
  meta["resourceVersion"] = core::Node::string(std::to_string(rv));
}

std::string to_json(const core::Node& obj) {
  auto j = core::write_json(obj);
  return j.ok() ? std::move(*j) : std::string("{}");
}

}  // namespace

std::string object_key(const std::string& group, const std::string& resource,
                       const std::string& ns, const std::string& name) {
  return (group.empty() ? std::string("core") : group) + "/" + resource + "/" + ns + "/" + name;
}

std::string_view key_namespace(std::string_view key) {
  size_t a = key.find('/');
  size_t b = key.find('/', a + 1);
  size_t c = key.find('/', b + 1);
  return key.substr(b + 1, c - b - 1);
}

std::string_view key_name(std::string_view key) { return key.substr(key.rfind('/') + 1); }

std::string resource_prefix(const std::string& group, const std::string& resource,
                            const std::string& ns) {
  std::string p = (group.empty() ? std::string("core") : group) + "/" + resource + "/";
  if (!ns.empty()) p += ns + "/";
  return p;
}

struct Pending {
  WriteOp op;
  bool compact = false;  // a compaction request instead of a write
  std::promise<WriteResult> done;
};

struct Store::Impl {
  StoreOptions opts;
  std::string path;
  sqlite3* db = nullptr;      // used by the committer thread only (and open/close)
  sqlite3* reader = nullptr;  // log catch-up for watches, guarded by reader_mu
  mutable std::mutex reader_mu;

  mutable std::shared_mutex mu;  // objects, ring, revision, compacted
  mutable std::condition_variable_any event_cv;
  // Current state. The key is not repeated in the entry (it is the map's key).
  struct Entry {
    int64_t rv = 0;
    std::shared_ptr<const std::string> json;
    std::shared_ptr<const ObjectIndex> index;
  };
  std::map<std::string, Entry, std::less<>> objects;
  std::deque<StoreEvent> ring;
  int64_t revision = 0;
  int64_t compacted = 0;
  bool closing = false;

  std::mutex qmu;
  std::condition_variable qcv;
  std::deque<Pending*> queue;
  bool stop = false;
  std::thread committer;

  Stmt upsert, remove, insert_event, set_meta;

  ~Impl() {
    {
      std::lock_guard<std::mutex> g(qmu);
      stop = true;
    }
    qcv.notify_all();
    if (committer.joinable()) committer.join();
    upsert.reset();
    remove.reset();
    insert_event.reset();
    set_meta.reset();
    if (db) sqlite3_close(db);
    if (reader) sqlite3_close(reader);
  }

  core::Status init() {
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                              SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
      return core::Error(std::string("cannot open the store: ") + sqlite3_errmsg(db), path);
    }
    std::string err;
    const char* schema =
        "PRAGMA journal_mode=WAL;"
        "CREATE TABLE IF NOT EXISTS objects (key TEXT PRIMARY KEY, rv INTEGER NOT NULL,"
        "  value BLOB NOT NULL, idx BLOB NOT NULL) WITHOUT ROWID;"
        "CREATE TABLE IF NOT EXISTS events (rv INTEGER PRIMARY KEY, type INTEGER NOT NULL,"
        "  key TEXT NOT NULL, value BLOB NOT NULL, idx BLOB NOT NULL, prev_idx BLOB);"
        "CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL);";
    if (!exec(db, schema, &err)) return core::Error("cannot create the store schema: " + err, path);
    exec(db, opts.durable ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=OFF;");
    sqlite3_busy_timeout(db, 30000);
    if (sqlite3_prepare_v2(db,
                           "INSERT OR REPLACE INTO objects(key, rv, value, idx) VALUES(?,?,?,?)",
                           -1, &upsert.s, nullptr) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "DELETE FROM objects WHERE key = ?", -1, &remove.s, nullptr) !=
            SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO events(rv, type, key, value, idx, prev_idx) "
                           "VALUES(?,?,?,?,?,?)",
                           -1, &insert_event.s, nullptr) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta(k, v) VALUES(?, ?)", -1, &set_meta.s,
                           nullptr) != SQLITE_OK) {
      return db_error(db, "cannot prepare statements");
    }
    // Load the current state and the recent events.
    {
      Stmt q;
      sqlite3_prepare_v2(db, "SELECT key, rv, value, idx FROM objects", -1, &q.s, nullptr);
      while (sqlite3_step(q.s) == SQLITE_ROW) {
        Entry o;
        std::string key = column_string(q.s, 0);
        o.rv = sqlite3_column_int64(q.s, 1);
        o.json = std::make_shared<const std::string>(column_string(q.s, 2));
        o.index = decode_index(column_string(q.s, 3));
        revision = std::max<int64_t>(revision, o.rv);
        objects.emplace(std::move(key), std::move(o));
      }
    }
    {
      Stmt q;
      sqlite3_prepare_v2(db, "SELECT k, v FROM meta", -1, &q.s, nullptr);
      while (sqlite3_step(q.s) == SQLITE_ROW) {
        std::string k = column_string(q.s, 0);
        int64_t v = sqlite3_column_int64(q.s, 1);
        if (k == "revision") revision = std::max<int64_t>(revision, v);
        if (k == "compacted") compacted = v;
      }
    }
    {
      Stmt q;
      sqlite3_prepare_v2(db, "SELECT MAX(rv) FROM events", -1, &q.s, nullptr);
      if (sqlite3_step(q.s) == SQLITE_ROW) revision = std::max<int64_t>(revision, sqlite3_column_int64(q.s, 0));
    }
    {
      Stmt q;
      sqlite3_prepare_v2(db,
                         "SELECT rv, type, key, value, idx, prev_idx FROM events "
                         "ORDER BY rv DESC LIMIT ?",
                         -1, &q.s, nullptr);
      sqlite3_bind_int64(q.s, 1, int64_t(opts.ring_events));
      std::vector<StoreEvent> recent;
      while (sqlite3_step(q.s) == SQLITE_ROW) recent.push_back(row_event(q.s));
      for (auto it = recent.rbegin(); it != recent.rend(); ++it) ring.push_back(std::move(*it));
    }
    if (sqlite3_open_v2(path.c_str(), &reader, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
      return core::Error(std::string("cannot open the store for reading: ") + sqlite3_errmsg(reader),
                         path);
    }
    sqlite3_busy_timeout(reader, 30000);
    committer = std::thread([this] { run(); });
    return core::Status();
  }

  static StoreEvent row_event(sqlite3_stmt* q) {
    StoreEvent e;
    e.rv = sqlite3_column_int64(q, 0);
    e.type = EventType(sqlite3_column_int(q, 1));
    e.key = column_string(q, 2);
    e.json = std::make_shared<const std::string>(column_string(q, 3));
    e.index = decode_index(column_string(q, 4));
    if (sqlite3_column_type(q, 5) != SQLITE_NULL) e.prev_index = decode_index(column_string(q, 5));
    return e;
  }

  void run() {
    for (;;) {
      std::vector<Pending*> batch;
      {
        std::unique_lock<std::mutex> lk(qmu);
        qcv.wait(lk, [&] { return stop || !queue.empty(); });
        if (queue.empty() && stop) break;
        while (!queue.empty() && batch.size() < opts.max_batch) {
          batch.push_back(queue.front());
          queue.pop_front();
        }
      }
      commit(batch);
    }
  }

  const Entry* current(const std::map<std::string, std::optional<Entry>>& overlay,
                       const std::string& key) const {
    auto o = overlay.find(key);
    if (o != overlay.end()) return o->second ? &*o->second : nullptr;
    auto it = objects.find(key);  // only the committer writes `objects`: no lock needed here
    return it == objects.end() ? nullptr : &it->second;
  }

  bool step(Stmt& st) {
    int rc = sqlite3_step(st.s);
    sqlite3_reset(st.s);
    sqlite3_clear_bindings(st.s);
    return rc == SQLITE_DONE;
  }

  void commit(std::vector<Pending*>& batch) {
    std::vector<WriteResult> results(batch.size());
    std::map<std::string, std::optional<Entry>> overlay;
    std::vector<StoreEvent> events;
    int64_t rev = revision;
    bool want_compact = false;
    std::string err;
    bool ok = exec(db, "BEGIN IMMEDIATE", &err);
    for (size_t i = 0; ok && i < batch.size(); ++i) {
      Pending* p = batch[i];
      if (p->compact) {
        want_compact = true;
        continue;
      }
      WriteOp& op = p->op;
      WriteResult& r = results[i];
      const Entry* cur = current(overlay, op.key);
      if (op.kind == WriteOp::Kind::kCreate) {
        if (cur) {
          r.code = WriteResult::Code::kAlreadyExists;
          continue;
        }
      } else {
        if (!cur) {
          r.code = WriteResult::Code::kNotFound;
          continue;
        }
        if (op.expect_rv != 0 && cur->rv != op.expect_rv) {
          r.code = WriteResult::Code::kConflict;
          r.rv = cur->rv;
          continue;
        }
      }
      ++rev;
      StoreEvent ev;
      ev.rv = rev;
      ev.key = op.key;
      if (op.kind == WriteOp::Kind::kDelete) {
        core::Node last;
        if (op.object) {
          last = std::move(*op.object);
        } else if (auto parsed = core::parse_json(*cur->json); parsed.ok()) {
          last = std::move(*parsed);
        }
        set_resource_version(last, rev);
        auto json = std::make_shared<const std::string>(to_json(last));
        bind_text(remove.s, 1, op.key);
        ok = step(remove);
        ev.type = EventType::kDeleted;
        ev.json = json;
        ev.index = cur->index;
        ev.prev_index = cur->index;
        overlay[op.key] = std::nullopt;
        r.json = json;
      } else {
        set_resource_version(*op.object, rev);
        auto json = std::make_shared<const std::string>(to_json(*op.object));
        auto index = std::make_shared<const ObjectIndex>(std::move(op.index));
        std::string idx = encode_index(*index);
        bind_text(upsert.s, 1, op.key);
        sqlite3_bind_int64(upsert.s, 2, rev);
        bind_blob(upsert.s, 3, *json);
        bind_blob(upsert.s, 4, idx);
        ok = step(upsert);
        ev.type = cur ? EventType::kModified : EventType::kAdded;
        ev.json = json;
        ev.index = index;
        if (cur) ev.prev_index = cur->index;
        overlay[op.key] = Entry{rev, json, index};
        r.json = json;
      }
      r.rv = rev;
      if (ok) {
        std::string idx = encode_index(*ev.index);
        std::string prev = ev.prev_index ? encode_index(*ev.prev_index) : std::string();
        sqlite3_bind_int64(insert_event.s, 1, rev);
        sqlite3_bind_int(insert_event.s, 2, int(ev.type));
        bind_text(insert_event.s, 3, op.key);
        bind_blob(insert_event.s, 4, *ev.json);
        bind_blob(insert_event.s, 5, idx);
        if (ev.prev_index) {
          bind_blob(insert_event.s, 6, prev);
        } else {
          sqlite3_bind_null(insert_event.s, 6);
        }
        ok = step(insert_event);
      }
      if (!ok) err = sqlite3_errmsg(db);
      events.push_back(std::move(ev));
    }
    if (ok && rev != revision) {
      bind_text(set_meta.s, 1, "revision");
      sqlite3_bind_int64(set_meta.s, 2, rev);
      ok = step(set_meta);
      if (!ok) err = sqlite3_errmsg(db);
    }
    int64_t new_floor = compacted;
    if (ok && (want_compact || rev - compacted > 2 * opts.retain_revisions)) {
      int64_t floor = rev - opts.retain_revisions;
      if (floor > compacted) {
        Stmt del;
        sqlite3_prepare_v2(db, "DELETE FROM events WHERE rv <= ?", -1, &del.s, nullptr);
        sqlite3_bind_int64(del.s, 1, floor);
        ok = sqlite3_step(del.s) == SQLITE_DONE;
        bind_text(set_meta.s, 1, "compacted");
        sqlite3_bind_int64(set_meta.s, 2, floor);
        ok = ok && step(set_meta);
        if (!ok) err = sqlite3_errmsg(db);
        new_floor = floor;
      }
    }
    ok = ok && exec(db, "COMMIT", &err);
    if (!ok) {
      exec(db, "ROLLBACK");
      for (auto& r : results) {
        if (r.code == WriteResult::Code::kOk) {
          r.code = WriteResult::Code::kError;
          r.message = "storage error: " + err;
          r.json.reset();
        }
      }
    } else {
      std::unique_lock<std::shared_mutex> lk(mu);
      for (auto& [key, state] : overlay) {
        if (state) {
          objects[key] = std::move(*state);
        } else {
          objects.erase(key);
        }
      }
      for (auto& e : events) ring.push_back(std::move(e));
      while (ring.size() > opts.ring_events) ring.pop_front();
      revision = rev;
      compacted = new_floor;
    }
    event_cv.notify_all();
    for (size_t i = 0; i < batch.size(); ++i) {
      batch[i]->done.set_value(std::move(results[i]));
    }
  }

  std::future<WriteResult> submit(Pending* p) {
    auto f = p->done.get_future();
    {
      std::lock_guard<std::mutex> g(qmu);
      queue.push_back(p);
    }
    qcv.notify_one();
    return f;
  }
};

core::Result<std::unique_ptr<Store>> Store::open(const std::string& path, StoreOptions opts) {
  std::unique_ptr<Store> s(new Store());
  s->impl_ = std::make_unique<Impl>();
  s->impl_->opts = opts;
  s->impl_->path = path;
  if (core::Status st = s->impl_->init(); !st.ok()) return st.error();
  return s;
}

Store::~Store() { close(); }

int64_t Store::revision() const {
  std::shared_lock<std::shared_mutex> lk(impl_->mu);
  return impl_->revision;
}

int64_t Store::compacted_revision() const {
  std::shared_lock<std::shared_mutex> lk(impl_->mu);
  return impl_->compacted;
}

std::optional<StoredObject> Store::get(const std::string& key) const {
  std::shared_lock<std::shared_mutex> lk(impl_->mu);
  auto it = impl_->objects.find(key);
  if (it == impl_->objects.end()) return std::nullopt;
  return StoredObject{key, it->second.rv, it->second.json, it->second.index};
}

std::vector<StoredObject> Store::list(const std::string& prefix, const std::string& start_after,
                                      size_t limit, const Keep& keep,
                                      int64_t* list_rv, bool* more) const {
  std::vector<StoredObject> out;
  std::shared_lock<std::shared_mutex> lk(impl_->mu);
  if (list_rv) *list_rv = impl_->revision;
  if (more) *more = false;
  auto it = start_after.empty() ? impl_->objects.lower_bound(prefix)
                                : impl_->objects.upper_bound(start_after);
  for (; it != impl_->objects.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    if (keep && !keep(it->first, *it->second.index)) continue;
    if (limit && out.size() == limit) {
      if (more) *more = true;
      break;
    }
    out.push_back(StoredObject{it->first, it->second.rv, it->second.json, it->second.index});
  }
  return out;
}

WriteResult Store::write(WriteOp op) {
  Pending p;
  p.op = std::move(op);
  return impl_->submit(&p).get();
}

std::vector<StoreEvent> Store::events_after(int64_t after, std::chrono::milliseconds timeout,
                                            bool* gone) const {
  *gone = false;
  std::vector<StoreEvent> out;
  {
    std::shared_lock<std::shared_mutex> lk(impl_->mu);
    if (after < impl_->compacted) {
      *gone = true;
      return out;
    }
    impl_->event_cv.wait_for(lk, timeout,
                             [&] { return impl_->closing || impl_->revision > after; });
    if (impl_->closing || impl_->revision <= after) return out;
    const auto& ring = impl_->ring;
    if (!ring.empty() && ring.front().rv <= after + 1) {
      auto it = std::upper_bound(ring.begin(), ring.end(), after,
                                 [](int64_t v, const StoreEvent& e) { return v < e.rv; });
      for (; it != ring.end() && out.size() < 1000; ++it) out.push_back(*it);
      return out;
    }
  }
  // Older than the ring: read the log.
  std::lock_guard<std::mutex> g(impl_->reader_mu);
  Stmt q;
  sqlite3_prepare_v2(impl_->reader,
                     "SELECT rv, type, key, value, idx, prev_idx FROM events WHERE rv > ? "
                     "ORDER BY rv LIMIT 1000",
                     -1, &q.s, nullptr);
  sqlite3_bind_int64(q.s, 1, after);
  while (sqlite3_step(q.s) == SQLITE_ROW) out.push_back(Impl::row_event(q.s));
  if (!out.empty() && out.front().rv != after + 1 && after < compacted_revision()) *gone = true;
  return out;
}

core::Status Store::compact() {
  Pending p;
  p.compact = true;
  WriteResult r = impl_->submit(&p).get();
  if (r.code == WriteResult::Code::kError) return core::Error(r.message);
  return core::Status();
}

void Store::close() {
  if (!impl_) return;
  {
    std::unique_lock<std::shared_mutex> lk(impl_->mu);
    impl_->closing = true;
  }
  impl_->event_cv.notify_all();
}

}  // namespace oc::apiserver
