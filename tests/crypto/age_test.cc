// age library behaviour beyond the CCTV vectors: round trips at chunk boundaries, each failure
// category from a damaged file, identity and recipient files, and what errors may not show.
#include "crypto/age.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "crypto/armor.h"
#include "helpers.h"
#include "support/process.h"

namespace oc::crypto::age {
namespace {

std::string pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = char((i * 2654435761u) >> 13);
  return s;
}

// Offset of the first payload byte after the 16-byte nonce: "---" + " " + 43 MAC chars + "\n".
size_t payload_start(const std::string& file) {
  return file.find("\n---") + 4 + 1 + 43 + 1 + 16;
}

struct Keys {
  X25519Identity id = X25519Identity::generate();
  X25519Recipient rcpt = id.recipient();
};

std::string enc(std::string_view plain, const std::vector<const Recipient*>& r, bool armor,
                size_t threads = 0) {
  StringSource in(plain);
  StringSink out;
  EncryptOptions o;
  o.armor = armor;
  o.stream.threads = threads;
  EXPECT_TRUE(encrypt(in, out, r, o).ok());
  return out.data;
}

AgeStatus dec(std::string_view file, const std::vector<const Identity*>& ids, std::string& plain,
              size_t threads = 0) {
  StringSource in(file);
  StringSink out;
  DecryptOptions o;
  o.stream.threads = threads;
  AgeStatus st = decrypt(in, out, ids, o);
  plain = out.data;
  return st;
}

// A source without zero-copy views that returns at most 7919 bytes per read: the STREAM code's
// copying path (pipes, sockets), where StringSource takes the view path (mapped files).
class TrickleSource : public Source {
 public:
  explicit TrickleSource(std::string_view data) : in_(data) {}
  core::Result<size_t> read(uint8_t* buf, size_t n) override {
    return in_.read(buf, std::min<size_t>(n, 7919));
  }

 private:
  StringSource in_;
};

class AgeRoundTrip : public ::testing::TestWithParam<size_t> {};

TEST_P(AgeRoundTrip, EncryptThenDecryptGivesThePlaintext) {
  Keys k;
  std::string plain = pattern(GetParam());
  for (bool armor : {false, true}) {
    for (size_t threads : {size_t(1), size_t(4)}) {
      std::string file = enc(plain, {&k.rcpt}, armor, threads);
      // Size: header + 16-byte nonce + one 16-byte tag per chunk (at least one chunk).
      if (!armor) {
        size_t chunks = std::max<size_t>(1, (plain.size() + kChunkSize - 1) / kChunkSize);
        EXPECT_EQ(file.size(), payload_start(file) + plain.size() + 16 * chunks);
      }
      std::string back;
      AgeStatus st = dec(file, {&k.id}, back, threads);
      ASSERT_TRUE(st.ok()) << st.error.message;
      EXPECT_EQ(back, plain);
      // The same through reads that copy, in both directions.
      TrickleSource tin(plain);
      StringSink tout;
      EncryptOptions eo;
      eo.armor = armor;
      eo.stream.threads = threads;
      ASSERT_TRUE(encrypt(tin, tout, {&k.rcpt}, eo).ok());
      TrickleSource tfile(tout.data);
      StringSink tback;
      DecryptOptions o;
      o.stream.threads = threads;
      st = decrypt(tfile, tback, {&k.id}, o);
      ASSERT_TRUE(st.ok()) << st.error.message;
      EXPECT_EQ(tback.data, plain);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Sizes, AgeRoundTrip,
                         ::testing::Values(0, 1, 47, 48, 49, kChunkSize - 1, kChunkSize,
                                           kChunkSize + 1, 2 * kChunkSize, 64 * kChunkSize,
                                           64 * kChunkSize + 1, 130 * kChunkSize + 7));

// Large inputs are mapped: reads from the current offset (not page-aligned), views and copies
// interleaved, views still readable after their pages were dropped from the mapping.
TEST(MappedFileSource, ReadsTheFileInPlaceFromTheOffset) {
  oc::test::TempDir dir;
  std::string data = pattern((size_t(40) << 20) + 12345);
  std::string path = dir.write("big", data);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::lseek(fd, 1000, SEEK_SET), 1000);
  auto m = MappedFileSource::map(fd, size_t(1) << 20);
  ::close(fd);  // the mapping outlives the descriptor
  ASSERT_TRUE(m);
  std::string got;
  std::vector<std::string_view> views;
  for (int i = 0;; ++i) {
    if (i % 3 == 2) {
      uint8_t buf[70000];
      auto n = m->read(buf, sizeof buf);
      ASSERT_TRUE(n.ok());
      if (*n == 0) break;
      got.append(reinterpret_cast<char*>(buf), *n);
    } else {
      auto v = m->read_view(size_t(3) << 20);
      ASSERT_TRUE(v);
      if (v->empty()) break;
      views.push_back(*v);
      got.append(*v);
    }
  }
  EXPECT_TRUE(got == data.substr(1000)) << got.size();
  // The first view's pages were dropped long ago; it still reads the file.
  EXPECT_TRUE(views.front() == std::string_view(data).substr(1000, views.front().size()));
}

// Encryption reads a mapped file as ranges (pread on each worker); decryption as views. Both
// give the same plaintext back at block boundaries, whatever the threads.
TEST(MappedFileSource, EncryptsFromRangesAtBlockBoundaries) {
  Keys k;
  oc::test::TempDir dir;
  for (size_t size :
       {size_t(1), kChunkSize, 64 * kChunkSize, 64 * kChunkSize + 1, 130 * kChunkSize + 7}) {
    std::string plain = pattern(size);
    std::string path = dir.write("in", plain);
    for (size_t threads : {size_t(1), size_t(4)}) {
      int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      ASSERT_GE(fd, 0);
      auto m = MappedFileSource::map(fd, 0);
      ::close(fd);  // the source keeps its own descriptor
      ASSERT_TRUE(m);
      StringSink out;
      EncryptOptions o;
      o.stream.threads = threads;
      ASSERT_TRUE(encrypt(*m, out, {&k.rcpt}, o).ok());
      std::string back;
      AgeStatus st = dec(out.data, {&k.id}, back, threads);
      ASSERT_TRUE(st.ok()) << st.error.message;
      EXPECT_TRUE(back == plain) << size << " bytes, " << threads << " threads";
    }
  }
}

// A range read past the end of a file that shrank is an error, not a short read.
TEST(MappedFileSource, RangesOfAShrunkFileAreAnError) {
  oc::test::TempDir dir;
  std::string data = pattern(size_t(2) << 20);
  std::string path = dir.write("f", data);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::lseek(fd, 10, SEEK_SET), 10);
  auto m = MappedFileSource::map(fd, 0, path);
  ::close(fd);
  ASSERT_TRUE(m);
  auto a = m->read_range(size_t(1) << 20);
  auto b = m->read_range(size_t(4) << 20);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->offset, 10u);
  EXPECT_EQ(a->size, size_t(1) << 20);
  EXPECT_EQ(b->offset, 10u + (size_t(1) << 20));
  EXPECT_EQ(b->size, data.size() - 10 - (size_t(1) << 20));  // the rest
  std::string got(100, '\0');
  ASSERT_TRUE(read_range_bytes(*b, 5, reinterpret_cast<uint8_t*>(got.data()), got.size()).ok());
  EXPECT_EQ(got, data.substr(10 + (size_t(1) << 20) + 5, 100));
  ASSERT_EQ(::truncate(path.c_str(), off_t(size_t(1) << 20)), 0);
  auto s = read_range_bytes(*b, 0, reinterpret_cast<uint8_t*>(got.data()), got.size());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "reading " + path + ": the file shrank while it was read");
}

TEST(MappedFileSource, LeavesPipesAndSmallFilesToRead) {
  oc::test::TempDir dir;
  int small = ::open(dir.write("small", "tiny").c_str(), O_RDONLY | O_CLOEXEC);
  EXPECT_FALSE(MappedFileSource::map(small, size_t(1) << 20));
  ::close(small);
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  EXPECT_FALSE(MappedFileSource::map(p[0], 0));
  ::close(p[0]);
  ::close(p[1]);
}

// Large writes are encoded on several threads in line-aligned ranges; the output is the same
// byte for byte whatever the threads and the write sizes.
TEST(ArmorWriter, ThreadsAndWriteSizesDoNotChangeTheOutput) {
  std::string data = pattern((size_t(5) << 20) + 31);
  StringSink one;
  ArmorWriter serial(one, 1);
  ASSERT_TRUE(serial.write(data).ok());
  ASSERT_TRUE(serial.close().ok());
  for (size_t piece : {size_t(1) << 22, size_t(393217), size_t(65552), size_t(47)}) {
    StringSink many;
    ArmorWriter parallel(many, 3);
    for (size_t off = 0; off < data.size(); off += piece) {
      ASSERT_TRUE(parallel.write(std::string_view(data).substr(off, piece)).ok());
    }
    ASSERT_TRUE(parallel.close().ok());
    EXPECT_TRUE(many.data == one.data) << "writes of " << piece;
  }
  StringSource in(one.data);
  ArmorReader r(in);
  std::string back(data.size() + 1, '\0');
  auto n = r.read_full(reinterpret_cast<uint8_t*>(back.data()), back.size());
  ASSERT_TRUE(n.ok());
  back.resize(*n);
  EXPECT_TRUE(back == data);
}

TEST(Age, EveryRecipientCanDecrypt) {
  Keys a, b, c;
  std::string file = enc("shared", {&a.rcpt, &b.rcpt, &c.rcpt}, false);
  for (const Identity* id :
       {static_cast<const Identity*>(&a.id), static_cast<const Identity*>(&b.id),
        static_cast<const Identity*>(&c.id)}) {
    std::string back;
    ASSERT_TRUE(dec(file, {id}, back).ok());
    EXPECT_EQ(back, "shared");
  }
}

TEST(Age, Decrypt_FailsWithWrongKey) {
  Keys a, other;
  std::string file = enc("secret", {&a.rcpt}, false);
  std::string back;
  AgeStatus st = dec(file, {&other.id}, back);
  EXPECT_EQ(st.failure, Failure::kNoMatch);
  EXPECT_TRUE(back.empty());
  EXPECT_EQ(st.error.message.find("secret"), std::string::npos);
}

TEST(Age, Decrypt_ReportsATamperedHeaderAsHmacFailure) {
  Keys a, b;
  std::string file = enc("x", {&a.rcpt, &b.rcpt}, false);
  // Swap the two stanzas: both still unwrap, but the MAC covers their order.
  size_t s1 = file.find("-> "), s2 = file.find("-> ", s1 + 1), end = file.find("---");
  std::string swapped =
      file.substr(0, s1) + file.substr(s2, end - s2) + file.substr(s1, s2 - s1) + file.substr(end);
  std::string back;
  EXPECT_EQ(dec(swapped, {&a.id}, back).failure, Failure::kHeaderMac);
}

TEST(Age, Decrypt_ReportsATamperedPayloadAndKeepsEarlierChunks) {
  Keys k;
  std::string plain = pattern(3 * kChunkSize);
  std::string file = enc(plain, {&k.rcpt}, false, 1);
  size_t payload = payload_start(file);
  file[payload + kEncChunkSize + 100] ^= 1;  // inside the second chunk
  for (size_t threads : {size_t(1), size_t(3)}) {
    std::string back;
    AgeStatus st = dec(file, {&k.id}, back, threads);
    EXPECT_EQ(st.failure, Failure::kPayload);
    EXPECT_EQ(back, plain.substr(0, kChunkSize));  // only the first chunk was released
  }
}

TEST(Age, Decrypt_ReportsATruncatedFile) {
  Keys k;
  std::string plain = pattern(2 * kChunkSize);
  std::string file = enc(plain, {&k.rcpt}, false);
  std::string back;
  // Cut exactly after the first full chunk: no final chunk.
  size_t payload = payload_start(file);
  EXPECT_EQ(dec(file.substr(0, payload + kEncChunkSize), {&k.id}, back).failure, Failure::kPayload);
  EXPECT_EQ(dec(file.substr(0, file.size() - 1), {&k.id}, back).failure, Failure::kPayload);
  EXPECT_EQ(dec(file.substr(0, payload - 3), {&k.id}, back).failure,
            Failure::kHeader);  // short nonce
  EXPECT_EQ(dec(file.substr(0, 30), {&k.id}, back).failure, Failure::kHeader);
  EXPECT_EQ(dec(file + "x", {&k.id}, back).failure, Failure::kPayload);  // trailing data
}

TEST(Age, ArmorIsDetectedAndItsDamageReported) {
  Keys k;
  std::string file = enc("hello", {&k.rcpt}, true);
  EXPECT_EQ(file.rfind(std::string(kArmorHeader) + "\n", 0), 0u);
  EXPECT_EQ(file.substr(file.size() - kArmorFooter.size() - 1), std::string(kArmorFooter) + "\n");
  std::string back;
  ASSERT_TRUE(dec("\n  \n" + file, {&k.id}, back).ok());
  EXPECT_EQ(back, "hello");
  std::string bad = file;
  bad.insert(kArmorHeader.size() + 5, " ");
  EXPECT_EQ(dec(bad, {&k.id}, back).failure, Failure::kArmor);
}

TEST(Age, ScryptRoundTripsAndMustBeAlone) {
  ScryptRecipient r(SecretBytes(std::string("correct horse")), 10);
  std::string file = enc("by passphrase", {&r}, false);
  std::string back;
  ScryptIdentity good(SecretBytes(std::string("correct horse")));
  ASSERT_TRUE(dec(file, {&good}, back).ok());
  EXPECT_EQ(back, "by passphrase");
  ScryptIdentity bad(SecretBytes(std::string("wrong")));
  EXPECT_EQ(dec(file, {&bad}, back).failure, Failure::kNoMatch);
  Keys k;
  StringSource in("x");
  StringSink out;
  EXPECT_FALSE(encrypt(in, out, {&r, &k.rcpt}).ok());
  EXPECT_TRUE(out.data.empty());
}

TEST(Age, ScryptAsksForThePassphraseOnlyWhenNeeded) {
  Keys k;
  int asked = 0;
  ScryptIdentity lazy([&] {
    ++asked;
    return core::Result<SecretBytes>(SecretBytes(std::string("p")));
  });
  std::string back;
  std::string file = enc("x", {&k.rcpt}, false);
  EXPECT_EQ(dec(file, {&lazy}, back).failure, Failure::kNoMatch);
  EXPECT_EQ(asked, 0);
}

TEST(AgeIdentities, ParsesCommentsBlankLinesAndCrlf) {
  Keys a, b;
  std::string text = "# created: now\r\n# public key: " + a.rcpt.to_string() + "\r\n" +
                     a.id.to_string() + "\r\n\n" + b.id.to_string();
  auto ids = parse_identities(text);
  ASSERT_TRUE(ids.ok()) << ids.error().message;
  EXPECT_EQ(ids->size(), 2u);
}

TEST(AgeIdentities, RefusesSpacesAndUnknownLinesWithoutShowingThem) {
  Keys a;
  std::string secret = a.id.to_string();
  auto spaced = parse_identities(" " + secret + "\n");
  ASSERT_FALSE(spaced.ok());
  EXPECT_EQ(spaced.error().message, "error at line 1: unknown identity type");
  std::string lower = secret;
  for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
  auto low = parse_identities("# c\n" + lower + "\n");
  ASSERT_FALSE(low.ok());
  EXPECT_EQ(low.error().message.find(lower.substr(20)), std::string::npos) << low.error().message;
  EXPECT_NE(low.error().message.find("line 2"), std::string::npos);
  EXPECT_FALSE(parse_identities("# only comments\n").ok());
  auto pq = parse_identities("AGE-SECRET-KEY-PQ-1ABC\n");
  ASSERT_FALSE(pq.ok());
  EXPECT_NE(pq.error().message.find("post-quantum"), std::string::npos);
}

TEST(AgeIdentities, CorruptedKeyFailsWithoutEchoingIt) {
  Keys a;
  std::string s = a.id.to_string();
  s[30] = s[30] == 'Q' ? 'P' : 'Q';
  auto ids = parse_identities(s);
  ASSERT_FALSE(ids.ok());
  EXPECT_NE(ids.error().message.find("invalid checksum"), std::string::npos);
  EXPECT_EQ(ids.error().message.find(s.substr(16)), std::string::npos);
}

TEST(AgeRecipients, ParsesFilesAndRefusesSecretKeys) {
  Keys a, b;
  auto rs = parse_recipients("# team\n" + a.rcpt.to_string() + "\n\n" + b.rcpt.to_string() + "\n");
  ASSERT_TRUE(rs.ok());
  EXPECT_EQ(rs->size(), 2u);
  auto secret = parse_recipient(a.id.to_string());
  ASSERT_FALSE(secret.ok());
  EXPECT_EQ(secret.error().message.find(a.id.to_string()), std::string::npos);
  EXPECT_FALSE(parse_recipient("AGE1" + a.rcpt.to_string().substr(4)).ok());
}

TEST(AgeKeygen, WritesAgeKeygensThreeLines) {
  X25519Identity id = X25519Identity::generate();
  std::string f = keygen_file(id);
  EXPECT_EQ(f.rfind("# created: ", 0), 0u);
  EXPECT_NE(f.find("\n# public key: " + id.recipient().to_string() + "\n"), std::string::npos);
  EXPECT_EQ(f.substr(f.size() - 75), id.to_string() + "\n");
  auto ids = parse_identities(f);
  ASSERT_TRUE(ids.ok());
}

}  // namespace
}  // namespace oc::crypto::age
