// SQLite's own verdict on a database file after a crash test.
#pragma once

#include <sqlite3.h>

#include <string>

namespace oc::apiserver {

// The first row of PRAGMA integrity_check ("ok" when the file is sound), or why it could not run.
inline std::string integrity_check(const std::string& db) {
  sqlite3* h = nullptr;
  if (sqlite3_open(db.c_str(), &h) != SQLITE_OK) {
    sqlite3_close(h);
    return "cannot open " + db;
  }
  std::string verdict = "no result";
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    verdict = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return verdict;
}

}  // namespace oc::apiserver
