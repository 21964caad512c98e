#include "source/gzip_writer.h"

#include <zlib.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace oc::source::detail {

namespace {

constexpr size_t kDictSize = 32 * 1024;

// One block of input and, once a worker is done with it, its compressed bytes.
struct Block {
  std::string input;
  std::string dict;  // the 32 KiB of input before this block ("" for the first)
  bool last = false;
  std::string output;
  uLong crc = 0;
  bool done = false;
  bool failed = false;
};

// Raw deflate of one block, byte-aligned at its end so blocks can be concatenated.
void compress(Block& b, int level) {
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    b.failed = true;
    return;
  }
  if (!b.dict.empty()) {
    deflateSetDictionary(&z, reinterpret_cast<const Bytef*>(b.dict.data()), uInt(b.dict.size()));
  }
  b.output.resize(deflateBound(&z, uLong(b.input.size())) + 64);
  z.next_in = reinterpret_cast<Bytef*>(b.input.data());
  z.avail_in = uInt(b.input.size());
  int flush = b.last ? Z_FINISH : Z_SYNC_FLUSH;
  size_t used = 0;
  int rc = Z_OK;
  for (;;) {
    z.next_out = reinterpret_cast<Bytef*>(b.output.data() + used);
    z.avail_out = uInt(b.output.size() - used);
    rc = deflate(&z, flush);
    used = b.output.size() - z.avail_out;
    bool complete = b.last ? rc == Z_STREAM_END : (z.avail_in == 0 && z.avail_out != 0);
    if (complete || (rc != Z_OK && rc != Z_BUF_ERROR)) break;
    b.output.resize(b.output.size() * 2);
  }
  b.output.resize(used);
  deflateEnd(&z);
  b.crc = crc32(0L, reinterpret_cast<const Bytef*>(b.input.data()), uInt(b.input.size()));
  b.failed = b.last ? rc != Z_STREAM_END : rc != Z_OK;
}

}  // namespace

struct GzipWriter::Impl {
  Sink& out;
  int level;
  unsigned threads;
  std::string pending;  // input not yet cut into a block
  std::string tail;     // the last 32 KiB of input already cut (the next dictionary)
  uLong crc = crc32(0L, Z_NULL, 0);
  uint64_t input_size = 0;
  bool header_written = false;
  core::Status error;

  // Blocks in input order; workers take the oldest not yet started.
  std::mutex mu;
  std::condition_variable work_cv, done_cv;
  std::deque<std::shared_ptr<Block>> queue;  // submitted, not yet written out
  size_t next_to_start = 0;                  // index into queue of the next block to compress
  bool stopping = false;
  std::vector<std::thread> workers;

  Impl(Sink& o, int l, unsigned t) : out(o), level(l), threads(t) {}

  ~Impl() {
    {
      std::lock_guard<std::mutex> g(mu);
      stopping = true;
    }
    work_cv.notify_all();
    for (std::thread& w : workers) w.join();
  }

  void worker() {
    for (;;) {
      std::shared_ptr<Block> b;
      {
        std::unique_lock<std::mutex> g(mu);
        work_cv.wait(g, [&] { return stopping || next_to_start < queue.size(); });
        if (next_to_start >= queue.size()) return;  // stopping and nothing left
        b = queue[next_to_start++];
      }
      compress(*b, level);
      {
        std::lock_guard<std::mutex> g(mu);
        b->done = true;
      }
      done_cv.notify_all();
    }
  }

  // gzip.Writer's header: no flags, mtime 0, XFL from the level as Go sets it, OS 255.
  core::Status write_header() {
    header_written = true;
    char xfl = level == 9 ? 2 : level == 1 ? 4 : 0;
    const char header[10] = {'\x1f', '\x8b', 8, 0, 0, 0, 0, 0, xfl, '\xff'};
    return out.write(std::string_view(header, sizeof header));
  }

  // Writes out finished blocks at the front of the queue, in order. With `all`, waits for every
  // submitted block; otherwise only until at most `max_in_flight` remain.
  core::Status drain(bool all) {
    size_t max_in_flight = all ? 0 : size_t(threads) * 2;
    for (;;) {
      std::shared_ptr<Block> b;
      {
        std::unique_lock<std::mutex> g(mu);
        if (queue.size() <= max_in_flight) return core::Status::success();
        done_cv.wait(g, [&] { return queue.front()->done; });
        b = queue.front();
        queue.pop_front();
        --next_to_start;
      }
      core::Status s = finish_block(*b);
      if (!s.ok()) return s;
    }
  }

  core::Status finish_block(Block& b) {
    if (b.failed) return core::Error("gzip: deflate failed");
    crc = crc32_combine(crc, b.crc, z_off_t(b.input.size()));
    input_size += b.input.size();
    return out.write(b.output);
  }

  core::Status submit(std::string input, bool last) {
    auto b = std::make_shared<Block>();
    b->dict = tail;
    b->last = last;
    if (input.size() >= kDictSize) {
      tail.assign(input, input.size() - kDictSize, kDictSize);
    } else {
      tail += input;
      if (tail.size() > kDictSize) tail.erase(0, tail.size() - kDictSize);
    }
    b->input = std::move(input);
    // Small artifacts (one block) and single-threaded writers compress here.
    bool alone = last && queue.empty();
    if (threads <= 1 || alone) {
      compress(*b, level);
      return finish_block(*b);
    }
    {
      std::lock_guard<std::mutex> g(mu);
      if (workers.empty()) {
        for (unsigned i = 0; i < threads; ++i) workers.emplace_back([this] { worker(); });
      }
      queue.push_back(std::move(b));
    }
    work_cv.notify_one();
    return drain(false);
  }
};

GzipWriter::GzipWriter(Sink& out, int level, unsigned threads) {
  if (threads == 0) threads = std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
  impl_ = std::make_unique<Impl>(out, level, threads);
}

GzipWriter::~GzipWriter() = default;

core::Status GzipWriter::write(std::string_view bytes) {
  Impl& m = *impl_;
  if (!m.error.ok()) return m.error;
  if (!m.header_written) m.error = m.write_header();
  while (m.error.ok() && !bytes.empty()) {
    size_t take = std::min(bytes.size(), kBlockSize - m.pending.size());
    m.pending.append(bytes.data(), take);
    bytes.remove_prefix(take);
    if (m.pending.size() == kBlockSize) {
      std::string block;
      block.reserve(kBlockSize);
      block.swap(m.pending);
      m.error = m.submit(std::move(block), false);
    }
  }
  return m.error;
}

core::Status GzipWriter::finish() {
  Impl& m = *impl_;
  if (m.error.ok() && !m.header_written) m.error = m.write_header();
  if (m.error.ok()) m.error = m.submit(std::move(m.pending), true);
  if (m.error.ok()) m.error = m.drain(true);
  if (!m.error.ok()) return m.error;
  unsigned char trailer[8];
  for (int i = 0; i < 4; ++i) trailer[i] = (unsigned char)((m.crc >> (8 * i)) & 0xff);
  for (int i = 0; i < 4; ++i) trailer[4 + i] = (unsigned char)((m.input_size >> (8 * i)) & 0xff);
  return m.out.write(std::string_view(reinterpret_cast<const char*>(trailer), sizeof trailer));
}

}  // namespace oc::source::detail
