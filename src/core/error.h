// Errors as values: what failed, where (file:line:column) and why.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace oc::core {

// A failure with an optional source position. `line` and `column` are 1-based; 0 means unknown.
struct Error {
  std::string message;
  std::string file;
  int line = 0;
  int column = 0;
  // A code when the failure has one (the HTTP status of an API call), else 0.
  int code = 0;

  Error() = default;
  explicit Error(std::string msg) : message(std::move(msg)) {}
  Error(std::string msg, std::string file_name, int line_no = 0, int column_no = 0)
      : message(std::move(msg)), file(std::move(file_name)), line(line_no), column(column_no) {}

  // "file:line:column: message", leaving out the parts that are unknown.
  std::string to_string() const;

  // Returns a copy whose file is `file_name` unless a file is already set.
  Error in_file(const std::string& file_name) const;
};

// Either a value or an Error. Cheap to move; never throws on access misuse in release builds,
// so callers must check ok() first (debug builds assert).
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}              // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}          // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // The value, or `fallback` when this holds an error.
  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }
  T value_or(T fallback) && { return ok() ? std::get<0>(std::move(v_)) : std::move(fallback); }

  const Error& error() const { return std::get<1>(v_); }
  Error&& take_error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

// Success or an Error.
class Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT: implicit by design
  static Status success() { return Status(); }

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool failed_ = false;
};

}  // namespace oc::core
