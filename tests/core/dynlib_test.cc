#include "core/dynlib.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace oc::core {
namespace {

constexpr DynamicLibrary kLibc{"libc.so.6", "libc6"};

TEST(DynamicLibrary, ResolvesASymbolAndCallsIt) {
  auto real_getpid = reinterpret_cast<pid_t (*)()>(dynamic_symbol(kLibc, "getpid"));
  ASSERT_NE(real_getpid, nullptr);
  EXPECT_EQ(real_getpid(), getpid());
  // The second lookup reuses the open handle and finds the same address.
  EXPECT_EQ(reinterpret_cast<void*>(real_getpid), dynamic_symbol(kLibc, "getpid"));
}

TEST(DynamicLibraryDeathTest, AMissingLibraryNamesItAndItsPackage) {
  constexpr DynamicLibrary missing{"libopencenter-missing.so.9", "libopencenter-missing9"};
  EXPECT_EXIT(dynamic_symbol(missing, "f"), testing::ExitedWithCode(127),
              "opencenter: cannot load libopencenter-missing.so.9 .*install the Debian package "
              "libopencenter-missing9");
}

TEST(DynamicLibraryDeathTest, AMissingSymbolNamesIt) {
  EXPECT_EXIT(dynamic_symbol(kLibc, "oc_no_such_function"), testing::ExitedWithCode(127),
              "cannot find oc_no_such_function in libc.so.6");
}

}  // namespace
}  // namespace oc::core
