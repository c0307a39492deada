#include "output_buffer.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

namespace native_pty {
namespace {

ByteBlock* allocate(size_t capacity) {
  void* raw = std::malloc(sizeof(ByteBlock) + ByteBlock::kHeadroom + capacity);
  if (raw == nullptr) return nullptr;
  auto* block = new (raw) ByteBlock();
  block->capacity = capacity;
  return block;
}

void release(ByteBlock* block) {
  block->~ByteBlock();
  std::free(block);
}

}  // namespace

void ReturnToPool::operator()(ByteBlock* block) const { BlockPool::instance().give(block); }

BlockPool& BlockPool::instance() {
  // Never destroyed: JavaScript may drop a Buffer that owns a block after static destructors.
  static BlockPool* pool = new BlockPool();
  return *pool;
}

BlockPtr BlockPool::take(size_t minCapacity) {
  ByteBlock* block = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      block = idle_.back();
      idle_.pop_back();
      idleBytes_ -= block->capacity;
    }
  }
  if (block == nullptr) return BlockPtr(allocate(std::max(minCapacity, kMinCapacity)));
  block->size = 0;
  BlockPtr taken(block);
  if (taken->capacity < minCapacity && !grow(&taken, minCapacity)) return nullptr;
  return taken;
}

bool BlockPool::grow(BlockPtr* block, size_t capacity) {
  ByteBlock* old = block->get();
  if (old->capacity >= capacity) return true;
  void* raw = std::realloc(old, sizeof(ByteBlock) + ByteBlock::kHeadroom + capacity);
  if (raw == nullptr) return false;
  (void)block->release();  // realloc moved or freed it: the old pointer must not be returned
  auto* grown = static_cast<ByteBlock*>(raw);
  grown->capacity = capacity;
  block->reset(grown);
  return true;
}

void BlockPool::give(ByteBlock* block) {
  if (block == nullptr) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (idleBytes_ + block->capacity <= kMaxIdleBytes) {
      idle_.push_back(block);
      idleBytes_ += block->capacity;
      return;
    }
  }
  release(block);
}

void BlockPool::trim(size_t keepBytes) {
  std::vector<ByteBlock*> freed;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // The oldest go first: the newest are the warmest.
    size_t drop = 0;
    while (drop < idle_.size() && idleBytes_ > keepBytes) idleBytes_ -= idle_[drop++]->capacity;
    freed.assign(idle_.begin(), idle_.begin() + static_cast<std::ptrdiff_t>(drop));
    idle_.erase(idle_.begin(), idle_.begin() + static_cast<std::ptrdiff_t>(drop));
  }
  for (ByteBlock* block : freed) release(block);
}

size_t BlockPool::idleBytes() {
  std::lock_guard<std::mutex> lock(mutex_);
  return idleBytes_;
}

bool OutputBuffer::append(const char* bytes, size_t length) {
  if (length == 0) return true;
  if (!block_) {
    block_ = BlockPool::instance().take(length);
    if (!block_) return false;
  }
  const size_t needed = block_->size + length;
  if (needed > block_->capacity) {
    // Doubling: a session that fills its high-water mark grows a handful of times, once.
    if (!BlockPool::grow(&block_, std::max(needed, block_->capacity * 2))) return false;
  }
  std::memcpy(block_->data() + block_->size, bytes, length);
  block_->size = needed;
  return true;
}

}  // namespace native_pty
