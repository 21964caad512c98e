// Helpers for the source layer's tests: source trees on disk, reading tarballs back with
// libarchive, and hand-made (hostile) tarballs.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/process.h"

namespace oc::source::test {

// Writes `content` at root/rel (parents created) with `mode`.
inline void put(const std::string& root, const std::string& rel, const std::string& content,
                mode_t mode = 0644) {
  std::string p = root + "/" + rel;
  std::filesystem::create_directories(std::filesystem::path(p).parent_path());
  std::ofstream(p, std::ios::binary | std::ios::trunc) << content;
  ::chmod(p.c_str(), mode);
}

inline void mkdirs(const std::string& root, const std::string& rel) {
  std::filesystem::create_directories(root + "/" + rel);
}

// Sets atime and mtime of root/rel (not following symlinks).
inline void set_mtime(const std::string& path, time_t t) {
  struct timespec ts[2] = {{t, 0}, {t, 0}};
  ::utimensat(AT_FDCWD, path.c_str(), ts, AT_SYMLINK_NOFOLLOW);
}

struct TarEntry {
  std::string name;
  char type = 0;  // 'f' file, 'd' directory, 'l' symlink, 'h' hardlink, 'o' other
  int mode = 0;
  int64_t uid = -1, gid = -1;
  std::string uname, gname;
  int64_t mtime = -1;
  int64_t size = 0;
  std::string content;
};

// Every entry of a tar.gz as libarchive reads it.
inline std::vector<TarEntry> read_tar(const std::string& tar_gz) {
  std::vector<TarEntry> out;
  archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_all(a);
  if (archive_read_open_memory(a, tar_gz.data(), tar_gz.size()) != ARCHIVE_OK) {
    archive_read_free(a);
    return out;
  }
  archive_entry* e;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    TarEntry t;
    const char* n = archive_entry_pathname(e);
    if (!n) n = archive_entry_pathname_utf8(e);
    t.name = n ? n : "";
    if (archive_entry_hardlink(e)) {
      t.type = 'h';
    } else {
      switch (archive_entry_filetype(e)) {
        case AE_IFREG:
          t.type = 'f';
          break;
        case AE_IFDIR:
          t.type = 'd';
          break;
        case AE_IFLNK:
          t.type = 'l';
          break;
        default:
          t.type = 'o';
      }
    }
    t.mode = int(archive_entry_perm(e));
    t.uid = archive_entry_uid(e);
    t.gid = archive_entry_gid(e);
    t.uname = archive_entry_uname(e) ? archive_entry_uname(e) : "";
    t.gname = archive_entry_gname(e) ? archive_entry_gname(e) : "";
    t.mtime = archive_entry_mtime(e);
    t.size = archive_entry_size(e);
    char buf[65536];
    la_ssize_t k;
    while ((k = archive_read_data(a, buf, sizeof buf)) > 0) t.content.append(buf, size_t(k));
    out.push_back(std::move(t));
  }
  archive_read_free(a);
  return out;
}

inline std::string gunzip(const std::string& gz) {
  z_stream z{};
  inflateInit2(&z, 15 + 16);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = uInt(gz.size());
  std::string out;
  char buf[65536];
  int rc;
  do {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  } while (rc == Z_OK);
  inflateEnd(&z);
  return out;
}

inline std::string gzip(const std::string& data, int level = 6) {
  z_stream z{};
  deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = uInt(data.size());
  std::string out;
  char buf[65536];
  int rc;
  do {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = deflate(&z, Z_FINISH);
    out.append(buf, sizeof buf - z.avail_out);
  } while (rc == Z_OK);
  deflateEnd(&z);
  return out;
}

// A raw USTAR header block with any type flag, link name and declared size (no validation:
// for hostile tarballs).
inline std::string raw_header(const std::string& name, char type, uint64_t size,
                              const std::string& link = "", int mode = 0644) {
  std::string b(512, '\0');
  std::memcpy(&b[0], name.data(), std::min<size_t>(name.size(), 100));
  std::snprintf(&b[100], 8, "%07o", mode);
  std::snprintf(&b[108], 8, "%07o", 0);
  std::snprintf(&b[116], 8, "%07o", 0);
  if (size < (uint64_t(1) << 33)) {
    std::snprintf(&b[124], 12, "%011llo", (unsigned long long)size);
  } else {  // GNU base-256 for sizes 11 octal digits cannot hold
    b[124] = char(0x80);
    for (int i = 0; i < 8; ++i) b[135 - i] = char((size >> (8 * i)) & 0xff);
  }
  std::snprintf(&b[136], 12, "%011o", 0);
  b[156] = type;
  std::memcpy(&b[157], link.data(), std::min<size_t>(link.size(), 100));
  std::memcpy(&b[257],
              "ustar\0"
              "00",
              8);
  std::memset(&b[148], ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : b) sum += c;
  std::snprintf(&b[148], 7, "%06o", sum);
  b[155] = ' ';
  return b;
}

inline std::string raw_entry(const std::string& name, char type, const std::string& data,
                             const std::string& link = "") {
  std::string s = raw_header(name, type, data.size(), link) + data;
  s.append((512 - data.size() % 512) % 512, '\0');
  return s;
}

inline std::string tar_end() {
  return std::string(1024, '\0');
}

}  // namespace oc::source::test
