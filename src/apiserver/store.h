// Durable object storage for the embedded API server.
//
// SQLite (WAL) holds two tables: the current state (key → object, resourceVersion) and an
// append-only event log used to resume watches, compacted with a retention floor (kine's lesson:
// lists read the current-state table, never scan the log). Every write goes through one
// committer thread that batches concurrent writes into one transaction — one fsync for many
// writers — and assigns resourceVersions from a global monotonic revision. A write is
// acknowledged only after its transaction is durable, so it survives kill -9.
//
// Reads are served from an in-memory copy of the current state; watches from an in-memory ring of
// recent events, falling back to the log, with 410 Gone below the compaction floor.
//
// Thread safety: all public methods may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/node.h"

namespace oc::apiserver {

// Values the server filters on without parsing objects (label and field selectors).
// metadata.name and metadata.namespace are not stored: they are part of the key.
struct ObjectIndex {
  std::vector<std::pair<std::string, std::string>> labels;
  std::vector<std::pair<std::string, std::string>> fields;  // "status.phase" → value, …
};

// One stored object: its key, revision and JSON (metadata.resourceVersion already set).
struct StoredObject {
  std::string key;
  int64_t rv = 0;
  std::shared_ptr<const std::string> json;
  std::shared_ptr<const ObjectIndex> index;
};

enum class EventType { kAdded, kModified, kDeleted };

struct StoreEvent {
  int64_t rv = 0;
  EventType type = EventType::kAdded;
  std::string key;
  // The object after the change (for DELETED: the object as it was, with the deleting rv).
  std::shared_ptr<const std::string> json;
  std::shared_ptr<const ObjectIndex> index;
  // The index before the change (null for ADDED), so selector watches see objects leave.
  std::shared_ptr<const ObjectIndex> prev_index;
};

struct WriteOp {
  enum class Kind { kCreate, kUpdate, kDelete };
  Kind kind = Kind::kCreate;
  std::string key;
  // kUpdate/kDelete: the revision the caller read (0 = whatever is current).
  int64_t expect_rv = 0;
  // kCreate/kUpdate: the object; the store sets metadata.resourceVersion. kDelete: optional
  // final state to report in the DELETED event (else the stored object is used).
  std::optional<core::Node> object;
  ObjectIndex index;
};

struct WriteResult {
  enum class Code { kOk, kConflict, kNotFound, kAlreadyExists, kError };
  Code code = Code::kOk;
  std::string message;
  int64_t rv = 0;
  std::shared_ptr<const std::string> json;  // the stored object (or, for deletes, the last state)
};

struct StoreOptions {
  // Keep at least this many revisions of events for watch resumption.
  int64_t retain_revisions = 10000;
  // In-memory ring of recent events.
  size_t ring_events = 20000;
  // Largest batch committed in one transaction.
  size_t max_batch = 512;
  // false only in tests that measure without fsync.
  bool durable = true;
};

class Store {
 public:
  // Opens (creating if needed) the database at `path` ("<data-dir>/state.db").
  static core::Result<std::unique_ptr<Store>> open(const std::string& path, StoreOptions opts = {});
  ~Store();

  // The current revision (the resourceVersion of a list taken now).
  int64_t revision() const;
  // Revisions at or below this were compacted; watches from there get 410 Gone.
  int64_t compacted_revision() const;

  std::optional<StoredObject> get(const std::string& key) const;
  // Objects whose key starts with `prefix`, in key order, starting after `start_after` (for
  // paging), at most `limit` (0 = all), filtered by `keep` (may be null). Also returns the
  // revision the list reflects.
  // `keep` sees each candidate's key and index.
  using Keep = std::function<bool(std::string_view key, const ObjectIndex&)>;
  std::vector<StoredObject> list(const std::string& prefix, const std::string& start_after,
                                 size_t limit, const Keep& keep, int64_t* list_rv,
                                 bool* more) const;

  // Commits one write and waits until it is durable.
  WriteResult write(WriteOp op);

  // Events with rv > after, waiting up to `timeout` for at least one. Sets *gone when `after` is
  // below the compaction floor (the caller answers 410). Returns an empty vector on timeout or
  // when the store is closing.
  std::vector<StoreEvent> events_after(int64_t after, std::chrono::milliseconds timeout,
                                       bool* gone) const;

  // Removes log entries older than the retention floor. Called periodically by the server.
  core::Status compact();

  // Wakes all waiting watchers (for shutdown).
  void close();

 private:
  Store() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "<group or core>/<resource>/<namespace>/<name>" — the storage key of an object.
std::string object_key(const std::string& group, const std::string& resource,
                       const std::string& ns, const std::string& name);
// The namespace and name parts of a key.
std::string_view key_namespace(std::string_view key);
std::string_view key_name(std::string_view key);

// The prefix of every key of a resource, optionally within one namespace.
std::string resource_prefix(const std::string& group, const std::string& resource,
                            const std::string& ns);

}  // namespace oc::apiserver
