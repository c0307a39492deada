// Output read from a master and not yet delivered, in blocks from one process-wide pool.
//
// Why a pool: a busy session passes a megabyte per delivery. Memory fresh from malloc at that
// size is fresh from the kernel (mmap), so every 4 KiB page of it costs a page fault when first
// written, and the unmap costs again when it is freed: the profile of 2026-12-05 had those
// faults as the main thread's largest cost. A block that comes back to the pool keeps its pages
// mapped, and the next delivery writes into memory that is already there.
//
// A block is owned by exactly one of: a session's OutputBuffer, a drain in flight (until its
// bytes are copied into JavaScript strings or Buffers), or the pool. BlockPtr returns it to the
// pool when it is dropped, whoever held it. JavaScript never holds a block: a Buffer over one
// would keep it from the pool until V8 collects, and the bytes would then land in fresh memory
// again (README, Performance: and a zero-copy upper bound made runs with a CPU hog no faster).
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace native_pty {

// One malloc'd allocation: this header, kHeadroom spare bytes, then `capacity` bytes of which
// the first `size` hold data.
struct ByteBlock {
  // Room in front of the data, for the few bytes of a character split between two deliveries
  // (node/text_delivery.cc puts them back in front of the next block instead of copying it).
  static constexpr size_t kHeadroom = 4;

  size_t size = 0;
  size_t capacity = 0;

  char* data() { return reinterpret_cast<char*>(this + 1) + kHeadroom; }
  const char* data() const { return reinterpret_cast<const char*>(this + 1) + kHeadroom; }
};

struct ReturnToPool {
  void operator()(ByteBlock* block) const;
};
using BlockPtr = std::unique_ptr<ByteBlock, ReturnToPool>;

class BlockPool {
 public:
  // Idle blocks kept for reuse, in bytes of capacity; past this they are freed.
  static constexpr size_t kMaxIdleBytes = 8 * 1024 * 1024;
  // The smallest block made: a few reads of a pty (4 KiB each on Linux).
  static constexpr size_t kMinCapacity = 64 * 1024;

  static BlockPool& instance();

  // An idle block (the one returned last: its pages are the most likely to be warm), grown to
  // `minCapacity` if it is smaller; or a new one. Empty either way. Null only when out of memory.
  BlockPtr take(size_t minCapacity);
  // Makes `block` hold at least `capacity` bytes, keeping its data (realloc: for the large
  // blocks glibc maps on their own this moves page tables, not bytes). False when out of memory.
  static bool grow(BlockPtr* block, size_t capacity);
  // Frees idle blocks until at most `keepBytes` of capacity stay idle. Any thread.
  void trim(size_t keepBytes);
  size_t idleBytes();

 private:
  friend struct ReturnToPool;
  BlockPool() = default;
  void give(ByteBlock* block);

  std::mutex mutex_;
  std::vector<ByteBlock*> idle_;
  size_t idleBytes_ = 0;
};

// A session's undelivered output. Not thread-safe: guarded by SessionManager's mutex.
class OutputBuffer {
 public:
  size_t size() const { return block_ ? block_->size : 0; }
  bool empty() const { return size() == 0; }
  // Copies `length` bytes to the end, taking a block from the pool or growing this one as
  // needed. False (nothing appended) only when out of memory.
  bool append(const char* bytes, size_t length);
  // Everything held, leaving this buffer empty and without a block.
  BlockPtr take() { return std::move(block_); }

 private:
  BlockPtr block_;
};

}  // namespace native_pty
