#include "crypto/age_stream.h"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "crypto/parallel.h"
#include "crypto/primitives.h"

namespace oc::crypto::age {

namespace {

// Chunks per block: large reads and writes, and enough work to share between threads.
constexpr size_t kBatch = 64;

void make_nonce(uint64_t counter, bool last, uint8_t nonce[12]) {
  std::memset(nonce, 0, 12);
  for (int i = 0; i < 8; ++i) nonce[10 - i] = uint8_t(counter >> (8 * i));
  nonce[11] = last ? 1 : 0;
}

// One cipher context per worker thread (EVP contexts are not shareable).
struct Ciphers {
  Ciphers(const uint8_t key[32], size_t threads) : workers(threads) {
    for (size_t i = 0; i < workers.size(); ++i) ctx.push_back(std::make_unique<ChaChaPoly>(key));
  }
  Workers workers;
  std::vector<std::unique_ptr<ChaChaPoly>> ctx;
};

size_t pick_threads(const StreamOptions& o) {
  return o.threads ? o.threads : Workers::default_threads();
}

// Reads a source in blocks: the first is one chunk (small inputs, like a sops data key, touch
// no more memory than that), the others `block_size`. The first blocks are read on the calling
// thread; once a large block is full (a large input), a reader thread keeps up to two more
// blocks filled while the caller works on the current one, so reading overlaps with
// sealing/opening. A block is shorter than its capacity only at the end of the stream (an
// empty block is the end).
//
// When the source has its bytes in memory (a mapped file, a string), a block is a view of them
// instead of a copy (Source::read_view); blocks not yet drained from a buffer are copied.
//
// A failure can stop the caller while the reader thread is blocked in read(); the destructor
// waits for that read to return (end of input, or a block filled).
class BlockReader {
 public:
  struct Block {
    size_t cap = 0;                 // bytes asked for
    std::vector<uint8_t> buf;       // storage when copied (allocated on first copy)
    const uint8_t* data = nullptr;  // the block: into buf, or a view of the source
    std::optional<Source::Range> range;  // or a range of a file, not read yet (data is null)
    size_t size = 0;
    std::optional<core::Error> error;
    size_t capacity() const { return cap; }
    bool last() const { return size < cap || error; }
  };

  BlockReader(Source& in, size_t first_size, size_t block_size, bool allow_thread,
              bool allow_ranges = false)
      : in_(in),
        first_size_(first_size),
        block_size_(block_size),
        allow_thread_(allow_thread),
        allow_ranges_(allow_ranges) {}

  ~BlockReader() {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    for (auto& b : all_) cleanse(b->buf.data(), b->buf.size());
  }

  // The next block; it stays valid until release().
  Block* acquire() {
    if (!thread_.joinable()) {
      Block* b = take_free(first_ ? first_size_ : block_size_);
      first_ = false;
      fill(*b);
      if (allow_thread_ && b->capacity() == block_size_ && !b->last() && !b->range) start_thread();
      return b;
    }
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return !ready_.empty(); });
    Block* b = ready_.front();
    ready_.pop_front();
    cv_.notify_all();
    return b;
  }

  void release(Block* b) {
    std::lock_guard<std::mutex> l(mu_);
    free_.push_back(b);
    cv_.notify_all();
  }

 private:
  Block* take_free(size_t size) {
    std::lock_guard<std::mutex> l(mu_);
    for (size_t i = 0; i < free_.size(); ++i) {
      if (free_[i]->capacity() == size) {
        Block* b = free_[i];
        free_.erase(free_.begin() + long(i));
        return b;
      }
    }
    all_.push_back(std::make_unique<Block>());
    all_.back()->cap = size;
    return all_.back().get();
  }

  void fill(Block& b) {
    b.error.reset();
    b.range.reset();
    if (allow_ranges_ && (b.range = in_.read_range(b.cap))) {
      b.data = nullptr;
      b.size = b.range->size;
      return;
    }
    if (auto v = in_.read_view(b.cap)) {
      b.data = reinterpret_cast<const uint8_t*>(v->data());
      b.size = v->size();
      return;
    }
    if (b.buf.size() < b.cap) b.buf.resize(b.cap);
    b.data = b.buf.data();
    auto r = in_.read_full(b.buf.data(), b.cap);
    if (!r.ok()) {
      b.size = 0;
      b.error = r.error();
    } else {
      b.size = *r;
    }
  }

  void start_thread() {
    // Three large blocks in flight: one being processed, one looked ahead at, one being read.
    std::erase_if(free_, [&](Block* b) { return b->capacity() != block_size_; });
    for (int i = 0; i < 2; ++i) {
      all_.push_back(std::make_unique<Block>());
      all_.back()->cap = block_size_;
      free_.push_back(all_.back().get());
    }
    thread_ = std::thread([this] {
      for (;;) {
        Block* b;
        {
          std::unique_lock<std::mutex> l(mu_);
          auto large = [&] {
            return std::find_if(free_.begin(), free_.end(),
                                [&](Block* f) { return f->capacity() == block_size_; });
          };
          cv_.wait(l, [&] { return stop_ || large() != free_.end(); });
          if (stop_) return;
          auto it = large();
          b = *it;
          free_.erase(it);
        }
        fill(*b);
        bool end = b->last();
        {
          std::lock_guard<std::mutex> l(mu_);
          ready_.push_back(b);
        }
        cv_.notify_all();
        if (end) return;
      }
    });
  }

  Source& in_;
  size_t first_size_, block_size_;
  bool allow_thread_, allow_ranges_;
  bool first_ = true;
  std::vector<std::unique_ptr<Block>> all_;
  std::vector<Block*> free_;
  std::deque<Block*> ready_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

core::Error payload_error(std::string msg) {
  return core::Error(std::move(msg));
}

}  // namespace

const char* failure_name(Failure f) {
  switch (f) {
    case Failure::kNone:
      return "success";
    case Failure::kIo:
      return "I/O failure";
    case Failure::kArmor:
      return "armor failure";
    case Failure::kHeader:
      return "header failure";
    case Failure::kNoMatch:
      return "no match";
    case Failure::kHeaderMac:
      return "HMAC failure";
    case Failure::kPayload:
      return "payload failure";
  }
  return "unknown";
}

core::Status stream_encrypt(const uint8_t key[32], Source& in, Sink& out,
                            const StreamOptions& opts) {
  size_t threads = pick_threads(opts);
  // A file's blocks come as ranges: each worker reads its chunks with pread(2) into their
  // output slots and seals them in place there, while they are in its cache. (Mapping the file
  // instead costs the kernel a page-table update per page, on one thread's faults.)
  BlockReader reader(in, kChunkSize, kBatch * kChunkSize, threads > 1, /*allow_ranges=*/true);
  std::vector<uint8_t> sealed;
  std::mutex read_error_mu;
  std::optional<core::Error> read_error;
  std::optional<Ciphers> ciphers;
  uint64_t counter = 0;
  BlockReader::Block* cur = reader.acquire();
  for (;;) {
    if (cur->error) return *cur->error;
    // Whether this block ends the stream: a short block does; a full one when the next is
    // empty (the plaintext ends on a block boundary).
    BlockReader::Block* next = nullptr;
    bool final_block = cur->last();
    if (!final_block) {
      next = reader.acquire();
      if (next->error) return *next->error;
      final_block = next->size == 0;
    }
    size_t n = cur->size;
    size_t chunks = std::max<size_t>(1, (n + kChunkSize - 1) / kChunkSize);
    if (sealed.size() < chunks * kEncChunkSize) sealed.resize(chunks * kEncChunkSize);
    if (!ciphers || (chunks > 1 && ciphers->workers.size() < threads))
      ciphers.emplace(key, chunks > 1 ? threads : 1);
    ciphers->workers.run(chunks, [&](size_t w, size_t b, size_t e) {
      uint8_t nonce[12];
      for (size_t i = b; i < e; ++i) {
        size_t off = i * kChunkSize;
        size_t len = std::min(kChunkSize, n - off);
        uint8_t* slot = sealed.data() + i * kEncChunkSize;
        const uint8_t* plain = cur->data ? cur->data + off : slot;
        if (!cur->data) {
          if (auto s = read_range_bytes(*cur->range, off, slot, len); !s.ok()) {
            std::lock_guard<std::mutex> l(read_error_mu);
            if (!read_error) read_error = s.error();
            return;
          }
        }
        make_nonce(counter + i, final_block && i + 1 == chunks, nonce);
        ciphers->ctx[w]->seal(nonce, plain, len, slot);
      }
    });
    if (read_error) return *read_error;
    if (auto s = out.write(sealed.data(), n + chunks * 16); !s.ok()) return s;
    counter += chunks;
    reader.release(cur);
    if (final_block) return {};
    cur = next;
  }
}

AgeStatus stream_decrypt(const uint8_t key[32], Source& in, Sink& out, const StreamOptions& opts) {
  size_t threads = pick_threads(opts);
  BlockReader reader(in, kEncChunkSize, kBatch * kEncChunkSize, threads > 1);
  std::vector<uint8_t> plain;
  struct Wipe {
    std::vector<uint8_t>& v;
    ~Wipe() { cleanse(v.data(), v.size()); }
  } wipe{plain};
  std::optional<Ciphers> ciphers;
  // Per chunk: 0 = opened as a middle chunk, 1 = opened as the last chunk, 2 = failed.
  std::vector<uint8_t> state(kBatch);
  uint64_t counter = 0;
  for (;;) {
    BlockReader::Block* cur = reader.acquire();
    if (cur->error) return {Failure::kIo, *cur->error};
    size_t n = cur->size;
    if (n == 0) return {Failure::kPayload, payload_error("truncated file: no final chunk")};
    size_t chunks = (n + kEncChunkSize - 1) / kEncChunkSize;
    if (plain.size() < chunks * kChunkSize) plain.resize(chunks * kChunkSize);
    if (!ciphers || (chunks > 1 && ciphers->workers.size() < threads))
      ciphers.emplace(key, chunks > 1 ? threads : 1);
    const uint8_t* sealed = cur->data;
    ciphers->workers.run(chunks, [&](size_t w, size_t b, size_t e) {
      uint8_t nonce[12];
      ChaChaPoly& c = *ciphers->ctx[w];
      for (size_t i = b; i < e; ++i) {
        const uint8_t* src = sealed + i * kEncChunkSize;
        uint8_t* dst = plain.data() + i * kChunkSize;
        size_t len = std::min(kEncChunkSize, n - i * kEncChunkSize);
        if (len < kEncChunkSize) {
          // A short chunk is the last one; it may be empty only when it is the only chunk.
          make_nonce(counter + i, true, nonce);
          state[i] = (counter + i != 0 && len == 16) ? 2 : (c.open(nonce, src, len, dst) ? 1 : 2);
          continue;
        }
        make_nonce(counter + i, false, nonce);
        if (c.open(nonce, src, len, dst)) {
          state[i] = 0;
          continue;
        }
        // A full chunk may still be the last one.
        make_nonce(counter + i, true, nonce);
        state[i] = c.open(nonce, src, len, dst) ? 1 : 2;
      }
    });
    // Release chunks in order up to the first failure or the last chunk, as the sequential
    // algorithm does.
    size_t good = 0;
    std::optional<AgeStatus> verdict;
    for (size_t i = 0; i < chunks; ++i) {
      size_t len = std::min(kEncChunkSize, n - i * kEncChunkSize);
      if (state[i] == 2) {
        verdict = AgeStatus(Failure::kPayload,
                            payload_error(counter + i != 0 && len == 16
                                              ? "last chunk is empty"
                                              : "failed to decrypt and authenticate payload chunk: "
                                                "the file is damaged or was tampered with"));
        break;
      }
      good += len - 16;
      if (state[i] == 1) {
        if (i + 1 < chunks) {
          verdict = AgeStatus(Failure::kPayload,
                              payload_error("trailing data after end of encrypted file"));
        } else if (!cur->last()) {
          // The block was full: anything after it is trailing data.
          BlockReader::Block* next = reader.acquire();
          if (next->error)
            verdict = AgeStatus(Failure::kIo, *next->error);
          else if (next->size != 0)
            verdict = AgeStatus(Failure::kPayload,
                                payload_error("trailing data after end of encrypted file"));
          else
            verdict = AgeStatus();
          reader.release(next);
        } else {
          verdict = AgeStatus();
        }
        break;
      }
    }
    bool cur_last = cur->last();
    reader.release(cur);
    // Released chunks are plaintext at 64 KiB strides, all full but the last: contiguous.
    if (good) {
      if (auto s = out.write(plain.data(), good); !s.ok()) return {Failure::kIo, s.error()};
    }
    if (verdict) return *verdict;
    if (cur_last) return {Failure::kPayload, payload_error("truncated file: no final chunk")};
    counter += chunks;
  }
}

}  // namespace oc::crypto::age
