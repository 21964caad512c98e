#include "core/error.h"

namespace oc::core {

std::string Error::to_string() const {
  std::string out;
  if (!file.empty()) {
    out += file;
    if (line > 0) {
      out += ':' + std::to_string(line);
      if (column > 0) out += ':' + std::to_string(column);
    }
    out += ": ";
  } else if (line > 0) {
    out += "line " + std::to_string(line);
    if (column > 0) out += ", column " + std::to_string(column);
    out += ": ";
  }
  out += message;
  return out;
}

Error Error::in_file(const std::string& file_name) const {
  Error e = *this;
  if (e.file.empty()) e.file = file_name;
  return e;
}

}  // namespace oc::core
