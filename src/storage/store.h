// Store: the store of record, one embedded RocksDB database in the data directory.
//
// Column families:
//   events   seq (8 bytes, big-endian) -> encoded EventRecord      the durable event log
//   items    item key -> encoded Item                              the catalog
//   users    user key -> attributes JSON
//   keys     namespace byte + external key -> dense index (4 bytes) the key maps
//   meta     name -> value                                         counters, versions, snapshots
//
// Thread safety: all methods are safe to call concurrently (RocksDB is).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "recd/status.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class WriteBatch;
}  // namespace rocksdb

namespace recd {

enum class Cf { kEvents = 0, kItems, kUsers, kKeys, kMeta };
inline constexpr int kNumCfs = 5;

// A set of writes applied atomically by Store::Write. Made by Store::NewBatch.
class WriteBatch {
 public:
  ~WriteBatch();
  WriteBatch(WriteBatch&&) noexcept;
  void Put(Cf cf, std::string_view key, std::string_view value);
  void Delete(Cf cf, std::string_view key);
  size_t Count() const;

 private:
  friend class Store;
  WriteBatch(rocksdb::ColumnFamilyHandle* const* handles);
  std::unique_ptr<rocksdb::WriteBatch> batch_;
  rocksdb::ColumnFamilyHandle* const* handles_;
};

class Store {
 public:
  // Opens or creates the database in `dir`. IOError/Corruption with RocksDB's message.
  static Result<std::unique_ptr<Store>> Open(const std::string& dir);
  ~Store();

  WriteBatch NewBatch() const { return WriteBatch(handles_); }

  // Applies the batch atomically. With sync=true the WAL is fsynced before returning, so the
  // batch survives a crash of the process or the machine. Concurrent synced writers are
  // committed together by RocksDB's write group (one fsync for the group).
  Status Write(WriteBatch& batch, bool sync);

  // NotFound if absent.
  Status Get(Cf cf, std::string_view key, std::string* value) const;

  // Calls fn(key, value) for every key >= start in order, until fn returns false.
  Status Scan(Cf cf, std::string_view start,
              const std::function<bool(std::string_view, std::string_view)>& fn) const;

  // Big-endian encoding so that numeric keys sort in numeric order.
  static std::string EncodeSeq(uint64_t seq);
  static uint64_t DecodeSeq(std::string_view key);

 private:
  Store() = default;
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* default_handle_ = nullptr;
  rocksdb::ColumnFamilyHandle* handles_[kNumCfs] = {};
};

}  // namespace recd
