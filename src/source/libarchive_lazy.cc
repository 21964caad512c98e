// libarchive's functions, opened on first use (src/core/dynlib.h): extract.cc calls them as
// usual, and commands that never unpack an artifact do not pay for loading libarchive with its
// compressors, libxml2 and ICU.
#include <archive.h>
#include <archive_entry.h>

#include "core/dynlib.h"

namespace {
constexpr oc::core::DynamicLibrary kArchive{oc_dyn_archive_SONAME, oc_dyn_archive_PACKAGE};
}  // namespace

extern "C" {

archive* archive_read_new(void) {
  OC_DYNAMIC_CALL(kArchive, archive_read_new)();
}
int archive_read_support_filter_gzip(archive* a) {
  OC_DYNAMIC_CALL(kArchive, archive_read_support_filter_gzip)(a);
}
int archive_read_support_format_tar(archive* a) {
  OC_DYNAMIC_CALL(kArchive, archive_read_support_format_tar)(a);
}
int archive_read_open_memory(archive* a, const void* buff, size_t size) {
  OC_DYNAMIC_CALL(kArchive, archive_read_open_memory)(a, buff, size);
}
int archive_read_next_header(archive* a, archive_entry** entry) {
  OC_DYNAMIC_CALL(kArchive, archive_read_next_header)(a, entry);
}
la_ssize_t archive_read_data(archive* a, void* buff, size_t size) {
  OC_DYNAMIC_CALL(kArchive, archive_read_data)(a, buff, size);
}
const char* archive_error_string(archive* a) {
  OC_DYNAMIC_CALL(kArchive, archive_error_string)(a);
}
int archive_read_free(archive* a) {
  OC_DYNAMIC_CALL(kArchive, archive_read_free)(a);
}

__LA_MODE_T archive_entry_filetype(archive_entry* e) {
  OC_DYNAMIC_CALL(kArchive, archive_entry_filetype)(e);
}
const char* archive_entry_pathname(archive_entry* e) {
  OC_DYNAMIC_CALL(kArchive, archive_entry_pathname)(e);
}
const char* archive_entry_pathname_utf8(archive_entry* e) {
  OC_DYNAMIC_CALL(kArchive, archive_entry_pathname_utf8)(e);
}
const char* archive_entry_hardlink(archive_entry* e) {
  OC_DYNAMIC_CALL(kArchive, archive_entry_hardlink)(e);
}
la_int64_t archive_entry_size(archive_entry* e) {
  OC_DYNAMIC_CALL(kArchive, archive_entry_size)(e);
}
int archive_entry_size_is_set(archive_entry* e) {
  OC_DYNAMIC_CALL(kArchive, archive_entry_size_is_set)(e);
}

}  // extern "C"
