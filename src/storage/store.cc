#include "storage/store.h"

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <vector>

namespace recd {

namespace {
constexpr const char* kCfNames[kNumCfs] = {"events", "items", "users", "keys", "meta"};

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::OK();
  std::string msg = std::string(what) + ": " + s.ToString();
  if (s.IsNotFound()) return Status::NotFound(msg);
  if (s.IsCorruption()) return Status::Corruption(msg);
  return Status::IOError(msg);
}

rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
}  // namespace

WriteBatch::WriteBatch(rocksdb::ColumnFamilyHandle* const* handles)
    : batch_(std::make_unique<rocksdb::WriteBatch>()), handles_(handles) {}
WriteBatch::~WriteBatch() = default;
WriteBatch::WriteBatch(WriteBatch&&) noexcept = default;

void WriteBatch::Put(Cf cf, std::string_view key, std::string_view value) {
  batch_->Put(handles_[static_cast<int>(cf)], ToSlice(key), ToSlice(value));
}
void WriteBatch::Delete(Cf cf, std::string_view key) {
  batch_->Delete(handles_[static_cast<int>(cf)], ToSlice(key));
}
size_t WriteBatch::Count() const { return static_cast<size_t>(batch_->Count()); }

Result<std::unique_ptr<Store>> Store::Open(const std::string& dir) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.IncreaseParallelism(2);
  options.OptimizeLevelStyleCompaction();
  // Group commit: concurrent synced writers share one WAL fsync.
  options.enable_pipelined_write = true;

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions(options));
  for (const char* name : kCfNames) {
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions(options));
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(rocksdb::DBOptions(options), dir, descriptors, &handles, &raw);
  if (!s.ok()) return FromRocks(s, "opening the store in '" + dir + "'");

  std::unique_ptr<Store> store(new Store());
  store->db_.reset(raw);
  store->default_handle_ = handles[0];
  for (int i = 0; i < kNumCfs; ++i) store->handles_[i] = handles[i + 1];
  return store;
}

Store::~Store() {
  if (!db_) return;
  for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
  db_->DestroyColumnFamilyHandle(default_handle_);
  db_->Close().PermitUncheckedError();
}

Status Store::Write(WriteBatch& batch, bool sync) {
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  return FromRocks(db_->Write(wo, batch.batch_.get()), "writing to the store");
}

Status Store::Get(Cf cf, std::string_view key, std::string* value) const {
  return FromRocks(db_->Get(rocksdb::ReadOptions(), handles_[static_cast<int>(cf)], ToSlice(key), value),
                   "reading '" + std::string(key) + "'");
}

Status Store::Scan(Cf cf, std::string_view start,
                   const std::function<bool(std::string_view, std::string_view)>& fn) const {
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, handles_[static_cast<int>(cf)]));
  for (it->Seek(ToSlice(start)); it->Valid(); it->Next()) {
    if (!fn(it->key().ToStringView(), it->value().ToStringView())) break;
  }
  return FromRocks(it->status(), "scanning the store");
}

std::string Store::EncodeSeq(uint64_t seq) {
  std::string key(8, '\0');
  for (int i = 7; i >= 0; --i, seq >>= 8) key[i] = static_cast<char>(seq & 0xff);
  return key;
}

uint64_t Store::DecodeSeq(std::string_view key) {
  uint64_t seq = 0;
  for (size_t i = 0; i < 8 && i < key.size(); ++i) seq = (seq << 8) | static_cast<uint8_t>(key[i]);
  return seq;
}

}  // namespace recd
