// TextIndex: the catalog's full-text index on Xapian (BM25), kept in the data directory beside
// RocksDB. Indexes an item's title, description, brand, category paths and chosen properties
// (such as tags) with per-field weights;
// English (or another Snowball language) is stemmed, and Chinese, Japanese and Korean text is
// cut into character n-grams (Xapian's CJK n-gram mode) in documents and queries alike, so
// "蓝牙耳机" finds "无线蓝牙耳机 降噪".
//
// The catalog in RocksDB stays the store of record: the engine rebuilds the index from it when
// the index is missing, unreadable or out of step (TextIndex::Open reports which).
//
// Thread safety: all methods may be called from any thread; one mutex serialises them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/ids.h"
#include "core/top_k.h"
#include "recd/item.h"
#include "recd/status.h"

namespace Xapian {
class WritableDatabase;
}

namespace recd {

struct TextIndexOptions {
  std::string language = "english";  // a Snowball stemmer name, or "none"
  int title_weight = 3;              // within-document frequency multipliers of each field
  int brand_weight = 2;
  int category_weight = 2;
  int description_weight = 1;
  int property_weight = 1;
  std::vector<std::string> properties = {"tags"};  // item properties indexed (Item::properties_json)

  // The options that shape the documents; an index built with others is rebuilt.
  std::string Fingerprint() const;
};

class TextIndex {
 public:
  // Opens or creates the index in `dir`. A damaged index, or one built with other options, is
  // removed and recreated empty (*recreated is set): the caller then re-adds the catalog.
  static Result<std::unique_ptr<TextIndex>> Open(const std::string& dir, const TextIndexOptions& options,
                                                 bool* recreated);
  ~TextIndex();

  // Adds or replaces item `idx`; hidden items are removed. Visible to Search after Commit().
  Status Upsert(ItemIdx idx, const Item& item);
  Status Commit();
  uint64_t size() const;

  // The best `n` items for `query` among those `keep` accepts, with BM25 relevance, best first.
  // The filter runs inside the search (Xapian match decider), so filtered items never crowd
  // out others. InvalidArgument for a query the parser cannot read.
  Result<std::vector<Scored>> Search(const std::string& query, size_t n,
                                     const std::function<bool(ItemIdx)>& keep) const;

  // Content-based neighbours of item `idx` ("more like this"): its most distinctive terms
  // (Xapian's relevance-feedback expansion set) searched for, the item itself left out. Works
  // for an item added a moment ago. Empty if the item is not indexed.
  Result<std::vector<Scored>> MoreLikeThis(ItemIdx idx, size_t n, const std::function<bool(ItemIdx)>& keep) const;

 private:
  TextIndex() = default;
  TextIndexOptions options_;
  mutable std::mutex mu_;
  std::unique_ptr<Xapian::WritableDatabase> db_;
};

}  // namespace recd
