// extract(): a tar.gz artifact into memory with libarchive (in this file only), refusing what
// fluxcd/pkg tar.Untar refuses and more (see artifact.h).
#include <archive.h>
#include <archive_entry.h>

#include <set>

#include "source/artifact.h"

namespace oc::source {

namespace {

struct ArchiveReader {
  archive* a = archive_read_new();
  ~ArchiveReader() { archive_read_free(a); }
};

// libarchive leaves the error string unset on some failures (e.g. truncated gzip at open).
std::string la_error(archive* a, const char* fallback) {
  const char* why = archive_error_string(a);
  return why ? why : fallback;
}

core::Error entry_error(const std::string& name, const std::string& why) {
  return core::Error("artifact entry \"" + name + "\": " + why);
}

// Normalises a tar entry name to "a/b/c": "./" and empty segments dropped. False for absolute
// names and ".." segments.
bool normalise(std::string_view name, std::string* out) {
  if (!name.empty() && name[0] == '/') return false;
  out->clear();
  size_t start = 0;
  while (start <= name.size()) {
    size_t slash = name.find('/', start);
    size_t end = slash == std::string_view::npos ? name.size() : slash;
    std::string_view seg = name.substr(start, end - start);
    if (seg == "..") return false;
    if (!seg.empty() && seg != ".") {
      if (!out->empty()) *out += '/';
      *out += seg;
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return true;
}

// Keeps the tree consistent: no path is both a file and a directory.
class Shape {
 public:
  bool add_dir(const std::string& p, const FileTree& files) {
    if (p.empty()) return true;
    if (files.count(p)) return false;
    if (!add_parents(p, files)) return false;
    dirs_.insert(p);
    return true;
  }
  bool add_file(const std::string& p, const FileTree& files) {
    if (dirs_.count(p)) return false;
    return add_parents(p, files);
  }

 private:
  bool add_parents(const std::string& p, const FileTree& files) {
    for (size_t slash = p.find('/'); slash != std::string::npos; slash = p.find('/', slash + 1)) {
      std::string parent = p.substr(0, slash);
      if (files.count(parent)) return false;
      dirs_.insert(std::move(parent));
    }
    return true;
  }
  std::set<std::string> dirs_;
};

}  // namespace

core::Result<FileTree> extract(std::string_view tar_gz, const FetchLimits& limits) {
  if (tar_gz.size() > limits.max_compressed) {
    return core::Error("artifact is " + std::to_string(tar_gz.size()) +
                       " bytes, over the limit of " + std::to_string(limits.max_compressed));
  }
  // Flux reads artifacts with gzip.NewReader: anything else is refused, not sniffed.
  if (tar_gz.size() < 2 || uint8_t(tar_gz[0]) != 0x1f || uint8_t(tar_gz[1]) != 0x8b) {
    return core::Error("artifact is not gzip-compressed");
  }
  ArchiveReader r;
  if (!r.a) return core::Error("libarchive: out of memory");
  archive_read_support_filter_gzip(r.a);
  archive_read_support_format_tar(r.a);
  if (archive_read_open_memory(r.a, tar_gz.data(), tar_gz.size()) != ARCHIVE_OK) {
    return core::Error("artifact is not a tar.gz: " + la_error(r.a, "unreadable input"));
  }

  FileTree files;
  Shape shape;
  size_t entries = 0;
  uint64_t declared = 0;
  for (;;) {
    archive_entry* e = nullptr;
    int rc = archive_read_next_header(r.a, &e);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) {
      return core::Error("corrupt artifact: " + la_error(r.a, "unreadable tar header"));
    }
    if (++entries > limits.max_files) {
      return core::Error("artifact has more than " + std::to_string(limits.max_files) + " entries");
    }
    const char* raw = archive_entry_pathname(e);
    if (!raw) raw = archive_entry_pathname_utf8(e);
    if (!raw) return core::Error("artifact entry without a usable name");
    std::string name = raw;
    std::string path;
    if (!normalise(name, &path)) return entry_error(name, "path escapes the artifact");
    if (archive_entry_hardlink(e)) return entry_error(name, "hard links are not allowed");
    int64_t size = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
    if (size < 0) return entry_error(name, "negative size");
    declared += uint64_t(size);
    if (declared > limits.max_uncompressed) {
      return entry_error(name, "artifact expands beyond the limit of " +
                                   std::to_string(limits.max_uncompressed) + " bytes");
    }
    switch (archive_entry_filetype(e)) {
      case AE_IFDIR:
        if (!shape.add_dir(path, files)) return entry_error(name, "is both a file and a directory");
        continue;
      case AE_IFREG:
        break;
      case AE_IFLNK:
        return entry_error(name, "symbolic links are not allowed");
      default:
        return entry_error(name, "devices, FIFOs and sockets are not allowed");
    }
    if (path.empty() || !shape.add_file(path, files)) {
      return entry_error(
          name, path.empty() ? "a file cannot be the root" : "is both a file and a directory");
    }
    std::string content;
    content.reserve(size_t(size));
    char buf[64 * 1024];
    for (;;) {
      la_ssize_t n = archive_read_data(r.a, buf, sizeof buf);
      if (n < 0) {
        return entry_error(name, "cannot read: " + la_error(r.a, "corrupt data"));
      }
      if (n == 0) break;
      if (content.size() + size_t(n) > size_t(size))
        return entry_error(name, "more data than declared");
      content.append(buf, size_t(n));
    }
    if (content.size() != size_t(size)) return entry_error(name, "truncated");
    files[path] = std::move(content);
  }
  return files;
}

}  // namespace oc::source
